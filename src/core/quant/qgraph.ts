// The quantized graph: the integer evaluator runs it and the circuit compiler proves it.
// Plain data (typed arrays for weights), JSON-serializable, in topological order.
import type { Window as GraphWindow } from "../graph/index.ts";

/** A fixed-point type: integers in [−2^(bits−1), 2^(bits−1)−1] (or [0, 2^bits−1]) worth v·2^−k. */
export interface QType {
  k: number;
  bits: number;
  signed: boolean;
}

/**
 * input: a model input (quantized from floats by the caller, or integer ids);
 * activation: the output of a requant, lookup, pool or shape op, range-checked by its type;
 * accumulator: an exact sum or product before its requant (bits = its static bound);
 * weight / bias / const: model data, committed at setup.
 */
export type TensorRole = "input" | "activation" | "accumulator" | "weight" | "bias" | "const";

export interface QTensor extends QType {
  name: string;
  shape: number[];
  role: TensorRole;
  /** The ONNX tensor this one stands for (absent for tensors internal to a lowered op). */
  onnx?: string;
}

/** Sliding-window geometry (Conv and pools), per spatial axis: the graph's, without sizes. */
export type Window = Omit<GraphWindow, "out">;

interface OpBase {
  /** The ONNX node this op was lowered from. */
  source: string;
  inputs: string[];
  output: string;
}

/**
 * acc = Σ x·w (+ bias). dense: x [..., K], w [N, K], y [..., N].
 * conv: x [B, C, ...S], w [O, C/group, ...kernel], y [B, O, ...S'], zero padding.
 */
export interface LinearOp extends OpBase {
  kind: "linear";
  form: "dense" | "conv";
  group?: number;
  window?: Window;
}

/** acc = a @ b over the last two axes, batch axes broadcast: a [..., M, K], b [..., K, N]. */
export interface MatMul2Op extends OpBase {
  kind: "matmul2";
}

/** y = clamp(floor((x·M + 2^(s−1)) / 2^s), lo, hi); s = 0 means clamp(x·M). */
export interface RequantOp extends OpBase {
  kind: "requant";
  M: number;
  s: number;
  lo: number;
  hi: number;
}

/** y = T[x − domainLo]: the table's rows cover the input type's whole range. */
export interface LookupOp extends OpBase {
  kind: "lookup";
  table: string;
}

/** acc = Σ_i c_i·x_i, numpy broadcasting; the c_i are integers (powers of two, ±). */
export interface AddOp extends OpBase {
  kind: "add";
  coeffs: number[];
}

/** acc = a ⊙ b, numpy broadcasting. */
export interface MulOp extends OpBase {
  kind: "mul";
}

/** y = max over each window; padded positions are excluded. */
export interface MaxPoolOp extends OpBase {
  kind: "maxpool";
  window: Window;
}

/** acc = Σ over each window; padded positions count as 0. */
export interface SumPoolOp extends OpBase {
  kind: "sumpool";
  window: Window;
}

/** y = max (reducemax) or acc = Σ (rowsum) along `axis`, which is kept with size 1. */
export interface ReduceOp extends OpBase {
  kind: "reducemax" | "rowsum";
  axis: number;
}

/** y[i] = x[map(i)] (or 0 where the map points nowhere): shape ops and their kin. */
export interface IndexMapOp extends OpBase {
  kind: "indexmap";
  map: IndexMap;
}

export type IndexMap =
  | { type: "reshape" }
  | { type: "transpose"; perm: number[] }
  | { type: "slice"; starts: number[]; steps: number[] }
  | { type: "concat"; axis: number }
  | { type: "pad"; padBegin: number[] }
  | { type: "gather"; axis: number; indices: number[] }
  /** y[o] = x[i] where o_d = factors_d·i_d + starts_d on every axis; 0 elsewhere (zeros between, as a transposed conv needs). */
  | { type: "upsample"; factors: number[]; starts: number[] };

/** y = mask ? fill : x, with `mask` a constant 0/1 tensor (inputs[1]) broadcast to x. */
export interface SelectOp extends OpBase {
  kind: "select";
  fill: number;
}

/** y[..., :] = table[ids[...], :]: inputs [ids, table]; ids are public integers. */
export interface EmbedOp extends OpBase {
  kind: "embed";
}

export type QOp =
  | LinearOp | MatMul2Op | RequantOp | LookupOp | AddOp | MulOp | MaxPoolOp | SumPoolOp
  | ReduceOp | IndexMapOp | SelectOp | EmbedOp;

export type QOpKind = QOp["kind"];

/** A lookup table: its spec and its rows as integers (rows = 2^input.bits). */
export interface QTable {
  fn: string;
  params: Record<string, number>;
  input: QType;
  output: QType;
  /** Out-of-domain inputs clamp to the domain's edge instead of failing. */
  saturate: boolean;
  values: Int32Array;
}

export interface QGraph {
  version: 1;
  inputs: string[];
  outputs: string[];
  /** Every tensor, in the order it is defined. */
  tensors: Record<string, QTensor>;
  /** Integer data of weight, bias and const tensors. */
  consts: Record<string, Int32Array>;
  tables: Record<string, QTable>;
  ops: QOp[];
}
