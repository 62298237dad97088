// Per-channel weight scales (issue 6): lowered as acc ⊙ M then a requant with M = 1, checked
// against an independent re-implementation, through the plan, and through the circuit.
import { describe, expect, it } from "vitest";
import { loadGraph, type Graph } from "../../src/core/graph/index.ts";
import { f32, int, makeModel } from "../../src/core/graph/test-models.ts";
import {
  calibrate, checkBounds, generatedSamples, intervals, measureAccuracy, parsePlan, QuantError,
  quantizeWithPlan, roundHalfUp, runQuantized, serializePlan, validatePlan, type QuantPlan,
} from "../../src/core/quant/index.ts";
import { attention, cnn, mlp } from "./models.ts";
import { proveAndVerify } from "./prove.ts";

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** floor((v + 2^(s−1)) / 2^s) clamped: the requant with M = 1, written out again. */
const shiftDown = (v: number, s: number, lo: number, hi: number) => clamp(s === 0 ? v : Math.floor((v + 2 ** (s - 1)) / 2 ** s), lo, hi);
const floats = (g: Graph, name: string) => Array.from(g.constants.get(name)!.data as Float32Array);
const maxAbs = (v: number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const clone = (p: QuantPlan): QuantPlan => JSON.parse(JSON.stringify(p)) as QuantPlan;

function perChannel(g: Graph, seed = 1, count = 32) {
  return calibrate(g, generatedSamples(g, count, seed), { perChannel: true });
}

describe("per-channel weight scales", () => {
  it("MLP: weights, biases, multipliers and every output match an independent re-implementation", () => {
    const g = mlp();
    const { plan, qgraph } = perChannel(g);
    expect(plan.calibration.perChannel).toBe(true);
    const t = plan.tensors;
    // One dense layer from the float weights and the plan's numbers alone.
    const layer = (w: string, b: string, kx: number, out: string, K: number) => {
      const W = floats(g, w), B = floats(g, b), sc = t[w]!.channelScales!;
      const N = sc.length;
      expect(sc).toEqual(Array.from({ length: N }, (_, n) => maxAbs(W.slice(n * K, (n + 1) * K)) / 127));
      const wq = W.map((v, i) => clamp(roundHalfUp(v / sc[Math.floor(i / K)]!), -128, 127));
      const bq = B.map((v, n) => roundHalfUp(v / (2 ** -kx * sc[n]!)));
      expect(Array.from(qgraph.consts[w]!)).toEqual(wq);
      expect(Array.from(qgraph.consts[b]!)).toEqual(bq);
      const pre = plan.requants[`${out}::pre`], r = plan.requants[out]!;
      expect(r.M).toBe(1);
      // M_c is the nearest integer to s_x·scale_c/s_y (·2^shift after the 16-bit requant) at 2^s.
      const F = sc.map((s) => s * 2 ** (t[out]!.k - kx + (pre?.s ?? 0)));
      const M = r.channelM!;
      expect(M).toHaveLength(N);
      M.forEach((m, n) => expect(Math.abs(m - F[n]! * 2 ** r.s)).toBeLessThanOrEqual(0.5));
      M.forEach((m, n) => expect(Math.abs(m / 2 ** r.s / F[n]! - 1)).toBeLessThanOrEqual(2 ** -10));
      // …and s is the smallest shift that precise: one less misses 2^−10 on some channel.
      const err = (s: number) => Math.max(...F.map((v) => Math.abs(roundHalfUp(v * 2 ** s) / 2 ** s / v - 1)));
      expect(err(r.s - 1)).toBeGreaterThan(2 ** -10);
      return (x: number[]) => Array.from({ length: N }, (_, n) => {
        let acc = bq[n]!;
        for (let k = 0; k < K; k++) acc += x[k]! * wq[n * K + k]!;
        if (pre) acc = shiftDown(acc, pre.s, pre.lo, pre.hi);
        return shiftDown(acc * M[n]!, r.s, r.lo, r.hi);
      });
    };
    const hidden = layer("w1", "b1", t.x!.k, "r", 16);
    const top = layer("w2", "b2", t.r!.k, "y", 32);
    expect(t.r!.signed).toBe(false);
    for (const sample of generatedSamples(g, 6, 9)) {
      const x = Array.from(sample.x!.data as Float32Array, (v) => clamp(roundHalfUp(v * 2 ** t.x!.k), -128, 127));
      const h = hidden(x), y = top(h);
      const got = runQuantized(qgraph, sample);
      expect(Array.from(got.get("r")!)).toEqual(h);
      expect(Array.from(got.get("y")!)).toEqual(y);
    }
    // The multipliers are unsigned model constants of one value per output channel.
    const muls = qgraph.ops.filter((o) => o.kind === "mul");
    expect(muls.map((m) => qgraph.tensors[m.inputs[1]!]!)).toMatchObject([
      { shape: [32], role: "const", signed: false }, { shape: [10], role: "const", signed: false },
    ]);
  });

  it("CNN: conv multipliers are [C, 1, 1] over NCHW; each channel is scaled by its own", () => {
    const g = cnn();
    const { plan, qgraph } = perChannel(g, 1, 16);
    const W = floats(g, "c2"), per = 4 * 9, sc = plan.tensors.c2!.channelScales!;
    expect(sc).toEqual(Array.from({ length: 8 }, (_, c) => maxAbs(W.slice(c * per, (c + 1) * per)) / 127));
    expect(Array.from(qgraph.consts.c2!)).toEqual(W.map((v, i) => clamp(roundHalfUp(v / sc[Math.floor(i / per)]!), -128, 127)));
    const muls = qgraph.ops.filter((o) => o.kind === "mul");
    expect(muls.map((m) => qgraph.tensors[m.inputs[1]!]!.shape)).toEqual([[8, 1, 1], [8, 1, 1], [5]]);
    const sample = generatedSamples(g, 1, 5)[0]!;
    const v = runQuantized(qgraph, sample);
    for (const m of muls) {
      const x = v.get(m.inputs[0]!)!, M = qgraph.consts[m.inputs[1]!]!, out = v.get(m.output)!;
      const shape = qgraph.tensors[m.output]!.shape, C = shape[1]!, inner = shape.slice(2).reduce((a, b) => a * b, 1);
      const channel = (i: number) => (shape.length === 2 ? i % C : Math.floor(i / inner) % C);
      expect(Array.from(out)).toEqual(Array.from(x, (u, i) => u * M[channel(i)]!));
      const rq = qgraph.ops.find((o) => o.kind === "requant" && o.inputs[0] === m.output)!;
      if (rq.kind !== "requant") throw new Error("unreachable");
      expect(rq.M).toBe(1);
      expect(Array.from(v.get(rq.output)!)).toEqual(Array.from(out, (u) => shiftDown(u, rq.s, rq.lo, rq.hi)));
    }
    const r = measureAccuracy(g, qgraph, generatedSamples(g, 16, 2));
    expect(r.cosine_similarity).toBeGreaterThan(0.999);
  });

  it("an all-zero weight channel quantizes to zeros and its output is its bias", () => {
    const w = Array.from({ length: 32 }, (_, i) => (i >= 8 && i < 16 ? 0 : Math.sin(i + 1) * 0.4));
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 8]]],
      outputs: [["y"]],
      initializers: [f32("w", [4, 8], w), f32("b", [4], [0.1, 0.75, -0.2, 0.05])],
      nodes: [{ op: "Gemm", in: ["x", "w", "b"], out: ["y"], attrs: { transB: int(1) } }],
    }));
    const { plan, qgraph } = perChannel(g, 3, 8);
    expect(plan.tensors.w!.channelScales![1]).toBe(plan.tensors.w!.scale);
    expect(Array.from(qgraph.consts.w!.slice(8, 16))).toEqual(new Array(8).fill(0));
    for (const s of generatedSamples(g, 3, 4)) {
      const y = runQuantized(qgraph, s).get("y")!;
      expect(Math.abs(y[1]! * 2 ** -plan.tensors.y!.k - 0.75)).toBeLessThanOrEqual(2 ** -plan.tensors.y!.k);
    }
  });

  it("plans round-trip byte for byte and load to the same quantized graph; per-tensor plans have no per-channel fields", () => {
    for (const make of [mlp, cnn, attention]) {
      const g = make();
      const { plan, qgraph } = calibrate(g, generatedSamples(g, 16, 3), { perChannel: true, method: "mse" });
      const text = serializePlan(plan);
      const again = parsePlan(text);
      expect(serializePlan(again)).toBe(text);
      expect(quantizeWithPlan(g, again)).toEqual(qgraph);
      expect(serializePlan(calibrate(g, generatedSamples(g, 16, 3), { perChannel: true, method: "mse" }).plan)).toBe(text);
    }
    const perTensor = serializePlan(calibrate(mlp(), generatedSamples(mlp(), 16, 3)).plan);
    expect(perTensor).not.toMatch(/perChannel|channelScales|channelM/);
  });

  it("a tampered per-channel plan is refused, naming the path", () => {
    const g = mlp();
    const { plan } = perChannel(g, 2, 16);
    const refuse = (edit: (p: QuantPlan) => void, path: RegExp) => {
      const p = clone(plan);
      edit(p);
      const err = (() => {
        try {
          quantizeWithPlan(g, validatePlan(p));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(QuantError);
      expect((err as QuantError).message).toMatch(path);
    };
    refuse((p) => { p.requants.r!.channelM![3]! += 1; }, /\/requants\/r\/channelM is .* but the channel scales give/);
    refuse((p) => { p.requants.y!.channelM!.pop(); }, /\/requants\/y\/channelM/);
    refuse((p) => { delete p.requants.r!.channelM; }, /\/requants\/r\/channelM is null/);
    refuse((p) => { p.tensors.w1!.channelScales![0]! *= 1.01; }, /\/requants\/r\/channelM/);
    refuse((p) => { p.tensors.w1!.channelScales!.pop(); }, /\/tensors\/w1\/channelScales has 31 scales but w1 has 32 output channels/);
    refuse((p) => { delete p.tensors.w2!.channelScales; }, /\/tensors\/w2\/channelScales is missing/);
    refuse((p) => { p.tensors.w1!.channelScales![0] = -1; }, /\/tensors\/w1\/channelScales\/0/);
    refuse((p) => { delete p.calibration.perChannel; }, /\/tensors\/w1\/channelScales is only for weights of a per-channel plan/);
    refuse((p) => { p.tensors.r!.channelScales = [1]; }, /\/tensors\/r\/channelScales is only for weights/);
    refuse((p) => { p.requants["r::pre"]!.channelM = [1]; }, /\/requants\/r::pre\/channelM/);
    // A per-tensor plan given multipliers is refused by the document check alone.
    const flat = clone(calibrate(g, generatedSamples(g, 16, 2)).plan);
    flat.requants.y!.channelM = [1];
    expect(() => validatePlan(flat)).toThrow(/\/requants\/y\/channelM is only for per-channel plans/);
  });

  it("the static bound keeps every acc·M_c under 2^28; the circuit compiles, proves and verifies the lowered MLP", () => {
    const g = mlp();
    const { qgraph } = perChannel(g);
    const iv = checkBounds(qgraph);
    for (const op of qgraph.ops.filter((o) => o.kind === "mul")) {
      const i = iv.get(op.output)!;
      expect(Math.max(-i.lo, i.hi)).toBeLessThan(2 ** 28);
    }
    expect(intervals(qgraph).size).toBe(Object.keys(qgraph.tensors).length);
    const sample = generatedSamples(g, 1, 11)[0]!;
    expect(proveAndVerify(qgraph, sample)).toEqual({ ok: true, tamperedOk: false, sameAsEvaluator: true });
  });
});
