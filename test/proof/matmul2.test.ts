// Batched activation products: the batch variables must be summed with eq, and broadcast
// batch axes read the same operand batch.
import { describe, expect, it } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { commitModel, prove, outputsOf } from "../../src/core/prover/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { runInteger } from "../../src/core/quant/int-eval.ts";
import type { QGraph } from "../../src/core/quant/qgraph.ts";

function graphFor(aShape: number[], cShape: number[], outShape: number[]): QGraph {
  return {
    version: 1, inputs: ["a", "c"], outputs: ["y"],
    tensors: {
      a: { name: "a", shape: aShape, role: "input", k: 0, bits: 6, signed: true },
      c: { name: "c", shape: cShape, role: "input", k: 0, bits: 6, signed: true },
      acc: { name: "acc", shape: outShape, role: "accumulator", k: 0, bits: 31, signed: true },
      y: { name: "y", shape: outShape, role: "activation", k: 0, bits: 8, signed: true },
    },
    consts: {}, tables: {},
    ops: [
      { kind: "matmul2", source: "/MatMul", inputs: ["a", "c"], output: "acc" },
      { kind: "requant", source: "/MatMul", inputs: ["acc"], output: "y", M: 1, s: 4, lo: -128, hi: 127 },
    ],
  };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

describe("batched activation products", () => {
  const cases: [string, number[], number[], number[]][] = [
    ["4 heads, all powers of two", [1, 4, 4, 8], [1, 4, 8, 4], [1, 4, 4, 4]],
    ["3 batches of 3×5 by 5×6", [3, 3, 5], [3, 5, 6], [3, 3, 6]],
    ["a broadcast right operand", [2, 3, 5], [1, 5, 3], [2, 3, 3]],
  ];
  for (const [name, aShape, cShape, outShape] of cases) {
    it(`${name}: proves, verifies, and rejects a changed output`, () => {
      const g = graphFor(aShape, cShape, outShape);
      const r = rng(aShape.length * 31 + cShape[0]!);
      const fill = (shape: number[]) => Int32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => (r() % 64) - 32);
      const input = { a: fill(aShape), c: fill(cShape) };
      const { consts, ...spec } = g;
      const plan = compilePlan(spec as GraphSpec);
      const model = commitModel(plan, consts);
      const reference = runInteger(g, input);
      const digest = new Uint8Array(32);
      const proof = prove({ plan, vkDigest: digest, consts, model, inputs: input, reference });
      const key = { root: model.data.root, map: model.map, params: model.data.params };
      const outputs = outputsOf(plan, reference);
      expect(verify({ plan, vkDigest: digest, model: key, inputs: input, outputs, proof })).toEqual({ ok: true });
      const y = Int32Array.from(outputs.y!);
      y[y.length - 1] = y[y.length - 1]! === 127 ? 126 : y[y.length - 1]! + 1;
      expect(verify({ plan, vkDigest: digest, model: key, inputs: input, outputs: { y }, proof }).ok).toBe(false);
    });
  }
});
