// One proof for a generated sequence (issue 8), on a small causal toy language model (the
// attention fixture: ids [1,6] → logits [1,6,8]) through the same files a user holds.
import { describe, expect, it } from "vitest";
import { writeGenerationFile } from "../../src/core/artifacts/index.ts";
import { greedyGenerate, languageModelOf } from "../../src/core/generation/index.ts";
import { setupKeys, loadProvingKey, proveWithKey } from "../../src/core/prover/keys.ts";
import { verifyGenerationFiles } from "../../src/core/verifier/generation.ts";
import { attentionFixture } from "./attention-fixture.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const { graph } = attentionFixture();
const keys = setupKeys(graph);
const key = loadProvingKey(concat(keys.pk));
const lm = languageModelOf(key.plan.graph);
const prompt = [3, 1];
const gen = greedyGenerate(key.qgraph, prompt, 3);
const proved = proveWithKey(key, { [lm.ids]: gen.ids });
const file = writeGenerationFile({ logits: proved.outputs[lm.logits]!, proof: proved.proof });
const bytes = (xs: number[]) => Uint8Array.from(xs);

describe("proving a generated sequence in one proof", () => {
  it("accepts the prompt and its greedy continuation", () => {
    expect(gen.generated).toHaveLength(3);
    expect(verifyGenerationFiles(keys.vk, bytes(prompt), bytes(gen.generated), file)).toMatchObject({ ok: true });
  });

  it("rejects a changed generated token", () => {
    const t = [...gen.generated];
    t[1] = (t[1]! + 1) % 8;
    const v = verifyGenerationFiles(keys.vk, bytes(prompt), bytes(t), file);
    expect(v.ok).toBe(false);
  });

  it("rejects a changed prompt byte", () => {
    const v = verifyGenerationFiles(keys.vk, bytes([prompt[0]!, (prompt[1]! + 1) % 8]), bytes(gen.generated), file);
    expect(v.ok).toBe(false);
  });

  it("rejects a text longer or shorter than the one proved", () => {
    expect(verifyGenerationFiles(keys.vk, bytes(prompt), bytes(gen.generated.slice(0, 2)), file).ok).toBe(false);
    expect(verifyGenerationFiles(keys.vk, bytes(prompt), bytes([...gen.generated, 0]), file).ok).toBe(false);
  });

  it("rejects logits changed to make another token the argmax", () => {
    const logits = Int32Array.from(proved.outputs[lm.logits]!);
    // Position prompt.length − 1 decides the first generated token: raise another id above it.
    const pos = prompt.length - 1, first = gen.generated[0]!, other = (first + 1) % 8;
    logits[pos * 8 + other] = logits[pos * 8 + first]! + 1;
    const t = [other, ...gen.generated.slice(1)];
    const forged = writeGenerationFile({ logits, proof: proved.proof });
    expect(verifyGenerationFiles(keys.vk, bytes(prompt), bytes(t), forged).ok).toBe(false);
  });

  it("rejects a truncated file and a trailing byte", () => {
    expect(verifyGenerationFiles(keys.vk, bytes(prompt), bytes(gen.generated), file.subarray(0, file.length - 1)).ok).toBe(false);
    const longer = new Uint8Array(file.length + 1);
    longer.set(file);
    expect(verifyGenerationFiles(keys.vk, bytes(prompt), bytes(gen.generated), longer).ok).toBe(false);
  });
});
