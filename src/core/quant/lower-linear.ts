// Lowering of the linear ops: Gemm, MatMul (by a weight, or between two activations) and
// Conv, with a following bias Add or BatchNormalization folded into the weights and bias.
import { Attrs, sizeOf, slidingWindow, transposedWindow, type GraphNode, type Tensor } from "../graph/index.ts";
import { opWindow, type LowerCtx } from "./lower-context.ts";
import { mapped, operand, unsupported } from "./lower-common.ts";
import type { QTensor, Window } from "./qgraph.ts";

function floats(t: Tensor): Float64Array {
  return Float64Array.from(t.data as ArrayLike<number>);
}

/** A bias the op can absorb: a constant whose every axis but the last is 1, of length n. */
function biasValues(c: Tensor | undefined, n: number): Float64Array | undefined {
  if (!c || c.dtype === "string") return undefined;
  const s = c.shape;
  if (s.slice(0, -1).some((d) => d !== 1)) return undefined;
  const len = sizeOf(s);
  if (len === n) return floats(c);
  if (len === 1) return new Float64Array(n).fill(Number((c.data as ArrayLike<number>)[0]));
  return undefined;
}

/** Emits linear + requant for x·wᵀ + bias, w as [N, K] (dense) or [O, C/g, ...k] (conv). */
function emitLinear(
  ctx: LowerCtx, node: GraphNode, x: QTensor, wName: string, wShape: number[], w: Float64Array,
  bias: { name: string; values: Float64Array } | undefined, out: string, conv?: { group: number; window: Window },
): void {
  const { tensor: wt, channels } = ctx.weight(ctx.fresh(wName), wShape, w);
  const kAcc = x.k + wt.k;
  const b = bias ? ctx.bias(ctx.fresh(bias.name), [wShape[0]!], bias.values, kAcc, channels) : undefined;
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), kAcc);
  const inputs = b ? [x.name, wt.name, b.name] : [x.name, wt.name];
  if (conv) ctx.op({ kind: "linear", form: "conv", source: node.id, inputs, output: acc.name, group: conv.group, window: conv.window });
  else ctx.op({ kind: "linear", form: "dense", source: node.id, inputs, output: acc.name });
  // Output channels: axis 1 of a conv's [B, O, …], the last axis of a dense output.
  ctx.requantTo(node, acc, out, true, channels && { axis: conv ? 1 : acc.shape.length - 1, rel: channels });
}

/** Follows `out` into a sole Add of a bias constant; returns the bias and the new output. */
function foldBiasAdd(ctx: LowerCtx, out: string, n: number): { bias?: { name: string; values: Float64Array }; out: string } {
  const add = ctx.soleConsumer(out);
  if (!add || add.opType !== "Add") return { out };
  const other = add.inputs[0] === out ? add.inputs[1]! : add.inputs[0]!;
  const values = biasValues(ctx.constant(other), n);
  if (!values || ctx.shapeOf(add.outputs[0]!).length !== ctx.shapeOf(out).length) return { out };
  ctx.done.add(add);
  return { bias: { name: other, values }, out: add.outputs[0]! };
}

export function lowerGemm(ctx: LowerCtx, node: GraphNode): void {
  const a = new Attrs(node.attributes, node.id);
  const W = ctx.constant(node.inputs[1]!);
  if (!W) {
    lowerGemm2(ctx, node);
    return;
  }
  let x = ctx.input(node, node.inputs[0]!);
  if (a.int("transA", 0) !== 0) {
    // Aᵀ by an index map (a transpose relabels for free), then the usual dense op.
    x = transposed(ctx, node, x, node.inputs[0]!);
  }
  const alpha = a.float("alpha", 1), beta = a.float("beta", 1);
  const [r, c] = W.shape as [number, number];
  const transB = a.int("transB", 0) !== 0;
  const N = transB ? r : c, K = transB ? c : r;
  const wd = W.data as ArrayLike<number>;
  const w = new Float64Array(N * K);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) w[n * K + k] = alpha * wd[transB ? n * K + k : k * N + n]!;
  let bias: { name: string; values: Float64Array } | undefined;
  const cName = node.inputs[2];
  if (cName) {
    const values = biasValues(ctx.constant(cName), N);
    if (!values) throw unsupported(node, "a Gemm C that is not a constant vector");
    bias = { name: cName, values: values.map((v) => v * beta) };
  }
  emitLinear(ctx, node, x, node.inputs[1]!, [N, K], w, bias, node.outputs[0]!);
}

/** A 2-D operand's transpose by an index map (a relabeling: free in the proof). */
function transposed(ctx: LowerCtx, node: GraphNode, t: QTensor, name: string): QTensor {
  return mapped(ctx, node, t, [t.shape[1]!, t.shape[0]!], { type: "transpose", perm: [1, 0] }, `${name}::T`);
}

/**
 * Gemm of two activations (torch's addmm/mm): matmul2, the transposes as index maps, alpha in
 * the requant; C (a constant, or an activation when beta = alpha) added at the product's scale.
 */
function lowerGemm2(ctx: LowerCtx, node: GraphNode): void {
  const a = new Attrs(node.attributes, node.id);
  const alpha = a.float("alpha", 1), beta = a.float("beta", 1);
  if (!(alpha > 0)) throw unsupported(node, `a Gemm of two activations with alpha ${alpha} (it must be positive)`);
  const side = (name: string, trans: boolean): QTensor => {
    const t = operand(ctx, node, name);
    return trans ? transposed(ctx, node, t, name) : t;
  };
  const A = side(node.inputs[0]!, a.int("transA", 0) !== 0), B = side(node.inputs[1]!, a.int("transB", 0) !== 0);
  const out = node.outputs[0]!;
  let acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), A.k + B.k);
  ctx.op({ kind: "matmul2", source: node.id, inputs: [A.name, B.name], output: acc.name });
  const cName = node.inputs[2];
  if (cName && beta !== 0) {
    const C = ctx.constant(cName);
    let c: QTensor;
    if (C) c = ctx.bias(ctx.fresh(cName), C.shape, Array.from(C.data as ArrayLike<number>, (v) => (Number(v) * beta) / alpha), acc.k);
    else if (beta === alpha) c = ctx.input(node, cName);
    else throw unsupported(node, "a Gemm whose C is an activation and beta differs from alpha");
    const K = Math.max(acc.k, c.k);
    const sum = ctx.acc(ctx.fresh(`${out}::sum`), acc.shape, K);
    ctx.op({ kind: "add", source: node.id, inputs: [acc.name, c.name], output: sum.name, coeffs: [2 ** (K - acc.k), 2 ** (K - c.k)] });
    acc = sum;
  }
  if (alpha === 1) ctx.requantTo(node, acc, out);
  else {
    const y = ctx.activation(out, { signed: true });
    ctx.requant(node.id, acc, alpha, y);
  }
}

export function lowerMatMul(ctx: LowerCtx, node: GraphNode): void {
  const [an, bn] = node.inputs as [string, string];
  const B = ctx.constant(bn);
  if (B && B.shape.length === 2 && !ctx.constant(an)) {
    const [K, N] = B.shape as [number, number];
    const bd = B.data as ArrayLike<number>;
    const w = new Float64Array(N * K);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) w[n * K + k] = bd[k * N + n]!;
    const { bias, out } = foldBiasAdd(ctx, node.outputs[0]!, N);
    emitLinear(ctx, node, ctx.input(node, an), bn, [N, K], w, bias, out);
    return;
  }
  const a = operand(ctx, node, an), b = operand(ctx, node, bn);
  if (a.shape.length < 2 || b.shape.length < 2) throw unsupported(node, "a MatMul of vectors");
  const out = node.outputs[0]!;
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), a.k + b.k);
  ctx.op({ kind: "matmul2", source: node.id, inputs: [a.name, b.name], output: acc.name });
  ctx.requantTo(node, acc, out);
}

export function lowerConv(ctx: LowerCtx, node: GraphNode): void {
  const W = ctx.constant(node.inputs[1]!);
  if (!W) throw unsupported(node, "a Conv whose weight is not a constant");
  const x = ctx.input(node, node.inputs[0]!);
  const spatial = x.shape.slice(2);
  if (spatial.length < 1 || spatial.length > 3) throw unsupported(node, `a ${spatial.length}-D convolution`);
  const attrs = new Attrs(node.attributes, node.id);
  const win = slidingWindow({ node: node.id }, attrs, spatial, W.shape.slice(2));
  const O = W.shape[0]!, per = sizeOf(W.shape.slice(1));
  const w = floats(W);
  const b = node.inputs[2] ? floats(ctx.constant(node.inputs[2])!) : new Float64Array(O);
  let out = node.outputs[0]!;
  let biasName = node.inputs[2] || `${node.id}::bias`;
  // BatchNormalization right after the conv folds into its weights and bias.
  const bn = ctx.soleConsumer(out);
  const bnParams = bn?.opType === "BatchNormalization" ? bn.inputs.slice(1, 5).map((n) => ctx.constant(n)) : [];
  if (bn && bnParams.length === 4 && bnParams.every((t) => t)) {
    const [scale, beta, mean, variance] = bnParams.map((t) => floats(t!)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const eps = new Attrs(bn.attributes, bn.id).float("epsilon", 1e-5);
    for (let o = 0; o < O; o++) {
      const f = scale[o]! / Math.sqrt(variance[o]! + eps);
      for (let i = 0; i < per; i++) w[o * per + i] = w[o * per + i]! * f;
      b[o] = (b[o]! - mean[o]!) * f + beta[o]!;
    }
    ctx.done.add(bn);
    out = bn.outputs[0]!;
    biasName = `${node.id}::bias`;
  }
  const group = attrs.int("group", 1);
  const window = opWindow(win);
  const hasBias = Boolean(node.inputs[2]) || out !== node.outputs[0];
  emitLinear(ctx, node, x, node.inputs[1]!, [...W.shape], w, hasBias ? { name: biasName, values: b } : undefined, out, { group, window });
}

/**
 * ConvTranspose as an ordinary conv: the input upsampled with zeros between (an index map,
 * o = stride·i + dilation·(k−1) − padBegin per spatial axis, which also pads or crops the
 * borders), then a stride-1 conv by the kernel flipped in space with its channel axes swapped
 * per group: Σ_t up[p + d·t]·w[k−1−t] = Σ_{i, t: p = s·i − pb + d·t} x[i]·w[t], the definition.
 */
export function lowerConvTranspose(ctx: LowerCtx, node: GraphNode): void {
  const W = ctx.constant(node.inputs[1]!);
  if (!W) throw unsupported(node, "a ConvTranspose whose weight is not a constant");
  const x = ctx.input(node, node.inputs[0]!);
  const spatial = x.shape.slice(2), r = spatial.length;
  if (r < 1 || r > 3) throw unsupported(node, `a ${r}-D transposed convolution`);
  const attrs = new Attrs(node.attributes, node.id);
  const kernel = W.shape.slice(2);
  const win = transposedWindow({ node: node.id }, attrs, spatial, kernel);
  const group = attrs.int("group", 1);
  const [C, Mg] = W.shape as [number, number];
  const Cg = C / group, M = Mg * group, kprod = sizeOf(kernel);
  // The upsampled input: long enough for a stride-1, unpadded conv to give win.out.
  const starts = [0, 0, ...kernel.map((k, d) => win.dilations[d]! * (k - 1) - win.padBegin[d]!)];
  const upShape = [x.shape[0]!, x.shape[1]!, ...win.out.map((o, d) => o + win.dilations[d]! * (kernel[d]! - 1))];
  const up = mapped(ctx, node, x, upShape, { type: "upsample", factors: [1, 1, ...win.strides], starts }, `${node.id}::upsampled`);
  // Conv weight [M, Cg, k…]: w'[g·Mg + m, c, t] = W[g·Cg + c, m, k−1−t].
  const wd = W.data as ArrayLike<number>, w = new Float64Array(M * Cg * kprod);
  for (let g = 0; g < group; g++) {
    for (let m = 0; m < Mg; m++) {
      for (let c = 0; c < Cg; c++) {
        for (let t = 0; t < kprod; t++) w[((g * Mg + m) * Cg + c) * kprod + t] = Number(wd[((g * Cg + c) * Mg + m) * kprod + (kprod - 1 - t)]);
      }
    }
  }
  const ones = kernel.map(() => 1), zeros = kernel.map(() => 0);
  const window: Window = { kernel, strides: ones, dilations: win.dilations, padBegin: zeros, padEnd: zeros };
  const B = node.inputs[2] ? ctx.constant(node.inputs[2]) : undefined;
  if (node.inputs[2] && !B) throw unsupported(node, "a ConvTranspose whose bias is not a constant");
  const bias = B ? { name: node.inputs[2]!, values: floats(B) } : undefined;
  emitLinear(ctx, node, up, node.inputs[1]!, [M, Cg, ...kernel], w, bias, node.outputs[0]!, { group, window });
}
