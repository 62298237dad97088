import { describe, expect, it } from "vitest";
import {
  calibrate, checkBounds, generatedSamples, measureAccuracy, parsePlan, QuantBoundError, QuantError,
  quantizeWithPlan, roundHalfUp, runQuantized, serializePlan, type QuantPlan,
} from "../../src/core/quant/index.ts";
import { attention, cnn, misc, mlp, scaledGemm, withReduceProd } from "./models.ts";

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

describe("lowering and calibration on small models", () => {
  it("MLP: the integer evaluator computes exactly what the plan's numbers say", () => {
    const g = mlp();
    const { plan, qgraph } = calibrate(g, generatedSamples(g, 32, 1));
    expect(qgraph.ops.map((o) => o.kind)).toEqual(["linear", "requant", "linear", "requant"]);
    // Independent re-implementation from the plan's scales and the float weights.
    const t = plan.tensors, f = (name: string) => g.constants.get(name)!.data as Float32Array;
    const q = (v: number, e: { k: number; bits: number; signed: boolean }) =>
      clamp(roundHalfUp(v * 2 ** e.k), e.signed ? -(2 ** (e.bits - 1)) : 0, e.signed ? 2 ** (e.bits - 1) - 1 : 2 ** e.bits - 1);
    const layer = (x: number[], kx: number, w: string, b: string, N: number, out: { k: number; bits: number; signed: boolean }) => {
      const W = f(w), B = f(b), K = x.length, kw = t[w]!.k;
      return Array.from({ length: N }, (_, n) => {
        let acc = roundHalfUp(B[n]! * 2 ** (kx + kw));
        for (let k = 0; k < K; k++) acc += x[k]! * q(W[n * K + k]!, t[w]!);
        const s = kx + kw - out.k;
        return clamp(Math.floor((acc + 2 ** (s - 1)) / 2 ** s), out.signed ? -(2 ** (out.bits - 1)) : 0, out.signed ? 2 ** (out.bits - 1) - 1 : 2 ** out.bits - 1);
      });
    };
    expect(t.r!.signed).toBe(false); // the fused ReLU makes the hidden layer unsigned
    for (const sample of generatedSamples(g, 5, 9)) {
      const x = Array.from(sample.x!.data as Float32Array, (v) => q(v, t.x!));
      const h = layer(x, t.x!.k, "w1", "b1", 32, t.r!);
      const y = layer(h, t.r!.k, "w2", "b2", 10, t.y!);
      expect(Array.from(runQuantized(qgraph, sample).get("y")!)).toEqual(y);
    }
  });

  it("plans are deterministic and round-trip through the schema byte for byte", () => {
    for (const [make, method] of [[mlp, "mse"], [attention, "percentile"], [cnn, "minmax"]] as const) {
      const a = serializePlan(calibrate(make(), generatedSamples(make(), 16, 3), { method }).plan);
      const b = serializePlan(calibrate(make(), generatedSamples(make(), 16, 3), { method }).plan);
      expect(a).toBe(b);
      expect(serializePlan(parsePlan(a))).toBe(a);
      expect(parsePlan(a).calibration.method).toBe(method);
    }
  });

  it("a loaded plan rebuilds the same quantized graph (ops, consts, tables) as calibration", () => {
    const g = attention();
    const { plan, qgraph } = calibrate(g, generatedSamples(g, 16, 4));
    const again = quantizeWithPlan(g, parsePlan(serializePlan(plan)));
    expect(again.ops).toEqual(qgraph.ops);
    expect(again.tensors).toEqual(qgraph.tensors);
    expect(again.consts).toEqual(qgraph.consts);
    expect(again.tables).toEqual(qgraph.tables);
  });

  it("CNN: BatchNormalization folds into the conv, ReLUs fuse, pools lower; close to float", () => {
    const g = cnn();
    const { qgraph } = calibrate(g, generatedSamples(g, 32, 5));
    expect(qgraph.ops.map((o) => o.kind)).toEqual(["linear", "requant", "maxpool", "linear", "requant", "sumpool", "requant", "indexmap", "linear", "requant"]);
    expect(checkBounds(qgraph).size).toBeGreaterThan(0);
    const r = measureAccuracy(g, qgraph, generatedSamples(g, 16, 6));
    expect(r.cosine_similarity).toBeGreaterThan(0.98);
    expect(r.nodes.map((n) => n.node)).toContain("Relu_2");
  });

  it("attention: tables for exp, reciprocal, rsqrt and GELU; masked entries get exactly zero weight", () => {
    const g = attention();
    const { plan, qgraph } = calibrate(g, generatedSamples(g, 32, 7));
    const fns = Object.values(qgraph.tables).map((t) => t.fn).sort();
    expect(fns).toEqual(["exp", "gelu", "reciprocal", "rsqrt"]);
    expect(Object.keys(plan.tables).length).toBe(4);
    expect(qgraph.ops.filter((o) => o.kind === "select").length).toBe(2); // the −∞ fill, then the zeroing after exp
    const sample = generatedSamples(g, 1, 8)[0]!;
    const probs = runQuantized(qgraph, sample).get("p")!;
    for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) expect(probs[i * 6 + j]).toBe(0);
    const r = measureAccuracy(g, qgraph, generatedSamples(g, 16, 9));
    expect(r.cosine_similarity).toBeGreaterThan(0.99);
    // the masked scores stand for −∞, not for the −10000 ONNX wrote: they are not compared
    expect(r.nodes.map((n) => n.tensor)).not.toContain("s2");
    expect(r.nodes.find((n) => n.tensor === "p")!.sqnr_db).toBeGreaterThan(20);
    // the first row attends to itself only: probability 1 (up to the output's last step)
    const kp = qgraph.tensors.p!.k;
    expect(Math.abs(probs[0]! * 2 ** -kp - 1)).toBeLessThan(2 ** -(kp - 2));
  });

  it("a multiplier too coarse under the bound goes through a 16-bit requant first", () => {
    const g = scaledGemm();
    const { qgraph } = calibrate(g, generatedSamples(g, 32, 1));
    const rq = qgraph.ops.filter((o) => o.kind === "requant");
    expect(rq.length).toBe(2);
    expect(qgraph.tensors[rq[0]!.output]!.bits).toBe(16);
    expect(rq[1]!.kind === "requant" && rq[1]!.M).toBeGreaterThan(1);
    expect(measureAccuracy(g, qgraph, generatedSamples(g, 16, 2)).cosine_similarity).toBeGreaterThan(0.999);
  });

  it("pads, pools, tables, concat, slice, reduce and transpose lower and stay close to float", () => {
    const g = misc();
    const { qgraph } = calibrate(g, generatedSamples(g, 64, 1), { activationBits: 10 });
    const kinds = new Set(qgraph.ops.map((o) => o.kind));
    for (const k of ["indexmap", "lookup", "sumpool", "rowsum", "add", "requant"]) expect(kinds.has(k as never)).toBe(true);
    expect(Object.values(qgraph.tables).map((t) => t.fn).sort()).toEqual(["clip", "leakyrelu", "sigmoid", "tanh"]);
    checkBounds(qgraph);
    const r = measureAccuracy(g, qgraph, generatedSamples(g, 16, 2));
    expect(r.cosine_similarity).toBeGreaterThan(0.999);
    // 10-bit types give ~50 dB; a wrong index map or alignment would fall far below
    expect(r.nodes.map((n) => n.tensor).sort()).toEqual(["c", "cat", "d", "g", "l", "p", "rm", "s", "sl", "t", "x", "y"]);
    for (const n of r.nodes) expect(n.sqnr_db!).toBeGreaterThan(40);
  });

  it("names the node of an op it cannot lower", () => {
    const g = withReduceProd();
    expect(() => calibrate(g, generatedSamples(g, 2, 1))).toThrow(/node the_prod: op ReduceProd has no integer lowering/);
  });
});

describe("plans that do not fit the model", () => {
  const g = mlp();
  const base = serializePlan(calibrate(g, generatedSamples(g, 8, 1)).plan);
  const edit = (f: (p: QuantPlan & Record<string, unknown>) => void): QuantPlan => {
    const p = JSON.parse(base) as QuantPlan & Record<string, unknown>;
    f(p);
    return p;
  };
  const fails = (p: unknown, re: RegExp, path?: string) => {
    let err: unknown;
    try {
      quantizeWithPlan(g, parsePlan(JSON.stringify(p)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantError);
    expect((err as Error).message).toMatch(re);
    if (path !== undefined) expect((err as QuantError).where.path).toBe(path);
  };

  it("rejects a wrong version, malformed JSON and schema violations with the JSON path", () => {
    fails(edit((p) => { (p as { version: number }).version = 2; }), /plan version 2 is not supported/, "/version");
    expect(() => parsePlan("{ not json")).toThrow(/not valid JSON/);
    fails(edit((p) => { p.tensors.w1!.k = 1.5; }), /\/tensors\/w1\/k must be integer/, "/tensors/w1/k");
    fails(edit((p) => { p.tensors.w1!.scale = -0.5; }), /\/tensors\/w1\/scale must be > 0/, "/tensors/w1/scale");
    fails(edit((p) => { p.tensors.w1!.scale = 0; }), /\/tensors\/w1\/scale must be > 0/, "/tensors/w1/scale");
    fails(edit((p) => { p.tensors.w1!.scale = 0.25; }), /scale is 0.25 but k=\d+ means/, "/tensors/w1/scale");
    fails(edit((p) => { p.tensors.w1!.bits = 0; }), /\/tensors\/w1\/bits must be >= 1/);
    fails(edit((p) => { p.requants.r!.M = 0; }), /\/requants\/r\/M must be >= 1/);
    fails(edit((p) => { (p as Record<string, unknown>).extra = 1; }), /must NOT have additional properties \('extra'\)/);
  });

  it("rejects missing and extra tensors, and requants that disagree with the scales", () => {
    fails(edit((p) => { delete p.tensors.w2; }), /plan \/tensors\/w2 is missing: the model has a weight w2/, "/tensors/w2");
    fails(edit((p) => { p.tensors.ghost = { role: "activation", k: 1, scale: 0.5, bits: 8, signed: true }; }), /tensors\/ghost describes a tensor this model does not have/);
    fails(edit((p) => { p.requants.y!.s += 1; }), /plan \/requants\/y\/s is \d+ but the tensor scales give \d+/, "/requants/y/s");
    fails(edit((p) => { p.tensors.r!.role = "weight"; }), /\/tensors\/r\/role is weight but r is a activation/);
  });

  it("a plan for another model is refused", () => {
    const other = cnn();
    const plan = parsePlan(base);
    expect(() => quantizeWithPlan(other, plan)).toThrow(/is missing: the model has/);
  });

  it("an edited width that breaks the field bound names the node and what to lower", () => {
    const p = edit((q) => { q.tensors.w2!.bits = 16; q.tensors.r!.bits = 16; });
    let err: unknown;
    try {
      quantizeWithPlan(g, p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantBoundError);
    expect((err as Error).message).toMatch(/Gemm_2: linear output .* can reach 2\^\d+\.\d, over the field's bound of 2\^29; lower the bit width of r \(16 bits\) or w2 \(16 bits\)/);
  });

  it("tables: wrong rows, bad values and too many rows are refused with their path", () => {
    const g2 = attention();
    const doc = serializePlan(calibrate(g2, generatedSamples(g2, 4, 1)).plan);
    const [id] = Object.keys((JSON.parse(doc) as QuantPlan).tables).filter((k) => k.startsWith("exp"));
    const tableEdit = (f: (t: QuantPlan["tables"][string]) => void) => {
      const p = JSON.parse(doc) as QuantPlan;
      f(p.tables[id!]!);
      return () => quantizeWithPlan(g2, parsePlan(JSON.stringify(p)));
    };
    expect(tableEdit((t) => { t.rows = 2 ** 30; })).toThrow(/rows must be <= 1048576/);
    expect(tableEdit((t) => { t.rows = 4096; })).toThrow(/rows is 4096 but a 13-bit input needs 8192/);
    expect(tableEdit((t) => { t.values = t.values.slice(8); })).toThrow(/values does not decode to 8192 int32 values/);
    expect(tableEdit((t) => { t.values = "AAAAgAAA" + t.values.slice(8); })).toThrow(/values\[0\] = -2147483648 is outside the output type \[0, 16383\]/);
    expect(tableEdit((t) => { t.output.k += 1; })).toThrow(/does not describe the table the model needs/);
    expect(tableEdit((t) => { t.nodes = ["elsewhere"]; })).toThrow(/nodes lists \["elsewhere"\] but the model looks it up in \["Softmax_10"\]/);
  });
});
