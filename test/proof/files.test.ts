// Verification from files (PROTOCOL §7, §9): the hand-built MLP set up, proved and verified through
// vk.bin / input TensorProto / output.json / proof.bin, and every statement-level tamper case a
// user can make with files rejected with a reason.
import { describe, expect, it } from "vitest";
import { compilePlan, padInts, toField } from "../../src/core/circuit/index.ts";
import {
  readProofFile, proofBounds, readVk, setupStatement, writeProofFile, writeVk, buildOutput, decodeTensorProto, publicInputs, INTEGRITY_NOTE,
} from "../../src/core/artifacts/index.ts";
import { proveWithKey } from "../../src/core/prover/keys.ts";
import { packSegments, commit, chooseParams } from "../../src/core/pcs/index.ts";
import { commitModel } from "../../src/core/prover/index.ts";
import { proveSetup } from "../../src/core/prover/setup-proof.ts";
import { checkVk, verifyFiles } from "../../src/core/verifier/files.ts";
import { fixtureFiles, inputFile } from "./keys-fixture.ts";
import { mlpFixture } from "./mlp-fixture.ts";

const f = fixtureFiles();
const outputJson = JSON.stringify(f.output);

function reason(v: { ok: boolean; reason?: string }): string {
  expect(v.ok).toBe(false);
  return (v as { reason: string }).reason;
}

/** The proof re-stamped with another VK digest (so it reaches the verifier's checks). */
function restamp(proof: Uint8Array, vk: Uint8Array): Uint8Array {
  const p = readVk(vk);
  const file = readProofFile(proof, proofBounds(compilePlan(p.vk.graph), p.vk.model.params));
  return writeProofFile({ ...file, vkDigest: p.digest });
}

/** A VK for the fixture whose model commitment was edited before committing (a cheating setup). */
function cheatingVk(edit: (packed: Uint32Array, offsetOf: (n: string) => number) => void): Uint8Array {
  const p = readVk(f.vk);
  const plan = compilePlan(p.vk.graph);
  const honest = commitModel(plan, f.graph.consts);
  const packed = packSegments(honest.map, honest.map.segments.map((s) => {
    const t = plan.tensors[s.name]!;
    return toField(padInts(f.graph.consts[s.name]!, t.shape, t.logDims));
  }));
  edit(packed, (n) => honest.map.segments.find((s) => s.name === n)!.offset);
  const model = { map: honest.map, data: commit(chooseParams(honest.map.logN), packed) };
  const key = { root: model.data.root, map: model.map, params: model.data.params };
  const setupProof = proveSetup(plan, model, setupStatement(p.vk.graph, key), { testOnlyCheat: true });
  return writeVk({ graph: p.vk.graph, model: key, setupProof });
}

describe("verify from files", () => {
  it("accepts the honest files and says what is proved", () => {
    const v = verifyFiles(f.vk, f.input, outputJson, f.proof);
    expect(v).toMatchObject({ ok: true, proves: INTEGRITY_NOTE });
    expect(verifyFiles(f.vk, f.input, new TextEncoder().encode(outputJson), f.proof).ok).toBe(true);
    expect(verifyFiles(f.vk, f.input, f.output, f.proof).ok).toBe(true);
  });

  it("rejects a changed output value (with consistent dequantized values)", () => {
    const out = structuredClone(f.output);
    const o = out.outputs[0]!;
    o.values[1] = o.values[1]! === 127 ? 126 : o.values[1]! + 1;
    o.dequantized[1] = o.values[1]! * 2 ** -o.k;
    expect(reason(verifyFiles(f.vk, f.input, out, f.proof))).toMatch(/public output|does not match/);
  });

  it("rejects a changed public input", () => {
    const x = Int32Array.from(mlpFixture(7).input.x!);
    x[3] = x[3] === 127 ? 126 : x[3]! + 1;
    expect(verifyFiles(f.vk, inputFile(f.graph, x), outputJson, f.proof).ok).toBe(false);
  });

  it("rejects the proof under the VK of another QuantPlan, even re-stamped with its digest", () => {
    const other = fixtureFiles(7, (g) => {
      const op = g.ops[3]!;
      if (op.kind === "requant") op.s += 1;
    });
    expect(reason(verifyFiles(other.vk, f.input, outputJson, f.proof))).toMatch(/another verifying key/);
    const out = buildOutput(other.key.plan.graph, { out: Int32Array.from(f.output.outputs[0]!.values) }, other.key.vkDigest);
    expect(verifyFiles(other.vk, f.input, out, restamp(f.proof, other.vk)).ok).toBe(false);
  });

  it("rejects a proof made with another model's weights under this VK's digest", () => {
    // A cheating prover: this VK's digest and plan, but the weights (and commitment) of seed 8.
    const other = fixtureFiles(8);
    const x = publicInputs(f.key.plan.graph, [decodeTensorProto(other.input)]);
    const r = proveWithKey({ ...other.key, vkDigest: f.key.vkDigest }, x);
    const out = buildOutput(f.key.plan.graph, r.outputs, f.key.vkDigest);
    expect(reason(verifyFiles(f.vk, other.input, out, r.proof))).toMatch(/model commitment/);
  });

  it("rejects a VK whose setup proof is bad: a weight out of range, nonzero padding", () => {
    const outOfRange = cheatingVk((v, at) => (v[at("w1") + 3] = 300));
    expect(reason(checkVk(outOfRange))).toMatch(/setup proof fails/);
    const padding = cheatingVk((v, at) => (v[at("w2") + 7] = 1));
    expect(reason(checkVk(padding))).toMatch(/setup proof fails/);
    expect(reason(verifyFiles(padding, f.input, outputJson, f.proof))).toMatch(/setup proof fails/);
  });

  it("rejects a changed setup-proof byte in the VK", () => {
    const p = readVk(f.vk);
    const setupProof = p.vk.setupProof.slice();
    setupProof[Math.floor(setupProof.length / 2)]! ^= 0x10;
    expect(reason(checkVk(writeVk({ ...p.vk, setupProof })))).toMatch(/setup proof fails/);
  });

  it("rejects a truncated proof and a trailing byte with the byte offset", () => {
    expect(reason(verifyFiles(f.vk, f.input, outputJson, f.proof.subarray(0, f.proof.length - 3)))).toMatch(/proof: .*byte \d+/);
    expect(reason(verifyFiles(f.vk, f.input, outputJson, Uint8Array.from([...f.proof, 0])))).toMatch(/trailing/);
  });
});
