// Requantization with a quotient wider than one table (q = offset + 2^L·hi + lo) and with a
// shift over 16 bits (remainder limbs): proved, verified, and rejected when any part lies.
import { describe, expect, it } from "vitest";
import { requantize } from "../../src/core/quant/fixed.ts";
import { DIGEST, graphOf, ints, lastWords, proveGraph, tensor, withWord } from "./gadget-harness.ts";
import type { Values } from "../../src/core/prover/index.ts";

// x [1,3,5] (public, 24 bits) → requant (s = 4, clamp to 12 bits signed) → y (output), a split
// quotient whose high part covers −128..128 and whose words end the proof body; y also feeds a
// dense layer whose output is requantized with ReLU into u12 (split, witness), then with s = 20
// and M = 3 (two remainder limbs, narrow quotient) into the output z.
function wideGraph(seed: number) {
  const gen = ints(seed);
  const graph = graphOf([
    tensor("x", [1, 3, 5], "input", 24),
    tensor("y", [1, 3, 5], "activation", 12),
    tensor("w", [6, 5], "weight", 12), tensor("acc", [1, 3, 6], "accumulator", 29),
    tensor("h", [1, 3, 6], "activation", 12, false),
    tensor("w2", [3, 6], "weight", 8), tensor("acc2", [1, 3, 3], "accumulator", 29),
    tensor("z", [1, 3, 3], "activation", 8),
  ], [
    { kind: "requant", source: "/wide", inputs: ["x"], output: "y", M: 1, s: 4, lo: -2048, hi: 2047 },
    { kind: "linear", form: "dense", source: "/fc", inputs: ["y", "w"], output: "acc" },
    { kind: "requant", source: "/relu", inputs: ["acc"], output: "h", M: 1, s: 4, lo: 0, hi: 4095 },
    { kind: "linear", form: "dense", source: "/fc2", inputs: ["h", "w2"], output: "acc2" },
    { kind: "requant", source: "/limbs", inputs: ["acc2"], output: "z", M: 3, s: 20, lo: -128, hi: 127 },
  ], { w: gen(30, -2048, 2047), w2: gen(18, -128, 127) }, ["x"], ["y", "z"]);
  const x = gen(15, -(2 ** 20) * 2, 2 ** 20 * 2);
  // A few inside the clamp window (hi = 0): a uniform draw over ±2^21 rarely lands in its 2^16.
  [x[1], x[6], x[11]] = [100, -20_000, 30_000];
  return { graph, input: { x } };
}

describe("requantization of wide quotients and wide shifts", () => {
  const { graph, input } = wideGraph(3);
  const honest = proveGraph(graph, input);
  const { plan } = honest;

  it("plans a split quotient and remainder limbs where the static ranges need them", () => {
    const wide = plan.requants.find((r) => plan.graph.ops[r.op]!.output === "y")!;
    expect(wide.q).toBeUndefined();
    // A 12-bit output: the low part is 12 bits wide (a 2^12-row table, not 2^16), q ∈ ±2^19 − 2048
    // leaves hi ∈ [−128, 128].
    expect(wide.split).toMatchObject({ hi: "y#hi", lo: "y#lo", offset: -2048, lowBits: 12 });
    expect(plan.tensors["y#lo"]!.bits).toBe(12);
    expect(plan.tensors["y#hi"]!.bits).toBe(9);
    expect(Object.keys(plan.tables)).toContain("lowclamp:12:-2048:-2048:2047");
    const limbed = plan.requants.find((r) => plan.graph.ops[r.op]!.output === "z")!;
    expect(limbed.r).toEqual(["z#r0", "z#r1"]);
    expect([plan.tensors["z#r0"]!.bits, plan.tensors["z#r1"]!.bits]).toEqual([16, 4]);
    expect(limbed.q).toBe("z#q");
  });

  it("covers every regime of the split: below, inside and above the clamp", () => {
    const x = input.x!;
    const q = Array.from(x, (v) => Math.floor((v + 8) / 16));
    const low = 2 ** 12;
    expect(q.some((v) => v < -2048 - low)).toBe(true);
    expect(q.some((v) => v >= -2048 && v < -2048 + low)).toBe(true);
    expect(q.some((v) => v >= -2048 + low)).toBe(true);
  });

  it("proves and verifies; the outputs are the integer evaluator's", () => {
    expect(honest.check()).toEqual({ ok: true });
    expect(Array.from(honest.outputs.y!)).toEqual(Array.from(input.x!, (v) => requantize(v, 1, 4, -2048, 2047)));
    expect(honest.outputs.z).toEqual(honest.reference.get("z"));
  });

  it("rejects a changed output of the split requant", () => {
    const y = Int32Array.from(honest.outputs.y!);
    y[4] = y[4] === 2047 ? 2046 : y[4]! + 1;
    expect(honest.check({ outputs: { ...honest.outputs, y } }).ok).toBe(false);
  });

  it("rejects every changed word of the split requant's messages (values and the clamp sumcheck)", () => {
    // The first op writes last: hi, lo, r at ρ, then y, sat, the 4-variable clamp sumcheck and zero, low.
    const words = 4 * 5 + 12 * 4 + 8;
    for (const at of lastWords(words, 3)) expect(honest.check({ proof: withWord(honest.proof, at) }).ok, `word ${at}`).toBe(false);
  });

  const cheat = (mutate: (v: Values) => void) => proveGraph(graph, input, { testOnlyCheat: { mutate: (v, _p, phase) => phase === "witness" && mutate(v) } }).check();

  it("a harness run without a cheat is accepted", () => {
    expect(cheat(() => {})).toEqual({ ok: true });
  });

  it("rejects a wrong hi/lo split (hi + 1, lo − 2^12: the identity holds, lo leaves its 12-bit table)", () => {
    expect(cheat((v) => { v.get("y#hi")![2]! += 1; v.get("y#lo")![2]! -= 4096; }).ok).toBe(false);
  });

  it("rejects a high part outside its domain (hi = 129 > 128, output saturated to match)", () => {
    expect(cheat((v) => {
      v.get("y#hi")![3] = 129; v.get("y#zero")![3] = 0; v.get("y#sat")![3] = 2047; v.get("y")![3] = 2047;
    }).ok).toBe(false);
  });

  it("rejects an output that is not the clamp of its parts (zero and low kept, y moved)", () => {
    expect(cheat((v) => { const y = v.get("y")!; y[0] = y[0] === 2047 ? 2046 : y[0]! + 1; }).ok).toBe(false);
  });

  it("rejects a saturated output moved inside the window with a consistent table row", () => {
    // Claim hi = 0 with the low part's clamp: the identity of q then fails.
    expect(cheat((v) => {
      const hi = v.get("y#hi")!, p = Array.from(hi).findIndex((h, i) => i < 15 && h > 0);
      hi[p] = 0; v.get("y#zero")![p] = 1; v.get("y#sat")![p] = 0; v.get("y")![p] = v.get("y#low")![p]!;
    }).ok).toBe(false);
  });

  it("rejects a remainder limb outside its range (r0 + 2^16, r1 − 1)", () => {
    expect(cheat((v) => { v.get("z#r0")![1]! += 65536; v.get("z#r1")![1]! -= 1; }).ok).toBe(false);
  });

  it("rejects a top limb outside its 4-bit range (r1 + 1, q − 1 would need r ≥ 2^20)", () => {
    expect(cheat((v) => { v.get("z#r1")![0]! += 16; v.get("z#q")![0]! -= 1; const z = v.get("z")!; z[0] = Math.max(-128, z[0]! - 1); }).ok).toBe(false);
  });

  it("uses the digest it was given", () => {
    expect(DIGEST.length).toBe(32);
  });
});
