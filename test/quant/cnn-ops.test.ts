// Ops of the classic CNNs in the ONNX model zoo that the quantizer once refused: Softmax over the
// channel axis (SqueezeNet), AveragePool that leaves padding out of its divisor (ShuffleNet) and
// LRN (AlexNet, Inception v1, ZFNet). Each is compared with the float model and proved.
// (ShuffleNet's channel-shuffle reshapes are in test/proof/indexmap.test.ts.)
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/core/eval/index.ts";
import { loadGraph, type Graph } from "../../src/core/graph/index.ts";
import { makeModel, xorshift32, type NodeSpec } from "../../src/core/graph/test-models.ts";
import { buildTable, calibrate, generatedSamples, measureAccuracy, QuantError, quantizeInput, runOutputsAsFloat } from "../../src/core/quant/index.ts";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { decodeModel } from "../../src/core/onnx/index.ts";
import { itShared, readShared } from "../shared-data.ts";
import { proveAndVerify } from "./prove.ts";
import { axisSplit } from "../../src/core/quant/lower-ops.ts";

const int = (value: number) => ({ kind: "int" as const, value });
const float = (value: number) => ({ kind: "float" as const, value });
const ints = (value: number[]) => ({ kind: "ints" as const, value });

function model(shape: number[], nodes: NodeSpec[], opset = 17): Graph {
  return loadGraph(makeModel({ inputs: [["x", "float32", shape]], outputs: [["y"]], nodes, opset }));
}

/** Largest |float − quantized| of y over a few generated samples, and whether a proof of the first verifies. */
function check(g: Graph) {
  const samples = generatedSamples(g, 8, 5);
  const { qgraph } = calibrate(g, samples);
  let worst = 0;
  for (const s of samples) {
    const f = evaluate(g, s).y!.data as Float32Array;
    const q = runOutputsAsFloat(qgraph, g.outputs.map((o) => o.name), s).y!.data as Float32Array;
    expect(q.length).toBe(f.length);
    f.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - q[i]!))));
  }
  return { worst, proof: proveAndVerify(qgraph, samples[0]!) };
}

const proved = { ok: true, tamperedOk: false, sameAsEvaluator: true };

/** The quantized model within `tolerance` of the float one, and its proof verified (check). */
function expectFaithful(g: Graph, tolerance: number, label?: string): void {
  const r = check(g);
  expect(r.worst, label).toBeLessThan(tolerance);
  expect(r.proof, label).toEqual(proved);
}

describe("classic CNN ops", () => {
  it("Softmax over the channels of an NCHW tensor (opset 13: that axis alone)", () => {
    expectFaithful(model([1, 4, 3, 3], [{ op: "Softmax", in: ["x"], out: ["y"], attrs: { axis: int(1) } }]), 0.01);
  });

  it("opset-11 Softmax from axis 1 of [1, 10, 1, 1] (SqueezeNet's head): the one wide dimension", () => {
    expectFaithful(model([1, 10, 1, 1], [{ op: "Softmax", in: ["x"], out: ["y"], attrs: { axis: int(1) } }], 11), 0.01);
  });

  it("opset-11 Softmax over several flattened dimensions is refused with what to do", () => {
    const g = model([1, 4, 3, 3], [{ op: "Softmax", in: ["x"], out: ["y"], attrs: { axis: int(1) } }], 11);
    expect(() => calibrate(g, generatedSamples(g, 2, 1))).toThrow(QuantError);
    expect(() => calibrate(g, generatedSamples(g, 2, 1))).toThrow(/flattened dimensions 1… of \[1,4,3,3\].*opset ≥ 13/);
  });

  it("LogSoftmax (PyTorch classifiers' log_softmax) over the last axis and over channels", () => {
    for (const [shape, axis] of [[[2, 10], -1], [[1, 4, 3, 3], 1]] as const) {
      expectFaithful(model([...shape], [{ op: "LogSoftmax", in: ["x"], out: ["y"], attrs: { axis: int(axis) } }]), 0.05);
    }
  });

  for (const mode of ["reflect", "edge"] as const) {
    it(`Pad in ${mode} mode (style-transfer and GAN exports): a gather per padded axis`, () => {
      const g = loadGraph(makeModel({
        inputs: [["x", "float32", [1, 2, 4, 5]]], outputs: [["y"]], opset: 17,
        initializers: [{ name: "pads", dtype: "int64", dims: [8], data: [0, 0, 2, 1, 0, 0, 1, 3] }],
        nodes: [{ op: "Pad", in: ["x", "pads"], out: ["y"], attrs: { mode: { kind: "string", value: mode } } }],
      }));
      expectFaithful(g, 0.05);
    });
  }

  it("Resize nearest ×2 (torch's Upsample export) and to sizes: gathers; linear: a blend matrix per axis", () => {
    const str = (value: string) => ({ kind: "string" as const, value });
    const up = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 3, 4]]], outputs: [["y"]],
      initializers: [{ name: "roi", dtype: "float32", dims: [0], data: new Float32Array(0) }, { name: "scales", dtype: "float32", dims: [4], data: Float32Array.of(1, 1, 2, 2) }],
      nodes: [{ op: "Resize", in: ["x", "roi", "scales"], out: ["y"], attrs: { mode: str("nearest"), coordinate_transformation_mode: str("asymmetric"), nearest_mode: str("floor") } }],
    }));
    const sized = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 3, 4]]], outputs: [["y"]],
      initializers: [{ name: "roi", dtype: "float32", dims: [0], data: new Float32Array(0) }, { name: "sizes", dtype: "int64", dims: [4], data: [1, 2, 5, 7] }],
      nodes: [{ op: "Resize", in: ["x", "roi", "", "sizes"], out: ["y"], attrs: { mode: str("nearest") } }],
    }));
    // Bilinear ×2 on both axes (segmentation heads), and to sizes along one axis that is not last.
    const bilinear = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 3, 4]]], outputs: [["y"]],
      initializers: [{ name: "roi", dtype: "float32", dims: [0], data: new Float32Array(0) }, { name: "scales", dtype: "float32", dims: [4], data: Float32Array.of(1, 1, 2, 2) }],
      nodes: [{ op: "Resize", in: ["x", "roi", "scales"], out: ["y"], attrs: { mode: str("linear") } }],
    }));
    const oneAxis = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 3, 4]]], outputs: [["y"]],
      initializers: [{ name: "roi", dtype: "float32", dims: [0], data: new Float32Array(0) }, { name: "sizes", dtype: "int64", dims: [4], data: [1, 2, 7, 4] }],
      nodes: [{ op: "Resize", in: ["x", "roi", "", "sizes"], out: ["y"], attrs: { mode: str("linear"), coordinate_transformation_mode: str("align_corners") } }],
    }));
    for (const g of [up, sized, bilinear, oneAxis]) {
      expectFaithful(g, 0.05);
    }
  });

  it("reductions: over several adjacent axes (squeeze-and-excitation's x.mean((2, 3))), kept or not, over all; Min, L1, SumSquare, L2", () => {
    for (const [op, axes, keepdims] of [["ReduceMean", [2, 3], 0], ["ReduceMean", [-2, -1], 1], ["ReduceMax", [2, 3], 1], ["ReduceSum", undefined, 0]] as const) {
      const attrs: NodeSpec["attrs"] = { keepdims: int(keepdims), ...(axes ? { axes: ints([...axes]) } : {}) };
      const g = model([1, 3, 4, 5], [{ op, in: ["x"], out: ["y"], attrs }], 17);
      expectFaithful(g, op === "ReduceSum" ? 0.3 : 0.05, `${op} ${axes}`);
    }
    // ReduceMin as −max(−x); ReduceL1, ReduceSumSquare and ReduceL2 (F.normalize's norm) sum |x| or x².
    for (const [op, tol] of [["ReduceMin", 0.05], ["ReduceL1", 0.3], ["ReduceSumSquare", 0.5], ["ReduceL2", 0.1]] as const) {
      for (const keepdims of [0, 1]) {
        const g = model([1, 3, 4, 5], [{ op, in: ["x"], out: ["y"], attrs: { keepdims: int(keepdims), axes: ints([keepdims ? 3 : 2, 3].slice(keepdims)) } }], 17);
        expectFaithful(g, tol, `${op} keepdims=${keepdims}`);
      }
    }
    const gap = model([1, 3, 4, 5], [{ op: "ReduceMean", in: ["x"], out: ["y"], attrs: { axes: ints([1, 3]) } }], 17);
    expect(() => calibrate(gap, generatedSamples(gap, 2, 1))).toThrow(/reduction over axes \[1,3\] that are not adjacent/);
  });

  it("DepthToSpace (PixelShuffle in super-resolution models, DCR and CRD) and SpaceToDepth: a reshape, a transpose, a reshape", () => {
    for (const [op, shape, attrs] of [["DepthToSpace", [1, 8, 3, 2], { blocksize: int(2), mode: { kind: "string" as const, value: "CRD" } }], ["DepthToSpace", [1, 9, 2, 2], { blocksize: int(3) }], ["SpaceToDepth", [1, 2, 4, 6], { blocksize: int(2) }]] as const) {
      const r = check(model([...shape], [{ op, in: ["x"], out: ["y"], attrs: { ...attrs } }]));
      expect(r.worst, op).toBeLessThan(0.05);
      expect(r.proof).toEqual(proved);
    }
  });

  it("Pad with a constant other than 0, and negative pads (a crop)", () => {
    for (const [pads, value] of [[[0, 0, 2, 1, 0, 0, 1, 3], 1.5], [[0, 0, -1, 2, 0, 0, 1, -2], 0], [[0, 1, 0, 0, 0, 0, 0, 1], -0.75]] as const) {
      const g = loadGraph(makeModel({
        inputs: [["x", "float32", [1, 2, 4, 5]]], outputs: [["y"]], opset: 17,
        initializers: [{ name: "pads", dtype: "int64", dims: [8], data: [...pads] }, { name: "v", dtype: "float32", dims: [], data: Float32Array.of(value) }],
        nodes: [{ op: "Pad", in: ["x", "pads", "v"], out: ["y"] }],
      }));
      expectFaithful(g, 0.05, `${pads} ${value}`);
    }
  });

  it("GatherND by constant index tuples (negative ones too), exactly the float model's picks, proved", () => {
    // x [3, 4, 5]: pairs (i, j) pick rows of 5; one tuple addresses a single axis of another graph.
    for (const [shape, dims, data] of [[[3, 4, 5], [2, 2, 2], [0, 1, 2, -1, 1, 3, 0, 0]], [[6, 2], [3, 1], [5, 0, -2]]] as const) {
      const g = loadGraph(makeModel({
        inputs: [["x", "float32", [...shape]]], outputs: [["y"]], opset: 17,
        initializers: [{ name: "idx", dtype: "int64", dims: [...dims], data: [...data] }],
        nodes: [{ op: "GatherND", in: ["x", "idx"], out: ["y"] }],
      }));
      // A pure index map: the quantized picks are the quantized inputs, within one quantization step.
      expectFaithful(g, 0.02, `${shape} ${dims}`);
    }
  });

  it("GatherElements by constant indices along an axis (negative ones too), the float model's picks, proved", () => {
    for (const axis of [0, 1, -1]) {
      const g = loadGraph(makeModel({
        inputs: [["x", "float32", [3, 4]]], outputs: [["y"]], opset: 17,
        initializers: [{ name: "idx", dtype: "int64", dims: [2, 3], data: axis === 0 ? [2, 0, -1, 1, 1, 0] : [3, 0, -1, 1, 2, 0] }],
        nodes: [{ op: "GatherElements", in: ["x", "idx"], out: ["y"], attrs: { axis: int(axis) } }],
      }));
      expectFaithful(g, 0.02, `axis ${axis}`);
    }
  });

  it("GatherND with batch_dims or by computed indices is refused with what it supports", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [2, 3, 4]]], outputs: [["y"]], opset: 17,
      initializers: [{ name: "idx", dtype: "int64", dims: [2, 1], data: [1, 2] }],
      nodes: [{ op: "GatherND", in: ["x", "idx"], out: ["y"], attrs: { batch_dims: int(1) } }],
    }));
    expect(() => calibrate(g, generatedSamples(g, 2, 1))).toThrow(/GatherND with batch_dims/);
  });

  it("Tile by constant repeats", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 3]]], outputs: [["y"]],
      initializers: [{ name: "reps", dtype: "int64", dims: [3], data: [1, 3, 2] }],
      nodes: [{ op: "Tile", in: ["x", "reps"], out: ["y"] }],
    }));
    expectFaithful(g, 0.05);
  });

  // Decoders of UNets and GAN generators: stride 2 with pads and output_padding, groups, dilation, 1-D.
  const convT: { name: string; x: number[]; w: number[]; attrs: NodeSpec["attrs"]; bias?: boolean }[] = [
    { name: "stride 2, pads 1, output_padding 1, with bias", x: [1, 3, 4, 4], w: [3, 2, 3, 3], attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), output_padding: ints([1, 1]) }, bias: true },
    { name: "2 groups, stride (1, 2), kernel 2x3", x: [1, 4, 3, 5], w: [4, 1, 2, 3], attrs: { strides: ints([1, 2]), group: int(2) } },
    { name: "dilation 2 and pads larger than the kernel's reach on one side", x: [1, 2, 5, 5], w: [2, 2, 2, 2], attrs: { dilations: ints([2, 2]), pads: ints([2, 0, 2, 1]) } },
    { name: "1-D, stride 3", x: [1, 2, 6], w: [2, 3, 4], attrs: { strides: ints([3]) } },
    { name: "3-D, stride 2, pads 1", x: [1, 2, 3, 3, 3], w: [2, 2, 3, 3, 3], attrs: { strides: ints([2, 2, 2]), pads: ints([1, 1, 1, 1, 1, 1]) } },
  ];
  for (const c of convT) {
    it(`ConvTranspose, ${c.name}`, () => {
      const rng = xorshift32(c.x.length * 31 + c.w[0]!);
      const n = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
      const g = loadGraph(makeModel({
        inputs: [["x", "float32", c.x]], outputs: [["y"]],
        initializers: [
          { name: "w", dtype: "float32", dims: c.w, data: Float32Array.from({ length: n(c.w) }, () => rng() - 0.5) },
          ...(c.bias ? [{ name: "b", dtype: "float32" as const, dims: [c.w[1]! * 1], data: Float32Array.from({ length: c.w[1]! }, () => rng() - 0.5) }] : []),
        ],
        nodes: [{ op: "ConvTranspose", in: c.bias ? ["x", "w", "b"] : ["x", "w"], out: ["y"], attrs: c.attrs }],
      }));
      expectFaithful(g, 0.05);
    });
  }

  it("InstanceNormalization (style transfer): normalized over each channel's positions, scaled and shifted per channel", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [2, 3, 4, 5]]], outputs: [["y"]],
      initializers: [{ name: "s", dtype: "float32", dims: [3], data: Float32Array.of(1.5, -0.5, 1) }, { name: "b", dtype: "float32", dims: [3], data: Float32Array.of(0.25, 0, -1) }],
      nodes: [{ op: "InstanceNormalization", in: ["x", "s", "b"], out: ["y"], attrs: { epsilon: float(1e-5) } }],
    }));
    expectFaithful(g, 0.1);
  });

  // More candidates than one max proves: a pool per axis.
  for (const [name, op, attrs, shape] of [
    ["5x5 stride 1 pad 2 (SPP)", "MaxPool", { kernel_shape: ints([5, 5]), pads: ints([2, 2, 2, 2]) }, [1, 2, 7, 7]],
    ["6x4, stride 2, dilation (1, 2), ceil_mode", "MaxPool", { kernel_shape: ints([6, 4]), strides: ints([2, 2]), dilations: ints([1, 2]), ceil_mode: int(1) }, [1, 2, 11, 12]],
  ] as const) {
    it(`${op} ${name}: two pools, one axis each`, () => {
      const g = model([...shape], [{ op, in: ["x"], out: ["y"], attrs: { ...attrs } }]);
      const { qgraph } = calibrate(g, generatedSamples(g, 2, 1));
      expect(qgraph.ops.filter((o) => o.kind === "maxpool")).toHaveLength(2);
      expectFaithful(g, 0.05);
    });
  }

  // An axis longer than one max proves: two pools along it (b windows of a, c apart).
  for (const [name, attrs, shape, pools] of [
    ["1-D kernel 20 stride 4", { kernel_shape: ints([20]), strides: ints([4]) }, [1, 2, 60], 2],
    ["1-D kernel 37, dilation 2, pads 5, ceil_mode", { kernel_shape: ints([37]), dilations: ints([2]), pads: ints([5, 5]), strides: ints([3]), ceil_mode: int(1) }, [1, 1, 100], 2],
    ["2-D kernel 3x19, pads 1x9", { kernel_shape: ints([3, 19]), pads: ints([1, 9, 1, 9]) }, [1, 2, 6, 30], 3],
    ["1-D kernel 200, stride 3 (a chain of three)", { kernel_shape: ints([200]), strides: ints([3]) }, [1, 1, 400], 3],
  ] as const) {
    it(`MaxPool ${name}: ${pools} pools`, () => {
      const g = model([...shape], [{ op: "MaxPool", in: ["x"], out: ["y"], attrs: { ...attrs } }]);
      const { qgraph } = calibrate(g, generatedSamples(g, 2, 1));
      expect(qgraph.ops.filter((o) => o.kind === "maxpool")).toHaveLength(pools);
      expectFaithful(g, 0.05);
    });
  }

  it("an axis split chains maxes of at most 16 that cover exactly the k candidates (every k up to 4096)", () => {
    for (let k = 17; k <= 4096; k++) {
      const parts = axisSplit(k)!;
      expect(parts, `k = ${k}`).toBeDefined();
      // The offsets a chain reaches: the sums of one pick per part; exactly 0, 1, …, k − 1.
      let reach = new Set([0]);
      for (const p of parts) {
        expect(p.kernel).toBeLessThanOrEqual(16);
        const next = new Set<number>();
        for (const r of reach) for (let t = 0; t < p.kernel; t++) next.add(r + t * p.spacing);
        reach = next;
      }
      expect(reach.size, `k = ${k}`).toBe(k);
      expect(Math.max(...reach)).toBe(k - 1);
    }
    expect(axisSplit(16)).toBeUndefined();
  });

  // ArgMax/ArgMin: the index of the first (or last) extreme of the quantized input, exactly.
  for (const [name, op, shape, attrs] of [
    ["ArgMax over classes, keepdims 0", "ArgMax", [3, 10], { axis: int(1), keepdims: int(0) }],
    ["ArgMax over channels of NCHW (a segmentation map)", "ArgMax", [1, 5, 3, 4], { axis: int(1) }],
    ["ArgMin over the last axis", "ArgMin", [2, 3, 7], { axis: int(-1), keepdims: int(0) }],
    ["ArgMax, select_last_index, 300 classes", "ArgMax", [2, 300], { axis: int(1), select_last_index: int(1) }],
  ] as const) {
    it(`${name}: the quantized input's arg-extremum, ties broken as ONNX says, proved`, () => {
      const g = model([...shape], [{ op, in: ["x"], out: ["y"], attrs: { ...attrs } }]);
      const samples = generatedSamples(g, 4, 3);
      const { qgraph } = calibrate(g, samples);
      const qx = qgraph.tensors[qgraph.inputs[0]!]!;
      // Ties on purpose: the first sample's values rounded to a coarse grid.
      const tied = { x: { ...samples[0]!.x!, data: Float32Array.from(samples[0]!.x!.data as Float32Array, (v) => Math.round(v * 2) / 2) } };
      const dims: number[] = [...shape];
      const axis = ((Number(attrs.axis.value) % dims.length) + dims.length) % dims.length, n = dims[axis]!;
      const inner = dims.slice(axis + 1).reduce((p, d) => p * d, 1), outer = dims.slice(0, axis).reduce((p, d) => p * d, 1);
      const last = "select_last_index" in attrs;
      for (const s of [...samples, tied]) {
        const v = quantizeInput(qx, s.x!);
        const want: number[] = [];
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          let at = 0;
          for (let k = 1; k < n; k++) {
            const a = v[(o * n + k) * inner + i]!, b = v[(o * n + at) * inner + i]!;
            if (op === "ArgMax" ? a > b || (last && a === b) : a < b || (last && a === b)) at = k;
          }
          want.push(at);
        }
        expect(Array.from(runOutputsAsFloat(qgraph, ["y"], s).y!.data as ArrayLike<number>)).toEqual(want);
      }
      expect(proveAndVerify(qgraph, tied)).toEqual(proved);
    });
  }

  it("GlobalMaxPool over any number of positions (7x7, 40x40, 1-D 100): a reducemax of the merged axes", () => {
    for (const shape of [[1, 3, 7, 7], [1, 2, 40, 40], [2, 3, 100]]) {
      const g = model(shape, [{ op: "GlobalMaxPool", in: ["x"], out: ["y"] }]);
      expectFaithful(g, 0.05, `${shape}`);
    }
  });

  it("LayerNormalization over the axes from 1 on (its γ and β over [3, 4])", () => {
    const rng = xorshift32(7);
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [2, 3, 4]]], outputs: [["y"]],
      initializers: [{ name: "s", dtype: "float32", dims: [3, 4], data: Float32Array.from({ length: 12 }, () => 0.5 + rng()) }, { name: "b", dtype: "float32", dims: [3, 4], data: Float32Array.from({ length: 12 }, () => rng() - 0.5) }],
      nodes: [{ op: "LayerNormalization", in: ["x", "s", "b"], out: ["y"], attrs: { axis: int(1) } }],
    }));
    expectFaithful(g, 0.1);
  });

  it("AveragePool excluding padding (count_include_pad = 0): each border window divides by its own count", () => {
    expectFaithful(model([1, 2, 5, 5], [{ op: "AveragePool", in: ["x"], out: ["y"], attrs: { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) } }]), 0.05);
  });

  it("LRN across the channels (size 5 over 6 channels: clipped windows at both ends), with a strong alpha", () => {
    expectFaithful(model([1, 6, 4, 4], [{ op: "LRN", in: ["x"], out: ["y"], attrs: { size: int(5), alpha: float(0.5), beta: float(0.75), bias: float(1) } }]), 0.05);
  });

  it("LRN on [N, C] (a dense band) and with AlexNet's constants", () => {
    expectFaithful(model([2, 8], [{ op: "LRN", in: ["x"], out: ["y"], attrs: { size: int(3), alpha: float(0.3), beta: float(0.5), bias: float(2) } }]), 0.05);
    const alex = check(model([1, 4, 3, 3], [{ op: "LRN", in: ["x"], out: ["y"], attrs: { size: int(5), alpha: float(1e-4), beta: float(0.75), bias: float(1) } }]));
    expect(alex.worst).toBeLessThan(0.05);
    expect(alex.proof).toEqual(proved);
  });

  it("LRN with a size that is not a positive integer is refused", () => {
    const g = model([1, 4, 2, 2], [{ op: "LRN", in: ["x"], out: ["y"], attrs: { size: int(0) } }]);
    expect(() => calibrate(g, generatedSamples(g, 2, 1))).toThrow(/size/);
  });

  // The zoo's models themselves (light: constant weights), on one generated sample each.
  for (const [name, op] of [["light_bvlc_alexnet", "LRN"], ["light_inception_v1", "LRN"], ["light_shufflenet", "AveragePool"]] as const) {
    const file = `onnx-backend-tests/light/${name}.onnx`;
    itShared(file, `${name} calibrates (its ${op} included) and compiles to a proof plan`, () => {
      const g = loadGraph(decodeModel(readShared(file)));
      expect(g.nodes.some((n) => n.opType === op)).toBe(true);
      const { qgraph } = calibrate(g, generatedSamples(g, 1, 1));
      expect(qgraph.ops.some((o) => o.source === g.nodes.find((n) => n.opType === op)!.id)).toBe(true);
      const { consts: _, ...spec } = qgraph;
      expect(compilePlan(spec as GraphSpec).graph.ops.length).toBe(qgraph.ops.length);
    }, 60_000);
  }
});

describe("activations of mobile and other exported models", () => {
  const f32 = (dims: number[], data: number[]) => ({ name: "c", dtype: "float32" as const, dims, data: Float32Array.from(data) });
  const CASES: { name: string; nodes: NodeSpec[]; init?: ReturnType<typeof f32>[]; shape?: number[]; tol?: number }[] = [
    { name: "HardSigmoid", nodes: [{ op: "HardSigmoid", in: ["x"], out: ["y"], attrs: { alpha: float(0.25), beta: float(0.4) } }] },
    { name: "HardSwish (MobileNetV3)", nodes: [{ op: "HardSwish", in: ["x"], out: ["y"] }] },
    { name: "Elu", nodes: [{ op: "Elu", in: ["x"], out: ["y"], attrs: { alpha: float(0.7) } }] },
    { name: "Selu", nodes: [{ op: "Selu", in: ["x"], out: ["y"] }] },
    { name: "Softsign", nodes: [{ op: "Softsign", in: ["x"], out: ["y"] }] },
    { name: "Abs", nodes: [{ op: "Abs", in: ["x"], out: ["y"] }] },
    { name: "Neg", nodes: [{ op: "Neg", in: ["x"], out: ["y"] }] },
    { name: "Log of 1 + |x|", nodes: [{ op: "Abs", in: ["x"], out: ["a"] }, { op: "Add", in: ["a", "c"], out: ["b"] }, { op: "Log", in: ["b"], out: ["y"] }], init: [f32([], [1])] },
    { name: "Pow by a constant 2 (older LayerNorm exports)", nodes: [{ op: "Pow", in: ["x", "c"], out: ["y"] }], init: [f32([], [2])], tol: 0.1 },
    { name: "Max with a constant first", nodes: [{ op: "Max", in: ["c", "x"], out: ["y"] }], init: [f32([], [-0.5])] },
    { name: "Min with a constant (ReLU6's upper half)", nodes: [{ op: "Min", in: ["x", "c"], out: ["y"] }], init: [f32([], [0.75])] },
    { name: "Div by a constant tensor with negative entries", nodes: [{ op: "Div", in: ["x", "c"], out: ["y"] }], init: [f32([12], [2, -4, 3, 5, -1.5, 8, 2, 2, -2, 6, 4, 3])] },
    { name: "Div by an activation (Softsign written out: x / (1 + |x|))", nodes: [{ op: "Abs", in: ["x"], out: ["a"] }, { op: "Add", in: ["a", "c"], out: ["b"] }, { op: "Div", in: ["x", "b"], out: ["y"] }], init: [f32([], [1])] },
    {
      // torch's LayerNorm before opset 17: ReduceMean, Sub, Pow, ReduceMean, Add ε, Sqrt, Div.
      name: "LayerNorm written out (opset < 17 exports)", shape: [2, 16], tol: 0.1,
      nodes: [
        { op: "ReduceMean", in: ["x"], out: ["m"], attrs: { axes: ints([-1]) } }, { op: "Sub", in: ["x", "m"], out: ["d"] },
        { op: "Pow", in: ["d", "c"], out: ["d2"] }, { op: "ReduceMean", in: ["d2"], out: ["v"], attrs: { axes: ints([-1]) } },
        { op: "Add", in: ["v", "eps"], out: ["ve"] }, { op: "Sqrt", in: ["ve"], out: ["sd"] }, { op: "Div", in: ["d", "sd"], out: ["y"] },
      ],
      init: [f32([], [2]), { ...f32([], [1e-5]), name: "eps" }],
    },
    // Steps: an input within one quantization step of a jump may land on its other side.
    ...(["Round", "Floor", "Ceil", "Sign"] as const).map((op) => ({ name: `${op} of 3x`, nodes: [{ op: "Mul", in: ["x", "c"], out: ["m"] }, { op, in: ["m"], out: ["y"] }], init: [f32([], [3])], tol: op === "Sign" ? 2.01 : 1.01 })),
    { name: "Sin and Cos (positional encodings computed in the graph)", nodes: [{ op: "Sin", in: ["x"], out: ["s"] }, { op: "Cos", in: ["x"], out: ["c2"] }, { op: "Add", in: ["s", "c2"], out: ["y"] }] },
    { name: "Shrink", nodes: [{ op: "Shrink", in: ["x"], out: ["y"], attrs: { lambd: float(0.5), bias: float(0.25) } }] },
    { name: "Mean of three (one a constant)", nodes: [{ op: "Abs", in: ["x"], out: ["a"] }, { op: "Mean", in: ["x", "a", "c"], out: ["y"] }], init: [f32([12], [0.5, -1, 0.25, 2, 0, 1, -0.5, 0.75, 1.5, -2, 0.1, 0.3])] },
    { name: "Cast to float32 (a no-op) and Expand of a row to 3 rows", shape: [1, 4], nodes: [{ op: "Cast", in: ["x"], out: ["c1"], attrs: { to: int(1) } }, { op: "Expand", in: ["c1", "shp"], out: ["y"] }], init: [{ name: "shp", dtype: "int64", dims: [3], data: [2, 3, 4] } as never] },
    { name: "PRelu with one slope", nodes: [{ op: "PRelu", in: ["x", "c"], out: ["y"] }], init: [f32([1], [0.2])] },
    { name: "PRelu with a slope per channel", nodes: [{ op: "PRelu", in: ["x", "c"], out: ["y"] }], init: [f32([3, 1, 1], [0.1, 0.25, -0.3])], shape: [1, 3, 2, 2] },
  ];
  for (const c of CASES) {
    it(`${c.name}: close to the float model, and proved`, () => {
      const g = loadGraph(makeModel({ inputs: [["x", "float32", c.shape ?? [1, 12]]], outputs: [["y"]], nodes: c.nodes, initializers: c.init }));
      expectFaithful(g, c.tol ?? 0.05);
    });
  }

  for (const op of ["Max", "Min"] as const) {
    it(`${op} of two activations: b + relu(a − b) (a − relu(a − b)), the relu a requant's clamp`, () => {
      const g = loadGraph(makeModel({ inputs: [["x", "float32", [1, 12]], ["z", "float32", [1, 12]]], outputs: [["y"]], nodes: [{ op: "Mul", in: ["z", "c"], out: ["z2"] }, { op, in: ["x", "z2"], out: ["y"] }], initializers: [f32([], [0.5])] }));
      expectFaithful(g, 0.05);
    });
  }

  it("Gemm of two activations (torch's addmm): transposes, alpha, and a constant C scaled by beta", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [4, 3]], ["z", "float32", [5, 3]]], outputs: [["y"]],
      initializers: [{ ...f32([5], [0.5, -1, 0.25, 2, 0]), name: "bias" }],
      nodes: [{ op: "Gemm", in: ["x", "z", "bias"], out: ["y"], attrs: { transB: int(1), alpha: float(0.5), beta: float(2) } }],
    }));
    const r = check(g);
    // Products of two 8-bit inputs, outputs over ±4…6: a few output steps of error.
    expect(r.worst).toBeLessThan(0.15);
    expect(r.proof).toEqual(proved);
    const t = loadGraph(makeModel({ inputs: [["x", "float32", [3, 4]], ["z", "float32", [3, 5]]], outputs: [["y"]], nodes: [{ op: "Gemm", in: ["x", "z"], out: ["y"], attrs: { transA: int(1) } }] }));
    // transA with a constant B: Aᵀ by an index map, then the dense op.
    const wt = loadGraph(makeModel({
      inputs: [["x", "float32", [3, 4]]], outputs: [["y"]],
      initializers: [{ name: "w", dtype: "float32", dims: [3, 2], data: Float32Array.of(0.5, -0.25, 1, 0.75, -0.5, 0.25) }],
      nodes: [{ op: "Gemm", in: ["x", "w"], out: ["y"], attrs: { transA: int(1) } }],
    }));
    const rw = check(wt);
    expect(rw.worst).toBeLessThan(0.05);
    expect(rw.proof).toEqual(proved);
    const rt = check(t);
    expect(rt.worst).toBeLessThan(0.15);
    expect(rt.proof).toEqual(proved);
  });

  it("activations past 2^60 (a float model that overflows) are refused naming the tensor and the values", () => {
    const g = loadGraph(makeModel({ inputs: [["x", "float32", [1, 4]]], outputs: [["y"]], nodes: [{ op: "Mul", in: ["x", "c"], out: ["y"] }], initializers: [f32([], [1e25])] }));
    expect(() => calibrate(g, generatedSamples(g, 2, 1))).toThrow(/tensor y: its values reach \d\.\de\+2\d during calibration, beyond .*the float model overflows here/);
  });

  it("the step tables: Round halves to even, Floor, Ceil and Sign, on every value of a 5-bit input at 2^-1", () => {
    const at = (fn: string) => Array.from(buildTable({ fn, params: {}, input: { k: 1, bits: 5, signed: true }, output: { k: 0, bits: 6, signed: true } }).values);
    const xs = Array.from({ length: 32 }, (_, j) => (j - 16) / 2);
    expect(at("round")).toEqual(xs.map((x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))).map((v) => v + 0));
    expect(at("floor")).toEqual(xs.map(Math.floor));
    expect(at("ceil")).toEqual(xs.map((x) => Math.ceil(x) + 0));
    expect(at("sign")).toEqual(xs.map((x) => Math.sign(x) + 0));
  });

  for (const op of ["Max", "Min"] as const) {
    it(`${op} of three inputs (pairwise, exact partial results) and of one (the identity)`, () => {
      const three = loadGraph(makeModel({
        inputs: [["x", "float32", [1, 6]], ["z", "float32", [1, 6]]], outputs: [["y"]],
        initializers: [f32([6], [0.5, -1, 0.25, 2, -0.3, 0.1]), { ...f32([], [3]), name: "k" }],
        nodes: [{ op: "Mul", in: ["z", "k"], out: ["z3"] }, { op, in: ["x", "z3", "c"], out: ["y"] }],
      }));
      expectFaithful(three, 0.1);
      const one = loadGraph(makeModel({ inputs: [["x", "float32", [1, 6]]], outputs: [["y"]], nodes: [{ op: "Abs", in: ["x"], out: ["a"] }, { op, in: ["a"], out: ["y"] }] }));
      expect(check(one).proof).toEqual(proved);
    });
  }

  it("a Pow by an input is refused with the reason", () => {
    const pow = loadGraph(makeModel({ inputs: [["x", "float32", [1, 4]], ["z", "float32", [1, 4]]], outputs: [["y"]], nodes: [{ op: "Exp", in: ["x"], out: ["e"] }, { op: "Pow", in: ["e", "z"], out: ["y"] }] }));
    expect(() => calibrate(pow, generatedSamples(pow, 2, 1))).toThrow(/Pow whose exponent is not a constant scalar/);
  });
});

describe("3-D convolutions and pools (volumes, video)", () => {
  it("Conv3d with pads and strides, MaxPool3d (27 candidates: one pool per axis), AveragePool3d, GlobalAveragePool", () => {
    const rng = xorshift32(11);
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 5, 6, 6]]], outputs: [["y"]],
      initializers: [{ name: "w", dtype: "float32", dims: [3, 2, 3, 3, 3], data: Float32Array.from({ length: 162 }, () => (rng() - 0.5) * 0.5) }],
      nodes: [
        { op: "Conv", in: ["x", "w"], out: ["c"], attrs: { pads: ints([1, 1, 1, 1, 1, 1]), strides: ints([1, 2, 2]) } },
        { op: "MaxPool", in: ["c"], out: ["m"], attrs: { kernel_shape: ints([3, 3, 3]), pads: ints([1, 1, 1, 1, 1, 1]) } },
        { op: "AveragePool", in: ["m"], out: ["a"], attrs: { kernel_shape: ints([2, 1, 1]) } },
        { op: "GlobalAveragePool", in: ["a"], out: ["y"] },
      ],
    }));
    const { qgraph } = calibrate(g, generatedSamples(g, 2, 1));
    expect(qgraph.ops.filter((o) => o.kind === "maxpool")).toHaveLength(3);
    expectFaithful(g, 0.05);
  });
});

describe("whole small networks of these ops", () => {
  const weights = (name: string, dims: number[], seed: number) => {
    const rng = xorshift32(seed);
    return { name, dtype: "float32" as const, dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (rng() - 0.5) * 0.8) };
  };
  const str = (value: string) => ({ kind: "string" as const, value });

  it("a tiny UNet: conv, pool, conv, nearest ×2 upsample, skip concat, a 1×1 conv head", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 8, 8]]], outputs: [["y"]],
      initializers: [weights("w1", [4, 2, 3, 3], 1), weights("w2", [4, 4, 3, 3], 2), weights("w3", [2, 8, 1, 1], 3),
        { name: "roi", dtype: "float32", dims: [0], data: new Float32Array(0) }, { name: "sc", dtype: "float32", dims: [4], data: Float32Array.of(1, 1, 2, 2) }],
      nodes: [
        { op: "Conv", in: ["x", "w1"], out: ["c1"], attrs: { pads: ints([1, 1, 1, 1]) } }, { op: "Relu", in: ["c1"], out: ["r1"] },
        { op: "MaxPool", in: ["r1"], out: ["p1"], attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } },
        { op: "Conv", in: ["p1", "w2"], out: ["c2"], attrs: { pads: ints([1, 1, 1, 1]) } }, { op: "Relu", in: ["c2"], out: ["r2"] },
        { op: "Resize", in: ["r2", "roi", "sc"], out: ["u"], attrs: { mode: str("nearest"), coordinate_transformation_mode: str("asymmetric"), nearest_mode: str("floor") } },
        { op: "Concat", in: ["r1", "u"], out: ["cat"], attrs: { axis: int(1) } },
        { op: "Conv", in: ["cat", "w3"], out: ["y"] },
      ],
    }));
    expectFaithful(g, 0.15);
  });

  it("a tiny GAN generator: ConvTranspose ×2, InstanceNorm, ReLU, ConvTranspose, Tanh", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 4, 2, 2]]], outputs: [["y"]],
      initializers: [weights("t1", [4, 3, 4, 4], 4), weights("t2", [3, 1, 4, 4], 5),
        { name: "s", dtype: "float32", dims: [3], data: Float32Array.of(1, 0.8, 1.2) }, { name: "b", dtype: "float32", dims: [3], data: Float32Array.of(0, 0.1, -0.1) }],
      nodes: [
        { op: "ConvTranspose", in: ["x", "t1"], out: ["d1"], attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) } },
        { op: "InstanceNormalization", in: ["d1", "s", "b"], out: ["n1"] }, { op: "Relu", in: ["n1"], out: ["r1"] },
        { op: "ConvTranspose", in: ["r1", "t2"], out: ["d2"], attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) } },
        { op: "Tanh", in: ["d2"], out: ["y"] },
      ],
    }));
    expectFaithful(g, 0.15);
  });
});

describe("accuracy of a model that outputs its classes (an exported ArgMax)", () => {
  it("compares the indices themselves, one row per element; labels are one class per element", () => {
    const rng = xorshift32(22);
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [2, 6]]], outputs: [["y", "int64"]],
      initializers: [{ name: "w", dtype: "float32", dims: [6, 5], data: Float32Array.from({ length: 30 }, () => rng() - 0.5) }],
      nodes: [{ op: "MatMul", in: ["x", "w"], out: ["z"] }, { op: "ArgMax", in: ["z"], out: ["y"], attrs: { axis: int(1), keepdims: int(0) } }],
    }));
    const samples = generatedSamples(g, 6, 4);
    const { qgraph } = calibrate(g, samples);
    let agree = 0;
    const labels: number[] = [];
    for (const s of samples) {
      const f = Array.from(evaluate(g, s).y!.data as ArrayLike<number>), q = Array.from(runOutputsAsFloat(qgraph, ["y"], s).y!.data as ArrayLike<number>);
      f.forEach((c, i) => { agree += +(c === q[i]); labels.push(c); });
    }
    const r = measureAccuracy(g, qgraph, samples, labels);
    expect(r.rows).toBe(12);
    expect(r.top1_agreement).toBeCloseTo(agree / 12, 10);
    expect(r.top1_agreement).toBeGreaterThan(0.8);
    expect(r.float_accuracy).toBe(1);
  });
});

describe("accuracy of a segmentation map", () => {
  it("top-1 agreement of an [N, C, H, W] output is per pixel, over its channels; labels are one class per pixel", () => {
    const rng = xorshift32(21);
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 2, 4, 4]]], outputs: [["y"]],
      initializers: [{ name: "w", dtype: "float32", dims: [3, 2, 1, 1], data: Float32Array.from({ length: 6 }, () => rng() - 0.5) }],
      nodes: [{ op: "Conv", in: ["x", "w"], out: ["y"] }],
    }));
    const samples = generatedSamples(g, 6, 3);
    const { qgraph } = calibrate(g, samples);
    // By hand: argmax over the 3 channels at each of the 16 pixels, float against quantized.
    let agree = 0;
    const labels: number[] = [];
    for (const s of samples) {
      const f = evaluate(g, s).y!.data as Float32Array;
      const q = runOutputsAsFloat(qgraph, ["y"], s).y!.data as Float32Array;
      const top = (d: Float32Array, p: number) => [0, 1, 2].reduce((b, c) => (d[c * 16 + p]! > d[b * 16 + p]! ? c : b), 0);
      for (let p = 0; p < 16; p++) {
        agree += +(top(f, p) === top(q, p));
        labels.push(top(f, p));
      }
    }
    const r = measureAccuracy(g, qgraph, samples, labels);
    expect(r.rows).toBe(6 * 16);
    expect(r.top1_agreement).toBeCloseTo(agree / 96, 10);
    expect(r.float_accuracy).toBe(1);
    expect(() => measureAccuracy(g, qgraph, samples, labels.slice(1))).toThrow(/labels .* of 16 row\(s\) each; give one label per row/);
  });
});
