// Lowering of the transformer parts into primitive integer ops: Softmax (max-shift, exp by
// table, row sum, reciprocal by table, multiply), LayerNormalization (mean, centred values,
// variance, rsqrt by table, multiply, affine) and the exported GELU subgraph (one table).
import { Attrs, type GraphNode, type Tensor } from "../graph/index.ts";
import { typeMin } from "./fixed.ts";
import type { LowerCtx } from "./lower-context.ts";
import { emitMap, mapped, unsupported } from "./lower-common.ts";
import { lowerTable } from "./lower-ops.ts";
import type { QTensor, QType } from "./qgraph.ts";

/** exp's input after the max shift: [−16, 16) at 1/256 (exp(−16) is below one output step). */
export const SOFTMAX_EXP_IN: QType = { k: 8, bits: 13, signed: true };
/** exp's output over a domain ≤ 0: [0, 1] at 2^−13 (two such factors stay under 2^29). */
export const SOFTMAX_EXP_OUT: QType = { k: 13, bits: 14, signed: false };
/** 1/S for a row sum S ≥ 1: (0, 1] at 2^−13. */
export const SOFTMAX_RECIP_OUT: QType = { k: 13, bits: 14, signed: false };

/** The axis an attribute names (negative counts from the end), checked against the rank. */
function axisOf(node: GraphNode, x: QTensor, axis: number): number {
  const r = x.shape.length, a = axis < 0 ? axis + r : axis;
  if (!Number.isInteger(a) || a < 0 || a >= r) throw unsupported(node, `axis ${axis} of a rank-${r} input`);
  return a;
}

/**
 * Softmax's axis. Opset 13 normalizes along it alone; earlier opsets over every dimension from it
 * on (the input flattened to 2-D), the same thing when the dimensions after it are all 1.
 */
function softmaxAxis(node: GraphNode, x: QTensor, axis: number, opset: number): number {
  const a = axisOf(node, x, axis);
  if (opset >= 13) return a;
  // The flattened block is one dimension when at most one of those from `a` on is not 1.
  const wide = x.shape.map((d, i) => i).filter((i) => i >= a && x.shape[i] !== 1);
  if (wide.length > 1) throw unsupported(node, `a Softmax of opset ${opset} over the flattened dimensions ${a}… of [${x.shape.join(",")}] (re-export with opset ≥ 13, or reshape so the normalized dimensions are one)`);
  return wide[0] ?? a;
}

/** The shape of one value per row along `axis` (the reduced axis kept as 1). */
function rowShapeOf(x: QTensor, axis = x.shape.length - 1): number[] {
  return x.shape.map((d, i) => (i === axis ? 1 : d));
}

/**
 * What Softmax and LogSoftmax share: the row max m, the shifted d = x − m (x's scale), e = exp(d)
 * by table (masked entries 0) and the row sum S of e requantized to 14 bits.
 */
function expRows(ctx: LowerCtx, node: GraphNode) {
  const x = ctx.input(node, node.inputs[0]!);
  const opsetDefault = ctx.g.opset >= 13 ? -1 : 1;
  // Any axis: the row max and sum are kept as 1 along it and broadcast back.
  const axis = softmaxAxis(node, x, new Attrs(node.attributes, node.id).int("axis", opsetDefault), ctx.g.opset);
  const id = node.id, n = x.shape[axis]!, rows = rowShapeOf(x, axis);
  const m = ctx.tensor(ctx.fresh(`${id}::max`), rows, x, "activation");
  ctx.op({ kind: "reducemax", source: id, inputs: [x.name], output: m.name, axis });
  const d = ctx.acc(ctx.fresh(`${id}::shifted`), x.shape, x.k);
  ctx.op({ kind: "add", source: id, inputs: [x.name, m.name], output: d.name, coeffs: [1, -1] });
  const din = ctx.internal(ctx.fresh(`${id}::exp_in`), x.shape, { signed: true, fixed: SOFTMAX_EXP_IN });
  ctx.requant(id, d, 1, din, typeMin(din), 0);
  const e = ctx.internal(ctx.fresh(`${id}::exp`), x.shape, { signed: false, fixed: SOFTMAX_EXP_OUT });
  ctx.op({ kind: "lookup", source: id, inputs: [din.name], output: e.name, table: ctx.table({ fn: "exp", params: {}, input: din, output: e }, id) });
  let ev = e;
  const mask = ctx.lowMasks.get(x.name);
  if (mask) {
    // Entries masked to −∞ contribute exactly 0.
    ev = ctx.tensor(ctx.fresh(`${id}::exp_masked`), x.shape, e, "activation");
    ctx.op({ kind: "select", source: id, inputs: [e.name, mask], output: ev.name, fill: 0 });
  }
  const s = ctx.acc(ctx.fresh(`${id}::sum`), rows, e.k);
  ctx.op({ kind: "rowsum", source: id, inputs: [ev.name], output: s.name, axis });
  const sumBits = 14;
  const sq = ctx.internal(ctx.fresh(`${id}::sum_q`), rows, { signed: false, fixed: { k: sumBits - Math.ceil(Math.log2(n + 1)), bits: sumBits, signed: false } });
  ctx.requant(id, s, 1, sq);
  return { id, n, rows, d, ev, sq };
}

export function lowerSoftmax(ctx: LowerCtx, node: GraphNode): void {
  const { id, rows, ev, sq } = expRows(ctx, node);
  const rc = ctx.internal(ctx.fresh(`${id}::recip`), rows, { signed: false, fixed: SOFTMAX_RECIP_OUT });
  ctx.op({ kind: "lookup", source: id, inputs: [sq.name], output: rc.name, table: ctx.table({ fn: "reciprocal", params: {}, input: sq, output: rc }, id) });
  const p = ctx.acc(ctx.fresh(`${id}::prob`), ev.shape, ev.k + rc.k);
  ctx.op({ kind: "mul", source: id, inputs: [ev.name, rc.name], output: p.name });
  ctx.requantTo(node, p, node.outputs[0]!, false);
}

/** LogSoftmax: d − log S, log S ∈ [0, ln n] by table (14 bits). */
export function lowerLogSoftmax(ctx: LowerCtx, node: GraphNode): void {
  const { id, n, rows, d, sq } = expRows(ctx, node);
  const top = Math.max(1, Math.log(n));
  const lg = ctx.internal(ctx.fresh(`${id}::log_sum`), rows, { signed: false, fixed: { k: Math.floor(Math.log2((2 ** 14 - 1) / top)), bits: 14, signed: false } });
  ctx.op({ kind: "lookup", source: id, inputs: [sq.name], output: lg.name, table: ctx.table({ fn: "log", params: {}, input: sq, output: lg }, id) });
  const K = Math.max(d.k, lg.k);
  const y = ctx.acc(ctx.fresh(`${id}::log_prob`), d.shape, K);
  ctx.op({ kind: "add", source: id, inputs: [d.name, lg.name], output: y.name, coeffs: [2 ** (K - d.k), -(2 ** (K - lg.k))] });
  ctx.requantTo(node, y, node.outputs[0]!);
}

/** Widths inside LayerNormalization (the input itself is capped at 13 bits by the limits). */
const LN_BITS = { sq: 16, var: 12, rsqrt: 14, norm: 12, gamma: 12 };

/**
 * (x − mean) / √(var + ε) along x's last axis, as 12-bit `${id}::norm`: the row mean by rowsum
 * and requant, centred values, their squares (16-bit) summed, the variance (12-bit), rsqrt by
 * table, the product. The internals' types come from statistics keyed by `id` (normInternals).
 */
function normalizeLastAxis(ctx: LowerCtx, id: string, x: QTensor, eps: number): QTensor {
  const r = x.shape.length, n = x.shape[r - 1]!, rows = rowShapeOf(x);
  const s1 = ctx.acc(ctx.fresh(`${id}::sum`), rows, x.k);
  ctx.op({ kind: "rowsum", source: id, inputs: [x.name], output: s1.name, axis: r - 1 });
  const mean = ctx.tensor(ctx.fresh(`${id}::mean`), rows, x, "activation");
  ctx.requant(id, s1, 1 / n, mean);
  const c = ctx.acc(ctx.fresh(`${id}::centred`), x.shape, x.k);
  ctx.op({ kind: "add", source: id, inputs: [x.name, mean.name], output: c.name, coeffs: [1, -1] });
  // Squares are requantized before the row sum so that the sum stays under 2^29.
  const c2 = ctx.acc(ctx.fresh(`${id}::square`), x.shape, 2 * x.k);
  ctx.op({ kind: "mul", source: id, inputs: [c.name, c.name], output: c2.name });
  const sq = ctx.internal(ctx.fresh(`${id}::sq`), x.shape, { signed: false, stat: `${id}::sq`, bits: LN_BITS.sq, fullRange: true });
  ctx.requant(id, c2, 1, sq);
  const vs = ctx.acc(ctx.fresh(`${id}::sq_sum`), rows, sq.k);
  ctx.op({ kind: "rowsum", source: id, inputs: [sq.name], output: vs.name, axis: r - 1 });
  const v = ctx.internal(ctx.fresh(`${id}::var`), rows, { signed: false, stat: `${id}::var`, bits: LN_BITS.var, fullRange: true });
  ctx.requant(id, vs, 1 / n, v);
  const rs = ctx.internal(ctx.fresh(`${id}::rsqrt`), rows, { signed: false, stat: `${id}::rsqrt`, bits: LN_BITS.rsqrt, fullRange: true });
  ctx.op({ kind: "lookup", source: id, inputs: [v.name], output: rs.name, table: ctx.table({ fn: "rsqrt", params: { eps }, input: v, output: rs }, id) });
  const scaled = ctx.acc(ctx.fresh(`${id}::scaled`), x.shape, c.k + rs.k);
  ctx.op({ kind: "mul", source: id, inputs: [c.name, rs.name], output: scaled.name });
  const norm = ctx.internal(ctx.fresh(`${id}::norm`), x.shape, { signed: true, stat: `${id}::norm`, bits: LN_BITS.norm });
  ctx.requant(id, scaled, 1, norm);
  return norm;
}

/** norm ⊙ γ + β (constants of `shape`, broadcast over norm), an accumulator. */
function affine(ctx: LowerCtx, node: GraphNode, norm: QTensor, shape: number[] | undefined): QTensor {
  const id = node.id, what = node.opType;
  const gamma = ctx.constant(node.inputs[1]!);
  if (!gamma) throw unsupported(node, `a ${what} scale that is not a constant`);
  const beta = node.inputs[2] ? ctx.constant(node.inputs[2]) : undefined;
  if (node.inputs[2] && !beta) throw unsupported(node, `a ${what} bias that is not a constant`);
  const g = ctx.constTensor(ctx.fresh(node.inputs[1]!), shape ?? gamma.shape, gamma.data as ArrayLike<number>, "const", { bits: LN_BITS.gamma });
  let acc = ctx.acc(ctx.fresh(`${id}::gamma`), norm.shape, norm.k + g.k);
  ctx.op({ kind: "mul", source: id, inputs: [norm.name, g.name], output: acc.name });
  if (beta) {
    const b = ctx.bias(ctx.fresh(node.inputs[2]!), shape ?? beta.shape, beta.data as ArrayLike<number>, acc.k);
    const sum = ctx.acc(ctx.fresh(`${id}::affine`), norm.shape, acc.k);
    ctx.op({ kind: "add", source: id, inputs: [acc.name, b.name], output: sum.name, coeffs: [1, 1] });
    acc = sum;
  }
  return acc;
}

/**
 * LayerNormalization over the axes from `axis` on: the last axis directly; earlier ones through
 * a view with those axes flattened into one (γ and β flattened alike).
 */
export function lowerLayerNorm(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const a = new Attrs(node.attributes, node.id);
  if (node.outputs.slice(1).some((o) => o)) throw unsupported(node, "LayerNormalization's mean and inverse-deviation outputs");
  const eps = a.float("epsilon", 1e-5), axis = axisOf(node, x, a.int("axis", -1)), r = x.shape.length;
  if (axis === r - 1) {
    ctx.requantTo(node, affine(ctx, node, normalizeLastAxis(ctx, node.id, x, eps), undefined), node.outputs[0]!);
    return;
  }
  const n = x.shape.slice(axis).reduce((p, d) => p * d, 1);
  normalizeView(ctx, node, x, [...x.shape.slice(0, axis), n], [n], eps);
}

/**
 * InstanceNormalization (style transfer, GANs): x [N, C, …] viewed as [N, C, H·W…], normalized
 * along the last axis like LayerNorm, scaled and shifted per channel, viewed back.
 */
export function lowerInstanceNorm(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  if (x.shape.length < 3) throw unsupported(node, `an InstanceNormalization of a rank-${x.shape.length} input`);
  const [N, C] = x.shape as [number, number], S = x.shape.slice(2).reduce((p, d) => p * d, 1);
  normalizeView(ctx, node, x, [N, C, S], [C, 1], new Attrs(node.attributes, node.id).float("epsilon", 1e-5));
}

/** x reshaped to `view`, normalized along its last axis, γ/β of `affineShape`, reshaped back to the output. */
function normalizeView(ctx: LowerCtx, node: GraphNode, x: QTensor, view: number[], affineShape: number[], eps: number): void {
  const id = node.id, out = node.outputs[0]!;
  const flat = mapped(ctx, node, x, view, { type: "reshape" }, `${id}::flat`);
  const acc = affine(ctx, node, normalizeLastAxis(ctx, id, flat, eps), affineShape);
  // The output's statistics choose its type; the reshape back keeps it.
  const y = ctx.internal(ctx.fresh(`${out}::flat`), view, { signed: true, stat: out, maxBits: ctx.limits.get(out) });
  ctx.requant(id, acc, 1, y);
  emitMap(ctx, node, [y], { type: "reshape" }, out);
}

/**
 * The float values inside a LayerNormalization, keyed like the statistics its lowering asks
 * for: squares of the centred values, row variances, their rsqrt, the normalized values.
 */
export function layerNormInternals(node: GraphNode, x: Tensor): Record<string, Float64Array> {
  // InstanceNormalization normalizes [N, C, …] over everything after C, LayerNormalization over
  // everything from its axis: the same rows, flattened.
  const from = node.opType === "InstanceNormalization" ? 2 : (() => { const v = new Attrs(node.attributes, node.id).int("axis", -1); return v < 0 ? v + x.shape.length : v; })();
  if (from < x.shape.length - 1) x = { ...x, shape: [...x.shape.slice(0, from), x.shape.slice(from).reduce((p, d) => p * d, 1)] };
  const eps = new Attrs(node.attributes, node.id).float("epsilon", 1e-5);
  const d = x.data as ArrayLike<number>;
  const n = x.shape[x.shape.length - 1]!, rows = d.length / n;
  const sq = new Float64Array(d.length), norm = new Float64Array(d.length);
  const variance = new Float64Array(rows), rsqrt = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[r * n + i]!;
    const mu = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const c = d[r * n + i]! - mu;
      sq[r * n + i] = c * c;
      v += c * c;
    }
    variance[r] = v / n;
    rsqrt[r] = 1 / Math.sqrt(variance[r]! + eps);
    for (let i = 0; i < n; i++) norm[r * n + i] = (d[r * n + i]! - mu) * rsqrt[r]!;
  }
  const id = node.id;
  return { [`${id}::sq`]: sq, [`${id}::var`]: variance, [`${id}::rsqrt`]: rsqrt, [`${id}::norm`]: norm };
}

/**
 * The GELU subgraph torch exports, Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5, becomes one
 * gelu table on x. Returns false (and lowers nothing) when `node` does not start it.
 */
export function lowerGeluPattern(ctx: LowerCtx, node: GraphNode): boolean {
  if (node.opType !== "Div") return false;
  const c = ctx.scalar(node.inputs[1]!);
  if (c === undefined || Math.abs(c - Math.SQRT2) > 1e-4) return false;
  const x = node.inputs[0]!;
  const erf = ctx.soleConsumer(node.outputs[0]!);
  if (erf?.opType !== "Erf") return false;
  const add = ctx.soleConsumer(erf.outputs[0]!);
  const one = add?.opType === "Add" ? ctx.scalar(add.inputs[0] === erf.outputs[0] ? add.inputs[1]! : add.inputs[0]!) : undefined;
  if (!add || one !== 1) return false;
  const mul = ctx.soleConsumer(add.outputs[0]!);
  if (mul?.opType !== "Mul" || !mul.inputs.includes(x)) return false;
  const half = ctx.soleConsumer(mul.outputs[0]!);
  const h = half?.opType === "Mul" ? ctx.scalar(half.inputs[0] === mul.outputs[0] ? half.inputs[1]! : half.inputs[0]!) : undefined;
  if (!half || h !== 0.5) return false;
  for (const n of [erf, add, mul, half]) ctx.done.add(n);
  lowerTable(ctx, node, "gelu", {}, ctx.input(node, x), half.outputs[0]!, true);
  return true;
}
