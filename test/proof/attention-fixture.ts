// A small hand-built quantized attention block with non-power-of-two lengths, for the
// transformer gadgets: embed (public ids) + positions → requant; row mean; Hadamard by the
// mean; dense qkv (24 wide, padded to 32); aligned slices; transpose; QKᵀ (matmul2); causal
// select; row max (softmax shift); a lookup table; attention·V (matmul2 over 6 live of 8 padded rows) → requant → output.
import type { QGraph, QTensor, QTable } from "../../src/core/quant/qgraph.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

export function attentionFixture(seed = 5): { graph: QGraph; input: Record<string, Int32Array> } {
  const r = rng(seed);
  const ints = (n: number, lo: number, hi: number) => Int32Array.from({ length: n }, () => lo + (r() % (hi - lo + 1)));
  const T = (name: string, shape: number[], role: QTensor["role"], bits: number, signed = true, k = 4): QTensor => ({ name, shape, role, bits, signed, k });
  const tensors: Record<string, QTensor> = {};
  const add = (...ts: QTensor[]) => ts.forEach((t) => (tensors[t.name] = t));
  add(
    T("ids", [1, 6], "input", 8, false, 0),
    T("E", [10, 8], "weight", 8), T("pos", [6, 8], "weight", 8),
    T("emb", [1, 6, 8], "activation", 8),
    T("h_acc", [1, 6, 8], "accumulator", 31), T("h", [1, 6, 8], "activation", 8),
    T("s_acc", [1, 6, 1], "accumulator", 31), T("mean", [1, 6, 1], "activation", 8),
    T("hm_acc", [1, 6, 8], "accumulator", 31), T("hm", [1, 6, 8], "activation", 8),
    T("Wqkv", [24, 8], "weight", 8), T("bqkv", [24], "bias", 12),
    T("qkv_acc", [1, 6, 24], "accumulator", 31), T("qkv", [1, 6, 24], "activation", 8),
    T("q", [1, 6, 8], "activation", 8), T("k", [1, 6, 8], "activation", 8), T("v", [1, 6, 8], "activation", 8),
    T("kT", [1, 8, 6], "activation", 8),
    T("att_acc", [1, 6, 6], "accumulator", 31), T("att", [1, 6, 6], "activation", 8),
    T("mask", [1, 6, 6], "const", 1, false, 0),
    T("masked", [1, 6, 6], "activation", 8),
    T("mx", [1, 6, 1], "activation", 8),
    T("shift_acc", [1, 6, 6], "accumulator", 31), T("shifted", [1, 6, 6], "activation", 9),
    T("p", [1, 6, 6], "activation", 8, false),
    T("o_acc", [1, 6, 8], "accumulator", 31), T("out", [1, 6, 8], "activation", 8),
  );
  const mask = new Int32Array(36);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) mask[i * 6 + j] = j > i ? 1 : 0;
  const values = new Int32Array(512);
  for (let j = 0; j < 512; j++) values[j] = Math.max(0, Math.min(255, Math.floor((j - 256) / 2) + 128));
  const table: QTable = { fn: "test", params: {}, input: { k: 4, bits: 9, signed: true }, output: { k: 4, bits: 8, signed: false }, saturate: false, values };
  const graph: QGraph = {
    version: 1, inputs: ["ids"], outputs: ["out"], tensors,
    consts: { E: ints(80, -128, 127), pos: ints(48, -128, 127), Wqkv: ints(192, -128, 127), bqkv: ints(24, -1000, 1000), mask },
    tables: { t: table },
    ops: [
      { kind: "embed", source: "/tok/Gather", inputs: ["ids", "E"], output: "emb" },
      { kind: "add", source: "/Add", inputs: ["emb", "pos"], output: "h_acc", coeffs: [1, 1] },
      { kind: "requant", source: "/Add", inputs: ["h_acc"], output: "h", M: 1, s: 1, lo: -128, hi: 127 },
      { kind: "rowsum", source: "/ln/mean", inputs: ["h"], output: "s_acc", axis: 2 },
      { kind: "requant", source: "/ln/mean", inputs: ["s_acc"], output: "mean", M: 1, s: 3, lo: -128, hi: 127 },
      { kind: "mul", source: "/ln/Mul", inputs: ["h", "mean"], output: "hm_acc" },
      { kind: "requant", source: "/ln/Mul", inputs: ["hm_acc"], output: "hm", M: 1, s: 7, lo: -128, hi: 127 },
      { kind: "linear", form: "dense", source: "/qkv/MatMul", inputs: ["hm", "Wqkv", "bqkv"], output: "qkv_acc" },
      { kind: "requant", source: "/qkv/MatMul", inputs: ["qkv_acc"], output: "qkv", M: 1, s: 10, lo: -128, hi: 127 },
      { kind: "indexmap", source: "/Split", inputs: ["qkv"], output: "q", map: { type: "slice", starts: [0, 0, 0], steps: [1, 1, 1] } },
      { kind: "indexmap", source: "/Split", inputs: ["qkv"], output: "k", map: { type: "slice", starts: [0, 0, 8], steps: [1, 1, 1] } },
      { kind: "indexmap", source: "/Split", inputs: ["qkv"], output: "v", map: { type: "slice", starts: [0, 0, 16], steps: [1, 1, 1] } },
      { kind: "indexmap", source: "/Transpose", inputs: ["k"], output: "kT", map: { type: "transpose", perm: [0, 2, 1] } },
      { kind: "matmul2", source: "/MatMul", inputs: ["q", "kT"], output: "att_acc" },
      { kind: "requant", source: "/Div", inputs: ["att_acc"], output: "att", M: 1, s: 9, lo: -128, hi: 127 },
      { kind: "select", source: "/Where", inputs: ["att", "mask"], output: "masked", fill: -128 },
      { kind: "reducemax", source: "/Softmax", inputs: ["masked"], output: "mx", axis: 2 },
      { kind: "add", source: "/Softmax", inputs: ["masked", "mx"], output: "shift_acc", coeffs: [1, -1] },
      { kind: "requant", source: "/Softmax", inputs: ["shift_acc"], output: "shifted", M: 1, s: 0, lo: -256, hi: 255 },
      { kind: "lookup", source: "/Exp", inputs: ["shifted"], output: "p", table: "t" },
      { kind: "matmul2", source: "/MatMul_1", inputs: ["p", "v"], output: "o_acc" },
      { kind: "requant", source: "/MatMul_1", inputs: ["o_acc"], output: "out", M: 1, s: 8, lo: -128, hi: 127 },
    ],
  };
  return { graph, input: { ids: ints(6, 0, 9) } };
}
