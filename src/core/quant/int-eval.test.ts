import { describe, expect, it } from "vitest";
import { checkBounds } from "./bounds.ts";
import { seededRandom } from "./data.ts";
import { requantize } from "./fixed.ts";
import { runInteger } from "./int-eval.ts";
import type { QGraph, QOp, QTensor, QType, TensorRole, Window } from "./qgraph.ts";
import { buildTable } from "./tables.ts";

/** A hand-built quantized graph: tensors, consts and ops added in order. */
function graph(): QGraph & { add(name: string, shape: number[], t: QType, role: TensorRole, data?: Int32Array): QTensor; push(op: QOp): void } {
  const g: QGraph = { version: 1, inputs: [], outputs: [], tensors: {}, consts: {}, tables: {}, ops: [] };
  return Object.assign(g, {
    add(name: string, shape: number[], t: QType, role: TensorRole, data?: Int32Array) {
      const q = { name, shape, role, ...t };
      g.tensors[name] = q;
      if (data) g.consts[name] = data;
      if (role === "input") g.inputs.push(name);
      return q;
    },
    push(op: QOp) {
      g.ops.push(op);
      g.outputs = [op.output];
    },
  });
}

function ints(n: number, lo: number, hi: number, seed: number): Int32Array {
  const r = seededRandom(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

const s = (bits: number, k = 0): QType => ({ k, bits, signed: true });
const acc: QType = { k: 0, bits: 30, signed: true };

/** Direct convolution (the definition), for x [B,C,H,W], w [O,C/g,kh,kw]. */
function naiveConv(x: Int32Array, xs: number[], w: Int32Array, ws: number[], bias: Int32Array, group: number, win: Window, ys: number[]): number[] {
  const [B, C, H, W] = xs as [number, number, number, number];
  const [O, Cg, kh, kw] = ws as [number, number, number, number];
  const [, , OH, OW] = ys as [number, number, number, number];
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let sum = bias[o]!;
    const gi = Math.floor(o / (O / group));
    for (let c = 0; c < Cg; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const ih = oh * win.strides[0]! - win.padBegin[0]! + i * win.dilations[0]!;
      const iw = ow * win.strides[1]! - win.padBegin[1]! + j * win.dilations[1]!;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      sum += x[((b * C + gi * Cg + c) * H + ih) * W + iw]! * w[((o * Cg + c) * kh + i) * kw + j]!;
    }
    out.push(sum);
  }
  return out;
}

describe("integer evaluator", () => {
  it("computes dense layers exactly, across f32 chunks (12-bit × 12-bit operands, K = 300)", () => {
    const g = graph();
    const R = 3, K = 300, N = 7;
    const x = ints(R * K, -2048, 2047, 1), w = ints(N * K, -2048, 2047, 2), b = ints(N, -1e6, 1e6, 3);
    g.add("x", [R, K], s(12), "input");
    g.add("w", [N, K], s(12), "weight", w);
    g.add("b", [N], s(21), "bias", b);
    g.add("acc", [R, N], acc, "accumulator");
    g.push({ kind: "linear", form: "dense", source: "fc", inputs: ["x", "w", "b"], output: "acc" });
    const y = runInteger(g, { x }).get("acc")!;
    for (let r = 0; r < R; r++) for (let n = 0; n < N; n++) {
      let sum = b[n]!;
      for (let k = 0; k < K; k++) sum += x[r * K + k]! * w[n * K + k]!;
      expect(y[r * N + n]).toBe(sum);
    }
  });

  it("computes convolutions with pads, strides, dilations and groups like the direct definition", () => {
    for (const [group, stride, dil, pad] of [[1, 1, 1, 1], [2, 2, 1, 0], [4, 1, 2, 2], [1, 3, 1, 1]] as const) {
      const g = graph();
      const xs = [2, 4, 9, 7], C = 4, O = 8, kh = 3, kw = 2;
      const win: Window = { kernel: [kh, kw], strides: [stride, stride], dilations: [dil, dil], padBegin: [pad, pad], padEnd: [pad, pad] };
      const OH = Math.floor((9 + 2 * pad - (dil * (kh - 1) + 1)) / stride) + 1, OW = Math.floor((7 + 2 * pad - (dil * (kw - 1) + 1)) / stride) + 1;
      const ws = [O, C / group, kh, kw], ys = [2, O, OH, OW];
      const x = ints(2 * C * 9 * 7, 0, 255, 4), w = ints(O * (C / group) * kh * kw, -128, 127, 5), b = ints(O, -5000, 5000, 6);
      g.add("x", xs, { k: 0, bits: 8, signed: false }, "input");
      g.add("w", ws, s(8), "weight", w);
      g.add("b", [O], s(14), "bias", b);
      g.add("acc", ys, acc, "accumulator");
      g.push({ kind: "linear", form: "conv", source: "conv", inputs: ["x", "w", "b"], output: "acc", group, window: win });
      expect(Array.from(runInteger(g, { x }).get("acc")!)).toEqual(naiveConv(x, xs, w, ws, b, group, win, ys));
    }
  });

  it("pools: max excludes padding, sum counts it as zero", () => {
    const g = graph();
    const x = Int32Array.from([-5, -3, -8, -1, -2, -7, -4, -6, -9]);
    const win: Window = { kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padBegin: [1, 1], padEnd: [0, 0] };
    g.add("x", [1, 1, 3, 3], s(8), "input");
    g.add("m", [1, 1, 2, 2], s(8), "activation");
    g.add("sum", [1, 1, 2, 2], acc, "accumulator");
    g.push({ kind: "maxpool", source: "mp", inputs: ["x"], output: "m", window: win });
    g.push({ kind: "sumpool", source: "ap", inputs: ["x"], output: "sum", window: win });
    const v = runInteger(g, { x });
    expect(Array.from(v.get("m")!)).toEqual([-5, -3, -1, -2]);
    expect(Array.from(v.get("sum")!)).toEqual([-5, -11, -5, -24]);
  });

  it("multiplies activations with broadcast batches, and reduces rows", () => {
    const g = graph();
    const a = ints(2 * 3 * 4, -50, 50, 7), b = ints(4 * 5, -50, 50, 8);
    g.add("a", [2, 3, 4], s(8), "input");
    g.add("b", [1, 4, 5], s(8), "input");
    g.add("p", [2, 3, 5], acc, "accumulator");
    g.add("mx", [2, 3, 1], acc, "accumulator");
    g.push({ kind: "matmul2", source: "mm", inputs: ["a", "b"], output: "p" });
    g.push({ kind: "reducemax", source: "rm", inputs: ["p"], output: "mx", axis: 2 });
    const v = runInteger(g, { a, b });
    const p = v.get("p")!;
    for (let t = 0; t < 2; t++) for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[(t * 3 + i) * 4 + k]! * b[k * 5 + j]!;
      expect(p[(t * 3 + i) * 5 + j]).toBe(sum);
    }
    for (let r = 0; r < 6; r++) expect(v.get("mx")![r]).toBe(Math.max(...p.subarray(r * 5, r * 5 + 5)));
  });

  it("maps indices for transpose, slice, pad and concat", () => {
    const g = graph();
    const x = Int32Array.from([1, 2, 3, 4, 5, 6]);
    g.add("x", [2, 3], s(8), "input");
    g.add("t", [3, 2], s(8), "activation");
    g.add("sl", [2, 1], s(8), "activation");
    g.add("pd", [3, 4], s(8), "activation");
    g.add("cc", [2, 4], s(8), "activation");
    g.push({ kind: "indexmap", source: "t", inputs: ["x"], output: "t", map: { type: "transpose", perm: [1, 0] } });
    g.push({ kind: "indexmap", source: "s", inputs: ["x"], output: "sl", map: { type: "slice", starts: [0, 2], steps: [1, 1] } });
    g.push({ kind: "indexmap", source: "p", inputs: ["x"], output: "pd", map: { type: "pad", padBegin: [1, 0] } });
    g.push({ kind: "indexmap", source: "c", inputs: ["x", "sl"], output: "cc", map: { type: "concat", axis: 1 } });
    const v = runInteger(g, { x });
    expect(Array.from(v.get("t")!)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(v.get("sl")!)).toEqual([3, 6]);
    expect(Array.from(v.get("pd")!)).toEqual([0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0]);
    expect(Array.from(v.get("cc")!)).toEqual([1, 2, 3, 3, 4, 5, 6, 6]);
  });

  it("rejects a table input outside the domain with node and value, unless the table saturates", () => {
    for (const saturate of [false, true]) {
      const g = graph();
      g.add("x", [3], s(8), "input");
      g.add("y", [3], s(8), "activation");
      // a 4-bit table over an 8-bit input: values beyond [-8, 7] are out of its domain
      g.tables.t = buildTable({ fn: "relu", params: {}, input: s(4), output: s(8), saturate });
      g.push({ kind: "lookup", source: "act", inputs: ["x"], output: "y", table: "t" });
      const x = Int32Array.from([-3, 5, 100]);
      if (!saturate) {
        expect(() => runInteger(g, { x })).toThrow(/act: value 100 is outside the domain \[-8, 7\]/);
        expect(() => checkBounds(g)).toThrow(/outside the domain \[-8, 7\] of table t/);
      } else {
        expect(Array.from(runInteger(g, { x }).get("y")!)).toEqual([0, 5, 7]);
      }
    }
  });

  it("rejects missing inputs, wrong sizes and token ids outside the embedding", () => {
    const g = graph();
    g.add("ids", [2], { k: 0, bits: 3, signed: false }, "input");
    g.add("E", [4, 2], s(8), "weight", Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    g.add("e", [2, 2], s(8), "activation");
    g.push({ kind: "embed", source: "tok", inputs: ["ids", "E"], output: "e" });
    expect(Array.from(runInteger(g, { ids: Int32Array.from([3, 0]) }).get("e")!)).toEqual([7, 8, 1, 2]);
    expect(() => runInteger(g, { ids: Int32Array.from([4, 0]) })).toThrow(/tok: token id 4 is outside the table's 4 rows/);
    expect(() => runInteger(g, {})).toThrow(/input ids is missing/);
    expect(() => runInteger(g, { ids: Int32Array.from([1]) })).toThrow(/has 1 values but its shape \[2\] needs 2/);
  });
});

describe("integer evaluator requant", () => {
  it("agrees with the reference requantize on random accumulators, multipliers and shifts", () => {
    const r = seededRandom(11);
    for (let t = 0; t < 40; t++) {
      const g = graph();
      const s = Math.floor(r() * 25), M = 1 + Math.floor(r() * 500);
      const x = ints(500, -(2 ** 19), 2 ** 19, 100 + t);
      g.add("x", [500], { k: 0, bits: 21, signed: true }, "input");
      g.add("y", [500], { k: 0, bits: 12, signed: true }, "activation");
      g.push({ kind: "requant", source: "rq", inputs: ["x"], output: "y", M, s, lo: -2048, hi: 2047 });
      const y = runInteger(g, { x }).get("y")!;
      for (let i = 0; i < 500; i++) expect(y[i]).toBe(requantize(x[i]!, M, s, -2048, 2047));
    }
  });
});
