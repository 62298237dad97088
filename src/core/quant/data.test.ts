import { describe, expect, it } from "vitest";
import { generatedSampleCount, generatedSamples, macsPerSample, seededRandom, splitBatch } from "./data.ts";
import { loadGraph, type Graph } from "../graph/index.ts";
import { makeModel } from "../graph/test-models.ts";

const info = { name: "x", dtype: "float32" as const, shape: [1, 2, 2] };

describe("calibration data", () => {
  it("splits a batch along its leading axis into samples of the model's input shape", () => {
    const s = splitBatch(info, { shape: [3, 2, 2], data: Float32Array.from({ length: 12 }, (_, i) => i) });
    expect(s.length).toBe(3);
    expect(s[2]!.shape).toEqual([1, 2, 2]);
    expect(Array.from(s[2]!.data as Float32Array)).toEqual([8, 9, 10, 11]);
  });

  it("rejects wrong shapes, dtypes, empty sets, NaN/Inf and non-integer ids, naming the tensor", () => {
    expect(() => splitBatch(info, { shape: [3, 4], data: new Float32Array(12) }, "cal.pb")).toThrow(/cal.pb has shape \[3,4\] but model input x needs \[N,2,2\]/);
    expect(() => splitBatch(info, { shape: [0, 2, 2], data: new Float32Array(0) }, "cal.pb")).toThrow(/holds no samples/);
    expect(() => splitBatch(info, { dtype: "int64", shape: [1, 2, 2], data: [1, 2, 3, 4] }, "cal.pb")).toThrow(/holds int64 but the model input x is float32/);
    expect(() => splitBatch(info, { shape: [2, 2, 2], data: Float32Array.from([1, 2, 3, 4, 5, NaN, 7, 8]) }, "cal.pb")).toThrow(/sample 1 holds NaN at flat index 1/);
    expect(() => splitBatch(info, { shape: [1, 2, 2], data: [1, 2, Infinity, 4] }, "cal.pb")).toThrow(/Infinity/);
    const ids = { name: "tokens", dtype: "int64" as const, shape: [1, 2] };
    expect(() => splitBatch(ids, { shape: [1, 2], data: [1, 2.5] }, "ids.json")).toThrow(/2.5 at flat index 1 but tokens takes integers/);
    const batch2 = { name: "x", dtype: "float32" as const, shape: [2, 2] };
    expect(() => splitBatch(batch2, { shape: [3, 2], data: new Float32Array(6) }, "cal.pb")).toThrow(/3 rows, not a multiple of the model's batch of 2/);
  });

  it("generates the same inputs for the same seed: approx. N(0,1) floats, ids within the table", () => {
    const graph = {
      inputs: [{ name: "x", dtype: "float32", shape: [1, 1000] }, { name: "ids", dtype: "int64", shape: [1, 50] }],
      nodes: [{ id: "g", opType: "Gather", domain: "", inputs: ["E", "ids"], outputs: ["e"], attributes: {} }],
      constants: new Map([["E", { dtype: "float32", shape: [7, 3], data: new Float32Array(21) }]]),
    } as unknown as Graph;
    const a = generatedSamples(graph, 2, 5), b = generatedSamples(graph, 2, 5), c = generatedSamples(graph, 2, 6);
    expect(a).toEqual(b);
    expect(a[0]!.x!.data).not.toEqual(c[0]!.x!.data);
    const x = a[0]!.x!.data as Float32Array;
    const mean = x.reduce((s, v) => s + v, 0) / x.length, variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(variance - 1)).toBeLessThan(0.15);
    const ids = a[1]!.ids!.data as Float64Array;
    expect(ids.every((v) => Number.isInteger(v) && v >= 0 && v < 7)).toBe(true);
    expect(new Set(ids).size).toBe(7);
  });

  it("seeded generator matches mulberry32's published first value for seed 0", () => {
    // mulberry32(0) first output is 0x4cd9f6f6 ... checked against an independent implementation below
    const ref = (seed: number) => {
      let t = (seed + 0x6d2b79f5) >>> 0;
      t = Math.imul(t ^ (t >>> 15), t | 1) >>> 0;
      t = (t ^ (t + Math.imul(t ^ (t >>> 7), t | 61))) >>> 0;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    expect(seededRandom(0)()).toBe(ref(0));
    expect(seededRandom(12345)()).toBe(ref(12345));
  });
});

describe("generated samples sized to the model", () => {
  it("counts a conv's and a Gemm's multiply-adds, and gives heavy models fewer samples (16 to 64)", () => {
    const conv = (c: number, hw: number) => loadGraph(makeModel({
      inputs: [["x", "float32", [1, c, hw, hw]]], outputs: [["y"]],
      initializers: [{ name: "w", dtype: "float32", dims: [c, c, 3, 3], data: new Float32Array(c * c * 9) }, { name: "g", dtype: "float32", dims: [c * hw * hw, 10], data: new Float32Array(c * hw * hw * 10) }],
      nodes: [{ op: "Conv", in: ["x", "w"], out: ["h"], attrs: { pads: { kind: "ints", value: [1, 1, 1, 1] } } }, { op: "Flatten", in: ["h"], out: ["f"] }, { op: "Gemm", in: ["f", "g"], out: ["y"] }],
    }));
    const small = conv(4, 8);
    // Conv: 4·8·8 outputs × 4·3·3; Gemm: 10 outputs × 256.
    expect(macsPerSample(small)).toBe(4 * 8 * 8 * 4 * 9 + 10 * 256);
    expect(generatedSampleCount(small)).toBe(64);
    // 256 channels at 56×56: ~1.85 G multiply-adds a sample, ResNet-50's order.
    expect(generatedSampleCount(conv(256, 56))).toBe(16);
  });
});
