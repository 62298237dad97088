// Small float models for the quantizer's tests, built as plain OnnxModel data with seeded weights.
import { loadGraph, type Graph } from "../../src/core/graph/index.ts";
import { f32, int, ints, makeModel, xorshift32 } from "../../src/core/graph/test-models.ts";
import type { AttrValue, TensorData } from "../../src/core/onnx/index.ts";

function randn(seed: number): () => number {
  const r = xorshift32(seed);
  return () => {
    let u = -6;
    for (let i = 0; i < 12; i++) u += r();
    return u;
  };
}

export function weights(name: string, dims: number[], seed: number, scale = 1): TensorData {
  const n = dims.reduce((a, b) => a * b, 1), g = randn(seed);
  return f32(name, dims, Array.from({ length: n }, () => g() * scale));
}

const float = (v: number): AttrValue => ({ kind: "float", value: v });
const scalar = (name: string, v: number): TensorData => ({ name, dtype: "float32", dims: [], data: Float32Array.of(v) });

/** 16-32-10 MLP: Gemm, Relu, Gemm. */
export function mlp(): Graph {
  return loadGraph(makeModel({
    inputs: [["x", "float32", [1, 16]]],
    outputs: [["y"]],
    initializers: [weights("w1", [32, 16], 1, 0.25), weights("b1", [32], 2, 0.1), weights("w2", [10, 32], 3, 0.2), weights("b2", [10], 4, 0.1)],
    nodes: [
      { op: "Gemm", in: ["x", "w1", "b1"], out: ["h"], attrs: { transB: int(1) } },
      { op: "Relu", in: ["h"], out: ["r"] },
      { op: "Gemm", in: ["r", "w2", "b2"], out: ["y"], attrs: { transB: int(1) } },
    ],
  }));
}

/** Conv → BatchNormalization → Relu → MaxPool → Conv(stride 2, groups 2) → Relu → AveragePool → Flatten → Gemm. */
export function cnn(): Graph {
  return loadGraph(makeModel({
    inputs: [["x", "float32", [1, 3, 12, 12]]],
    outputs: [["y"]],
    initializers: [
      weights("c1", [8, 3, 3, 3], 11, 0.3), weights("c1b", [8], 12, 0.1),
      f32("bn_s", [8], Array.from({ length: 8 }, (_, i) => 0.5 + i / 8)), weights("bn_b", [8], 13, 0.1),
      weights("bn_m", [8], 14, 0.1), f32("bn_v", [8], Array.from({ length: 8 }, (_, i) => 0.5 + i / 4)),
      weights("c2", [8, 4, 3, 3], 15, 0.3), weights("fc", [5, 8], 16, 0.3), weights("fcb", [5], 17, 0.1),
    ],
    nodes: [
      { op: "Conv", in: ["x", "c1", "c1b"], out: ["a"], attrs: { pads: ints([1, 1, 1, 1]), kernel_shape: ints([3, 3]) } },
      { op: "BatchNormalization", in: ["a", "bn_s", "bn_b", "bn_m", "bn_v"], out: ["b"] },
      { op: "Relu", in: ["b"], out: ["c"] },
      { op: "MaxPool", in: ["c"], out: ["d"], attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } },
      { op: "Conv", in: ["d", "c2"], out: ["e"], attrs: { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]), group: int(2), kernel_shape: ints([3, 3]) } },
      { op: "Relu", in: ["e"], out: ["f"] },
      { op: "AveragePool", in: ["f"], out: ["g"], attrs: { kernel_shape: ints([3, 3]), strides: ints([3, 3]) } },
      { op: "Flatten", in: ["g"], out: ["h"] },
      { op: "Gemm", in: ["h", "fc", "fcb"], out: ["y"], attrs: { transB: int(1) } },
    ],
  }));
}

/**
 * One attention block as torch exports it: embedding Gather, LayerNormalization, qkv MatMul +
 * bias Add, QKᵀ/√d, Where with a causal mask, Softmax, attention·V, residual, the GELU subgraph.
 */
export function attention(): Graph {
  const T = 6, D = 8, V = 11;
  const causal = { name: "mask", dtype: "bool" as const, dims: [1, T, T], data: Uint8Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? 1 : 0)) };
  return loadGraph(makeModel({
    inputs: [["ids", "int64", [1, T]]],
    outputs: [["y"]],
    initializers: [
      weights("E", [V, D], 21, 0.5), f32("gamma", [D], Array.from({ length: D }, (_, i) => 0.8 + i / 20)), weights("beta", [D], 22, 0.1),
      weights("Wq", [D, D], 23, 0.4), weights("Wk", [D, D], 24, 0.4), weights("Wv", [D, D], 25, 0.4), weights("bq", [D], 26, 0.1),
      weights("W1", [D, 16], 27, 0.4), weights("W2", [16, D], 28, 0.3),
      causal, scalar("sqrt_d", Math.sqrt(D)), scalar("neg", -10000), scalar("sqrt2", Math.SQRT2), scalar("one", 1), scalar("half", 0.5),
    ],
    nodes: [
      { op: "Gather", in: ["E", "ids"], out: ["e"] },
      { op: "LayerNormalization", in: ["e", "gamma", "beta"], out: ["n"], attrs: { axis: int(-1), epsilon: float(1e-5) } },
      { op: "MatMul", in: ["n", "Wq"], out: ["q0"] },
      { op: "Add", in: ["bq", "q0"], out: ["q"] },
      { op: "MatMul", in: ["n", "Wk"], out: ["k"] },
      { op: "MatMul", in: ["n", "Wv"], out: ["v"] },
      { op: "Transpose", in: ["k"], out: ["kt"], attrs: { perm: ints([0, 2, 1]) } },
      { op: "MatMul", in: ["q", "kt"], out: ["s0"] },
      { op: "Div", in: ["s0", "sqrt_d"], out: ["s1"] },
      { op: "Where", in: ["mask", "neg", "s1"], out: ["s2"] },
      { op: "Softmax", in: ["s2"], out: ["p"], attrs: { axis: int(-1) } },
      { op: "MatMul", in: ["p", "v"], out: ["att"] },
      { op: "Add", in: ["e", "att"], out: ["r"] },
      { op: "MatMul", in: ["r", "W1"], out: ["h"] },
      { op: "Div", in: ["h", "sqrt2"], out: ["h1"] },
      { op: "Erf", in: ["h1"], out: ["h2"] },
      { op: "Add", in: ["h2", "one"], out: ["h3"] },
      { op: "Mul", in: ["h", "h3"], out: ["h4"] },
      { op: "Mul", in: ["h4", "half"], out: ["h5"] },
      { op: "MatMul", in: ["h5", "W2"], out: ["y"] },
    ],
  }));
}

/** A model with an op the quantizer does not lower (a product of activations over an axis). */
export function withReduceProd(): Graph {
  return loadGraph(makeModel({
    inputs: [["x", "float32", [1, 4]]],
    outputs: [["y"]],
    nodes: [{ op: "ReduceProd", name: "the_prod", in: ["x"], out: ["y"] }],
  }));
}

/** Gemm then a Mul by 0.3 (folded into the requant: a multiplier too coarse alone). */
export function scaledGemm(): Graph {
  return loadGraph(makeModel({
    inputs: [["x", "float32", [1, 64]]],
    outputs: [["y"]],
    initializers: [weights("w", [8, 64], 31, 0.3), scalar("c", 0.3)],
    nodes: [
      { op: "Gemm", in: ["x", "w"], out: ["h"], attrs: { transB: int(1) } },
      { op: "Mul", in: ["h", "c"], out: ["y"] },
    ],
  }));
}

/** Many small ops: Pad, GlobalAveragePool, Sigmoid, Tanh, LeakyRelu, Clip, Sub, Concat, Slice, ReduceMean, Transpose. */
export function misc(): Graph {
  return loadGraph(makeModel({
    inputs: [["x", "float32", [1, 2, 4, 4]]],
    outputs: [["y"], ["g"]],
    initializers: [
      i64p("pads", [0, 0, 1, 1, 0, 0, 1, 1]), i64p("st", [1]), i64p("en", [3]), i64p("ax", [1]), scalar("lo", -0.5), scalar("hi", 0.7),
      weights("sub", [1, 2, 1, 1], 41, 0.3),
    ],
    nodes: [
      { op: "Pad", in: ["x", "pads"], out: ["p"] },
      { op: "Sigmoid", in: ["p"], out: ["s"] },
      { op: "Tanh", in: ["x"], out: ["t"] },
      { op: "LeakyRelu", in: ["t"], out: ["l"], attrs: { alpha: float(0.1) } },
      { op: "Clip", in: ["l", "lo", "hi"], out: ["c"] },
      { op: "Sub", in: ["c", "sub"], out: ["d"] },
      { op: "GlobalAveragePool", in: ["s"], out: ["g"] },
      { op: "Concat", in: ["d", "t"], out: ["cat"], attrs: { axis: int(1) } },
      { op: "Slice", in: ["cat", "st", "en", "ax"], out: ["sl"] },
      { op: "ReduceMean", in: ["sl"], out: ["rm"], attrs: { axes: ints([2]), keepdims: int(0) } },
      { op: "Transpose", in: ["rm"], out: ["y"], attrs: { perm: ints([0, 2, 1]) } },
    ],
  }));
}

function i64p(name: string, values: number[]): TensorData {
  return { name, dtype: "int64", dims: [values.length], data: values };
}
