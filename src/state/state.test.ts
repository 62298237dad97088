import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createProjectStore, type LoadedModel } from "./project.ts";
import { createJobsStore } from "./jobs.ts";
import { debouncedSaver, snapshotOf, type Snapshot } from "./persist.ts";
import { sampleChunks, type AccuracyPart, type QuantPlan } from "../core/quant/index.ts";
import { QuantSession } from "../../workers/tasks/index.ts";

const cnnBytes = () => new Uint8Array(readFileSync("public/models/digits_mlp.onnx"));
const model = (): LoadedModel => ({
  fileName: "m.onnx", bytes: new Uint8Array([1, 2, 3]), loadError: null,
  summary: { name: "m", producer: "", irVersion: 8, opset: 17, inputs: [], outputs: [], parameters: 0, nodeCount: 0, opHistogram: {} },
  view: { nodes: [], edges: [], source: "ir", folded: 0 },
});
const plan = (k: number) => ({ version: 1, tensors: { x: { k } } }) as unknown as QuantPlan;

describe("project store", () => {
  it("keeps an undo/redo history of plan edits per slot; a new calibration starts it over", () => {
    const s = createProjectStore();
    s.getState().modelOpened(model(), []);
    s.getState().planCalibrated("A", plan(1));
    s.getState().planEdited("A", plan(2));
    s.getState().planEdited("A", plan(3));
    const k = () => (s.getState().plans.A!.plan.tensors.x!.k);
    expect(k()).toBe(3);
    s.getState().undo("A");
    s.getState().undo("A");
    expect(k()).toBe(1);
    s.getState().undo("A"); // nothing older: stays
    expect(k()).toBe(1);
    s.getState().redo("A");
    expect(k()).toBe(2);
    s.getState().planEdited("A", plan(9)); // an edit drops the redo branch
    s.getState().redo("A");
    expect(k()).toBe(9);
    expect(s.getState().plans.A!.past.map((p) => p.tensors.x!.k)).toEqual([1, 2]);
    s.getState().planCalibrated("A", plan(5));
    expect(s.getState().plans.A!.past).toEqual([]);
    expect(s.getState().plans.B).toBeNull();
  });

  it("shows the previous accuracy after an edit, and marks a proof stale when the plan or input changes", () => {
    const s = createProjectStore();
    s.getState().modelOpened(model(), []);
    s.getState().planCalibrated("A", plan(1));
    const acc = { top1_agreement: 0.9 } as never;
    s.getState().setMetrics("A", { accuracy: acc, evalNote: "", costs: {}, compileIssue: null, tablesByNode: {} });
    s.getState().setProof({ verdict: { ok: true } } as never);
    expect(s.getState().proofStale).toBe(false);
    s.getState().planEdited("A", plan(2));
    expect(s.getState().plans.A!.previous).toBe(acc);
    expect(s.getState().plans.A!.metrics).toBeNull();
    expect(s.getState().proofStale).toBe(true);
    s.getState().setProof({ verdict: { ok: true } } as never);
    s.getState().setProveInput({ kind: "sample", index: 3 });
    expect(s.getState().proofStale).toBe(true);
  });

  it("a failed open keeps the model; opening another resets plans, proof and calibration data", () => {
    const s = createProjectStore();
    s.getState().modelOpened(model(), []);
    s.getState().setCalibration({ source: "files", calibration: { name: "c.pb", bytes: new Uint8Array(1) } });
    s.getState().planCalibrated("B", plan(1));
    s.getState().openFailed("x.onnx: not a model");
    expect(s.getState().model?.fileName).toBe("m.onnx");
    expect(s.getState().error).toBe("x.onnx: not a model");
    expect(s.getState().plans.B).not.toBeNull();
    s.getState().modelOpened({ ...model(), fileName: "n.onnx" }, []);
    expect(s.getState().plans.B).toBeNull();
    expect(s.getState().calibration.calibration).toBeNull();
    expect(s.getState().error).toBeNull();
  });

  it("copies a plan to the other slot without its history", () => {
    const s = createProjectStore();
    s.getState().modelOpened(model(), []);
    s.getState().planCalibrated("A", plan(1));
    s.getState().planEdited("A", plan(2));
    s.getState().copyPlan("A", "B");
    expect(s.getState().plans.B!.plan.tensors.x!.k).toBe(2);
    expect(s.getState().plans.B!.past).toEqual([]);
  });
});

describe("jobs store", () => {
  it("closes an open bar of a track when the next one starts, and every bar at the end", () => {
    let t = 0;
    const j = createJobsStore(() => t);
    j.getState().start("prove", "x");
    j.getState().bar("prove", { track: "layers", label: "a", start: 1, end: null });
    j.getState().bar("prove", { track: "setup", label: "s", start: 2, end: null });
    j.getState().bar("prove", { track: "layers", label: "b", start: 5, end: null });
    t = 9;
    j.getState().finish("prove", "done");
    expect(j.getState().jobs.prove.bars.map((b) => [b.label, b.start, b.end])).toEqual([["a", 1, 5], ["s", 2, 9], ["b", 5, 9]]);
    expect(j.getState().jobs.prove.progress).toBe(1);
    // A new stage ends every bar still open, whatever its track.
    j.getState().start("prove", "y");
    j.getState().bar("prove", { track: "compile", label: "compile", start: 1, end: null });
    j.getState().bar("prove", { track: "steps", label: "w", start: 2, end: null });
    j.getState().bar("prove", { track: "setup", label: "setup", start: 3, end: null }, "all");
    expect(j.getState().jobs.prove.bars.map((b) => b.end)).toEqual([3, 3, null]);
    j.getState().finish("prove", "done");
    // Progress after the end is ignored (a late message from a cancelled worker).
    j.getState().progress("prove", { progress: 0.3 });
    expect(j.getState().jobs.prove.progress).toBe(1);
  });

  it("keeps a late measurement for the job it was taken for, even after it ended, and drops it for a newer job", () => {
    let t = 10;
    const j = createJobsStore(() => t);
    j.getState().start("prove", "x");
    j.getState().progress("prove", { metrics: { fieldOps: 5 } });
    j.getState().finish("prove", "done");
    j.getState().lateMetrics("prove", 10, { measuredBytes: 1234 });
    expect(j.getState().jobs.prove.metrics).toEqual({ fieldOps: 5, measuredBytes: 1234 });
    t = 20;
    j.getState().start("prove", "y");
    j.getState().lateMetrics("prove", 10, { measuredBytes: 999 });
    expect(j.getState().jobs.prove.metrics).toEqual({});
  });
});

describe("persistence", () => {
  it("snapshots what the user made, not what is derived", () => {
    const s = createProjectStore();
    expect(snapshotOf(s.getState())).toBeNull();
    s.getState().modelOpened(model(), ["g:a"]);
    s.getState().planCalibrated("A", plan(4));
    const snap = snapshotOf(s.getState())!;
    expect(snap.fileName).toBe("m.onnx");
    expect(snap.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(snap.expanded).toEqual(["g:a"]);
    expect(snap.plans.A!.plan.tensors.x!.k).toBe(4);
    expect(Object.keys(snap)).not.toContain("layout");
    // Structured clone (what IndexedDB stores) keeps it whole.
    expect(structuredClone(snap)).toEqual(snap);
  });

  it("writes only the last state of a burst", async () => {
    const saved: (Snapshot | null)[] = [];
    const saver = debouncedSaver(async (x) => { saved.push(x); }, 20);
    saver.schedule({ fileName: "a" } as Snapshot);
    saver.schedule({ fileName: "b" } as Snapshot);
    await new Promise((r) => setTimeout(r, 60));
    expect(saved.map((x) => x?.fileName)).toEqual(["b"]);
  });
});

describe("calibration worker tasks (digits_mlp)", () => {
  const s = new QuantSession(cnnBytes());
  const data = { kind: "generated" as const, count: 8, seed: 1 };
  const base = s.calibrate({ method: "minmax", weightBits: 8, activationBits: null, data });

  it("an edited scale changes exactly that tensor, re-derives requants, and the plan loads as the CLI would", () => {
    const edited = s.edit(base, { "fc1.weight": { k: 3 } });
    expect(edited.tensors["fc1.weight"]!.k).toBe(3);
    expect(edited.tensors["fc1.weight"]!.scale).toBe(2 ** -3);
    for (const [n, t] of Object.entries(base.tensors)) if (n !== "fc1.weight") expect(edited.tensors[n]).toEqual(t);
    expect(edited.requants).not.toEqual(base.requants);
    expect(() => s.quantize(edited)).not.toThrow();
    // The untouched plan changes nothing: replanning it gives it back.
    expect(s.edit(base, {})).toEqual(base);
  });

  it("a new width keeps an activation's range (k moves with bits) and a weight re-fits its values", () => {
    const act = Object.entries(base.tensors).find(([, t]) => t.role === "activation")!;
    const wider = s.edit(base, { [act[0]]: { bits: act[1].bits + 2 } });
    expect(wider.tensors[act[0]]).toMatchObject({ bits: act[1].bits + 2, k: act[1].k + 2 });
    const w4 = s.edit(base, { "fc2.weight": { bits: 4 } });
    expect(w4.tensors["fc2.weight"]!.bits).toBe(4);
    expect(w4.tensors["fc2.weight"]!.k).toBe(base.tensors["fc2.weight"]!.k - 4);
  });

  it("calibration and metrics split over workers at chunk boundaries give exactly one thread's plan and figures", () => {
    const settings = { method: "percentile" as const, weightBits: 8, activationBits: null, data: { kind: "generated" as const, count: 23, seed: 4 } };
    const one = s.calibrate(settings);
    // Two other sessions (as two workers would hold), chunks dealt round robin, answers in any order.
    const a = new QuantSession(cnnBytes()), b = new QuantSession(cnnBytes());
    const chunks = sampleChunks(23);
    expect(chunks.length).toBeGreaterThan(2);
    const mineA = chunks.filter((_, i) => i % 2 === 0), mineB = chunks.filter((_, i) => i % 2 === 1);
    const split = a.planFrom(settings, [b.observe(settings.data, mineB), a.observe(settings.data, mineA)]);
    expect(split).toEqual(one);
    expect(split.calibration.samples).toBe(23);

    const whole = s.metrics(one, settings.data);
    const evalChunks = sampleChunks(s.dataCounts(settings.data).evaluation);
    const byChunk = new Map<[number, number], AccuracyPart>();
    for (const [session, mine] of [[a, evalChunks.filter((_, i) => i % 2 === 0)], [b, evalChunks.filter((_, i) => i % 2 === 1)]] as const) {
      session.accuracyParts(one, settings.data, mine).forEach((p, j) => byChunk.set(mine[j]!, p));
    }
    const parts = evalChunks.map((c) => byChunk.get(c)!);
    expect(a.metrics(one, settings.data, parts)).toEqual(whole);
    // A missing part is refused, not averaged away.
    expect(() => a.metrics(one, settings.data, parts.slice(1))).toThrow(/parts for 23 evaluation samples/);
  });

  it("rejects an edit of a tensor the plan does not have, and widths out of range, naming the tensor", () => {
    expect(() => s.edit(base, { nope: { k: 1 } })).toThrow(/nope is not a tensor of this plan/);
    expect(() => s.edit(base, { "fc1.weight": { bits: 40 } })).toThrow(/bits of fc1.weight must be an integer from 2 to 24/);
  });

  it("measures accuracy with labels from files and resolves inputs", () => {
    const files = {
      kind: "files" as const,
      calibration: { name: "calibration_x.pb", bytes: new Uint8Array(readFileSync("public/models/digits/calibration_x.pb")) },
      evaluation: { name: "test_x.pb", bytes: new Uint8Array(readFileSync("public/models/digits/test_x.pb")) },
      labels: { name: "test_y.pb", bytes: new Uint8Array(readFileSync("public/models/digits/test_y.pb")) },
    };
    const p = s.calibrate({ method: "minmax", weightBits: 8, activationBits: null, data: files });
    const m = s.metrics(p, files);
    expect(m.accuracy.samples).toBe(397);
    // digits_mlp: 95.7 % in float (meta.json); 8-bit quantization keeps it within a point.
    expect(m.accuracy.float_accuracy).toBeCloseTo(0.957, 3);
    expect(m.accuracy.quant_accuracy!).toBeGreaterThan(0.94);
    expect(m.compileIssue).toBeNull();
    expect(m.costs["/fc1/Gemm"]!.exact).toBe(true);
    expect(m.costs["/fc1/Gemm"]!.witness).toBeGreaterThan(0);
    const x = s.input({ kind: "sample", index: 2 }, files);
    expect(Array.from(x.input!.data as Float32Array)).toEqual(Array.from((s.useData(files).evaluation[2]!.input!.data as Float32Array)));
    const drawn = s.input({ kind: "drawn", pixels: new Array(64).fill(0.5) }, files);
    expect(drawn.input!.shape).toEqual([1, 64]);
    expect(() => s.input({ kind: "text", text: "hi" }, files)).toThrow(/takes floats, not token ids/);
    expect(() => s.input({ kind: "sample", index: 397 }, files)).toThrow(/there is no sample 397/);
    const pr = s.predict(p, x);
    expect(pr.floatTop).toHaveLength(1);
    expect(pr.float).toHaveLength(10);
  });

  it("reads data files by content: .npy, JSON and TensorProto give the same samples", async () => {
    const { tensorFromBytes } = await import("../../workers/tasks/index.ts");
    const rows = [[0, 0.5, 1], [1, 0.25, 0]];
    const json = tensorFromBytes({ name: "d.json", bytes: new TextEncoder().encode(" " + JSON.stringify(rows)) });
    expect(json.shape).toEqual([2, 3]);
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = header + " ".repeat(pad) + "\n";
    const npy = new Uint8Array(10 + h.length + 24);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 255, h.length >> 8]);
    npy.set(new TextEncoder().encode(h), 10);
    new Float32Array(npy.buffer, 10 + h.length, 6).set(rows.flat());
    const fromNpy = tensorFromBytes({ name: "d.bin", bytes: npy });
    expect(fromNpy.shape).toEqual([2, 3]);
    expect(Array.from(fromNpy.data as Float32Array)).toEqual(rows.flat());
    const pb = tensorFromBytes({ name: "x", bytes: new Uint8Array(readFileSync("public/models/digits/test_y.pb")) });
    expect(pb.shape).toEqual([397]);
  });
});

describe("tables by node (tiny_gpt)", () => {
  it("a pattern lowered to one table is shared by every node of the pattern", () => {
    const s = new QuantSession(new Uint8Array(readFileSync("public/models/tiny_gpt.onnx")));
    const data = { kind: "generated" as const, count: 4, seed: 1 };
    const m = s.metrics(s.calibrate({ method: "minmax", weightBits: 8, activationBits: null, data }), data);
    const gelu = Object.entries(m.tablesByNode).filter(([, t]) => t.some((id) => id.startsWith("gelu"))).map(([n]) => n).sort();
    // Div/Erf/Add/Mul/Mul of the first MLP block, and the second's.
    const ops = gelu.map((n) => s.graph.nodes.find((x) => x.id === n)!.opType).sort();
    expect(ops).toEqual(["Add", "Add", "Div", "Div", "Erf", "Erf", "Mul", "Mul", "Mul", "Mul"]);
    expect(m.tablesByNode["/Softmax"]!.map((t) => t.split(":")[0])).toEqual(["exp", "reciprocal"]);
  });
});
