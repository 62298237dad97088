// A small hand-built quantized MLP with a residual add, for proof tests that must not depend on
// calibration: x[1,6] → dense+bias → requant(ReLU) → y1[1,5] → dense → requant → y2[1,5]
// → add(y2, y1) → requant → out[1,5] (output).
import type { QGraph, QTensor } from "../../src/core/quant/qgraph.ts";
import { runInteger } from "../../src/core/quant/int-eval.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

export function mlpFixture(seed = 7): { graph: QGraph; input: Record<string, Int32Array> } {
  const r = rng(seed);
  const ints = (n: number, lo: number, hi: number) => Int32Array.from({ length: n }, () => lo + (r() % (hi - lo + 1)));
  const T = (name: string, shape: number[], role: QTensor["role"], bits: number, signed = true, k = 4): QTensor => ({ name, shape, role, bits, signed, k });
  const tensors: Record<string, QTensor> = {};
  for (const t of [
    T("x", [1, 6], "input", 8),
    T("w1", [5, 6], "weight", 8), T("b1", [5], "bias", 16),
    T("acc1", [1, 5], "accumulator", 31),
    T("y1", [1, 5], "activation", 8, false),
    T("w2", [5, 5], "weight", 8),
    T("acc2", [1, 5], "accumulator", 31),
    T("y2", [1, 5], "activation", 8),
    T("sum", [1, 5], "accumulator", 31),
    T("out", [1, 5], "activation", 8),
  ]) tensors[t.name] = t;
  const graph: QGraph = {
    version: 1,
    inputs: ["x"],
    outputs: ["out"],
    tensors,
    consts: { w1: ints(30, -128, 127), b1: ints(5, -2000, 2000), w2: ints(25, -128, 127) },
    tables: {},
    ops: [
      { kind: "linear", form: "dense", source: "/fc1/Gemm", inputs: ["x", "w1", "b1"], output: "acc1" },
      { kind: "requant", source: "/fc1/Gemm", inputs: ["acc1"], output: "y1", M: 1, s: 9, lo: 0, hi: 255 },
      { kind: "linear", form: "dense", source: "/fc2/Gemm", inputs: ["y1", "w2"], output: "acc2" },
      { kind: "requant", source: "/fc2/Gemm", inputs: ["acc2"], output: "y2", M: 1, s: 10, lo: -128, hi: 127 },
      { kind: "add", source: "/Add", inputs: ["y2", "y1"], output: "sum", coeffs: [2, 1] },
      { kind: "requant", source: "/Add", inputs: ["sum"], output: "out", M: 3, s: 2, lo: -128, hi: 127 },
    ],
  };
  return { graph, input: { x: ints(6, -128, 127) } };
}

export function runFixture(graph: QGraph, input: Record<string, Int32Array>) {
  return runInteger(graph, input);
}
