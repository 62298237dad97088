// Max and sum pools (PROTOCOL §4): strides, pads (windows over padding), dilations, 1-D and 2-D,
// non-power-of-two shapes, batch; tampered messages and cheating maxima are rejected.
import { describe, expect, it } from "vitest";
import type { Values } from "../../src/core/prover/index.ts";
import type { Window } from "../../src/core/quant/qgraph.ts";
import { graphOf, ints, lastWords, proveGraph, tensor, withWord } from "./gadget-harness.ts";

const win = (kernel: number[], strides: number[], padBegin: number[], padEnd = padBegin, dilations = kernel.map(() => 1)): Window => ({ kernel, strides, dilations, padBegin, padEnd });
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

interface PoolCase { name: string; x: number[]; m: number[]; max: Window; s: number[]; sum: Window; lo: number; hi: number }

// x → max pool → m (committed) → sum pool → acc → requant → y. The max pool is the first op, so
// its messages end the proof body.
function poolGraph(c: PoolCase, seed: number) {
  const gen = ints(seed);
  const graph = graphOf([
    tensor("x", c.x, "input", 8), tensor("m", c.m, "activation", 8),
    tensor("acc", c.s, "accumulator", 14), tensor("y", c.s, "activation", 8),
  ], [
    { kind: "maxpool", source: "/maxpool", inputs: ["x"], output: "m", window: c.max },
    { kind: "sumpool", source: "/avgpool", inputs: ["m"], output: "acc", window: c.sum },
    { kind: "requant", source: "/avgpool", inputs: ["acc"], output: "y", M: 3, s: 4, lo: -128, hi: 127 },
  ], {}, ["x"], ["y"]);
  return { graph, input: { x: gen(size(c.x), c.lo, c.hi) } };
}

const CASES: PoolCase[] = [
  { name: "2x2 stride 2 on 6x5, then 3x2 sums", x: [1, 3, 6, 5], m: [1, 3, 3, 2], max: win([2, 2], [2, 2], [0, 0]), s: [1, 3, 1, 1], sum: win([3, 2], [1, 1], [0, 0]), lo: -128, hi: 127 },
  { name: "3x3 stride 2 pad 1 over negative values, batch 2, then 3x3 sums with pad 1", x: [2, 2, 7, 7], m: [2, 2, 4, 4], max: win([3, 3], [2, 2], [1, 1]), s: [2, 2, 4, 4], sum: win([3, 3], [1, 1], [1, 1]), lo: -128, hi: -20 },
  { name: "1-D kernel 3 stride 1, then global sum", x: [1, 2, 9], m: [1, 2, 7], max: win([3], [1], [0]), s: [1, 2, 1], sum: win([7], [1], [0]), lo: -50, hi: 60 },
  { name: "dilated max (2x2, dilation 2) and dilated sums (3, dilation 2, pad 1)", x: [1, 2, 7, 6], m: [1, 2, 5, 4], max: win([2, 2], [1, 1], [0, 0], [0, 0], [2, 2]), s: [1, 2, 3, 2], sum: win([3, 1], [1, 2], [1, 0], [0, 0], [2, 1]), lo: -128, hi: 127 },
];

describe("pool proofs", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const { graph, input } = poolGraph(c, c.x.length * 31 + c.m[2]!);
      const honest = proveGraph(graph, input);
      const plan = honest.plan;
      const cheat = (mutate: (v: Values) => void) => proveGraph(graph, input, { testOnlyCheat: { mutate: (v, _p, phase) => phase === "witness" && mutate(v) } }).check();
      const cands = plan.pools[0]!.candidates;

      it("proves and verifies; the output is the integer evaluator's", () => {
        expect(honest.check()).toEqual({ ok: true });
        expect(honest.outputs.y).toEqual(honest.reference.get("y"));
      });

      it("rejects any changed round polynomial or claimed value of the max pool", () => {
        const m = plan.tensors.m!, x = plan.tensors.x!;
        const words = 4 * (cands.length + 1) * m.nVars + 4 * cands.length + 8 + 8 * x.nVars + 4;
        for (const at of lastWords(words, 5)) expect(honest.check({ proof: withWord(honest.proof, at) }).ok, `word ${at}`).toBe(false);
      });

      it("a harness run without a cheat is accepted", () => {
        expect(cheat(() => {})).toEqual({ ok: true });
      });

      it("rejects a window max that is not the max (lowered to a smaller candidate, differences kept consistent)", () => {
        expect(cheat((v) => {
          const m = v.get("m")!, ds = cands.map((n) => v.get(n)!);
          const p = ds[0]!.findIndex((_, i) => ds.some((d) => d[i]! > 0));
          const drop = Math.min(...ds.map((d) => d[p]!).filter((x) => x > 0));
          m[p]! -= drop;
          for (const d of ds) d[p]! -= drop;
        })).toMatchObject({ ok: false });
      });

      it("rejects a max above every candidate", () => {
        expect(cheat((v) => {
          v.get("m")![0]! += 1;
          for (const n of cands) v.get(n)![0]! += 1;
        })).toMatchObject({ ok: false });
      });

      it("rejects a candidate difference that is not m − x (zeroed to fake a winner)", () => {
        expect(cheat((v) => {
          const ds = cands.map((n) => v.get(n)!);
          const p = ds[0]!.findIndex((_, i) => ds.some((d) => d[i]! > 0));
          ds.find((d) => d[p]! > 0)![p] = 0;
        })).toMatchObject({ ok: false });
      });
    });
  }
});
