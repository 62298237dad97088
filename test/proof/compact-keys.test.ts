// Keys stored without the encoded model (a browser's storage: vgg16's pk.bin 600 → 63 MB) load,
// get their model's code back once, and prove what the full key proves; weights that do not
// encode to the key's commitment are refused.
import { describe, expect, it } from "vitest";
import { decodeTensorProto, publicInputs } from "../../src/core/artifacts/index.ts";
import { compactPk, loadProvingKey, proveWithKey, withModelCode } from "../../src/core/prover/keys.ts";
import { CircuitError } from "../../src/core/circuit/index.ts";
import { fixtureFiles, joinParts } from "./keys-fixture.ts";

describe("compact proving keys", () => {
  const f = fixtureFiles(11);
  const inputs = publicInputs(f.key.plan.graph, [decodeTensorProto(f.input)]);

  it("leave out the code, get it back once, and prove the full key's proof", () => {
    const compact = joinParts(compactPk(f.key));
    expect(compact.length).toBeLessThan(f.pk.length);
    const loaded = loadProvingKey(compact);
    expect(loaded.model.data.columns).toBeUndefined();
    const { key } = withModelCode(loaded);
    expect(Array.from(key.model.data.columns as Uint32Array)).toEqual(Array.from(f.key.model.data.columns as Uint32Array));
    expect(Buffer.from(proveWithKey(key, inputs).proof).equals(Buffer.from(f.proof))).toBe(true);
    // A key that has its code is returned as it is.
    expect(withModelCode(f.key).key).toBe(f.key);
  });

  it("refuse weights that do not encode to the key's root", () => {
    const loaded = loadProvingKey(joinParts(compactPk(f.key)));
    const matrix = loaded.model.data.matrix.slice();
    matrix[0] = (matrix[0]! + 1) % 2130706433;
    const bad = { ...loaded, model: { ...loaded.model, data: { ...loaded.model.data, matrix } } };
    expect(() => withModelCode(bad)).toThrow(CircuitError);
    expect(() => withModelCode(bad)).toThrow(/do not encode to its commitment; the file is damaged, re-run setup/);
  });
});
