// Lowering of elementwise, table, pooling and reduction ops into primitive integer ops (the ops
// that move elements are in lower-shape.ts).
import { sizeOf, slidingWindow, type GraphNode, type Tensor } from "../graph/index.ts";
import { signedBitsFor, typeMax, unsignedBitsFor } from "./fixed.ts";
import { opWindow, type LowerCtx } from "./lower-context.ts";
import { attrsOf, constInts, emitMap, lowerIdentity, mapped, operand, unsupported } from "./lower-common.ts";
import { SHAPE_LOWERINGS } from "./lower-shape.ts";
import type { QTensor, QType, Window } from "./qgraph.ts";

// ---- Add / Sub / Mul / Div ------------------------------------------------------------

function lowerAddSub(ctx: LowerCtx, node: GraphNode): void {
  const a = operand(ctx, node, node.inputs[0]!), b = operand(ctx, node, node.inputs[1]!);
  const K = Math.max(a.k, b.k);
  const sign = node.opType === "Sub" ? -1 : 1;
  const out = node.outputs[0]!;
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), K);
  ctx.op({ kind: "add", source: node.id, inputs: [a.name, b.name], output: acc.name, coeffs: [2 ** (K - a.k), sign * 2 ** (K - b.k)] });
  ctx.requantTo(node, acc, out);
}

/**
 * Sum (or Mean) of n inputs: one is the identity; more is a chain of two-input adds at the finest
 * input scale (so every partial sum is exact), in input order, then one requant into the output
 * (by 1/n for a Mean).
 */
function lowerSum(ctx: LowerCtx, node: GraphNode): void {
  const names = node.inputs.filter((n) => n !== "");
  if (names.length === 0) throw unsupported(node, `a ${node.opType} with no inputs`);
  if (names.length === 1) {
    ctx.qOf.set(node.outputs[0]!, ctx.input(node, names[0]!).name);
    return;
  }
  const xs = names.map((n) => operand(ctx, node, n));
  const K = Math.max(...xs.map((x) => x.k));
  const out = node.outputs[0]!, outShape = ctx.shapeOf(out);
  let acc = xs[0]!, coeff = 2 ** (K - acc.k);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    const shape = i === xs.length - 1 ? outShape : prefixShape(outShape, xs.slice(0, i + 1).map((t) => t.shape));
    const next = ctx.acc(ctx.fresh(`${out}::acc`), shape, K);
    ctx.op({ kind: "add", source: node.id, inputs: [acc.name, x.name], output: next.name, coeffs: [coeff, 2 ** (K - x.k)] });
    acc = next;
    coeff = 1;
  }
  if (node.opType === "Mean") reduceScale(ctx, node, acc, 1 / xs.length, out, xs.some((x) => x.signed));
  else ctx.requantTo(node, acc, out);
}

/** The broadcast shape of some of the inputs of an op whose output shape (all of them broadcast) is `out`. */
function prefixShape(out: readonly number[], shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return out.slice(out.length - rank).map((d, i) => (shapes.some((s) => (s[s.length - rank + i] ?? 1) !== 1) ? d : 1));
}

function lowerMul(ctx: LowerCtx, node: GraphNode): void {
  const [an, bn] = node.inputs as [string, string];
  const out = node.outputs[0]!;
  const c = ctx.scalar(bn) ?? ctx.scalar(an);
  const x = ctx.constant(an) ? bn : an;
  if (c !== undefined && c > 0 && Number.isFinite(c) && !ctx.constant(x)) {
    scaleBy(ctx, node, ctx.input(node, x), c, out);
    return;
  }
  const a = operand(ctx, node, an), b = operand(ctx, node, bn);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), a.k + b.k);
  ctx.op({ kind: "mul", source: node.id, inputs: [a.name, b.name], output: acc.name });
  ctx.requantTo(node, acc, out);
}

/**
 * a / c for a positive constant scalar: one requant. a / C for any other constant: a times the
 * constant 1/C. a / b for an activation b: a times 1/b by a reciprocal table (what older exports
 * of LayerNorm do, x / √(var + ε)), 1/b's type calibrated from its observed values (divInternals).
 */
function lowerDiv(ctx: LowerCtx, node: GraphNode): void {
  const [an, bn] = node.inputs as [string, string];
  const out = node.outputs[0]!;
  const c = ctx.scalar(bn);
  if (c !== undefined && c > 0 && Number.isFinite(c) && !ctx.constant(an)) {
    scaleBy(ctx, node, ctx.input(node, an), 1 / c, out);
    return;
  }
  const a = operand(ctx, node, an);
  const divisor = ctx.constant(bn);
  let r: QTensor;
  if (divisor) {
    const inv = Array.from(divisor.data as ArrayLike<number>, (v) => 1 / Number(v));
    if (!inv.every(Number.isFinite)) throw unsupported(node, "division by a constant that holds 0");
    r = ctx.constTensor(ctx.fresh(`${node.id}::recip`), divisor.shape, inv, "const");
  } else {
    const b = ctx.input(node, bn);
    r = ctx.internal(ctx.fresh(`${node.id}::recip`), b.shape, { signed: b.signed, stat: `${node.id}::recip`, fullRange: true });
    ctx.op({ kind: "lookup", source: node.id, inputs: [b.name], output: r.name, table: ctx.table({ fn: "reciprocal", params: {}, input: { k: b.k, bits: b.bits, signed: b.signed }, output: { k: r.k, bits: r.bits, signed: r.signed } }, node.id) });
  }
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), a.k + r.k);
  ctx.op({ kind: "mul", source: node.id, inputs: [a.name, r.name], output: acc.name });
  ctx.requantTo(node, acc, out);
}

/** The reciprocals of a Div's activation divisor (keyed like the lowering's request; 1/0 left out). */
export function divInternals(node: GraphNode, b: Tensor): Record<string, Float64Array> {
  const d = b.data as ArrayLike<number>, inv = new Float64Array(d.length);
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) inv[n++] = 1 / d[i]!;
  return { [`${node.id}::recip`]: inv.subarray(0, n) };
}

/** y = f·x as one requant (multiplier M, shift s). */
function scaleBy(ctx: LowerCtx, node: GraphNode, x: QTensor, f: number, out: string): void {
  const y = ctx.activation(out, { signed: x.signed });
  ctx.requant(node.id, x, f, y);
}

// ---- unary functions as tables ---------------------------------------------------------

interface UnarySpec {
  fn: string;
  params(node: GraphNode, ctx: LowerCtx): Record<string, number>;
  /** Whether outputs can be negative (x: whether inputs can be). */
  signed(params: Record<string, number>, x: boolean): boolean;
}

const none = () => ({});
const UNARY: Record<string, UnarySpec> = {
  Relu: { fn: "relu", params: none, signed: () => false },
  LeakyRelu: { fn: "leakyrelu", params: (n) => ({ alpha: attrsOf(n).float("alpha", 0.01) }), signed: () => true },
  Sigmoid: { fn: "sigmoid", params: none, signed: () => false },
  Tanh: { fn: "tanh", params: none, signed: () => true },
  Erf: { fn: "erf", params: none, signed: () => true },
  Exp: { fn: "exp", params: none, signed: () => false },
  Reciprocal: { fn: "reciprocal", params: none, signed: () => true },
  Sqrt: { fn: "sqrt", params: none, signed: () => false },
  Softplus: { fn: "softplus", params: none, signed: () => false },
  Gelu: { fn: "gelu", params: none, signed: () => true },
  Clip: {
    fn: "clip",
    params(n, ctx) {
      const a = attrsOf(n);
      const min = n.inputs[1] ? ctx.scalar(n.inputs[1]) : a.float("min", -Infinity);
      const max = n.inputs[2] ? ctx.scalar(n.inputs[2]) : a.float("max", Infinity);
      if (min === undefined || max === undefined) throw unsupported(n, "a Clip with non-constant bounds");
      return { min: Math.max(min, -1e30), max: Math.min(max, 1e30) };
    },
    signed: (p) => p.min! < 0,
  },
  HardSigmoid: { fn: "hardsigmoid", params: (n) => ({ alpha: attrsOf(n).float("alpha", 0.2), beta: attrsOf(n).float("beta", 0.5) }), signed: () => false },
  HardSwish: { fn: "hardswish", params: none, signed: (_, x) => x },
  Elu: { fn: "elu", params: (n) => ({ alpha: attrsOf(n).float("alpha", 1) }), signed: (_, x) => x },
  Selu: { fn: "selu", params: (n) => ({ alpha: attrsOf(n).float("alpha", 1.67326319217681884765625), gamma: attrsOf(n).float("gamma", 1.05070102214813232421875) }), signed: (_, x) => x },
  Softsign: { fn: "softsign", params: none, signed: (_, x) => x },
  Abs: { fn: "abs", params: none, signed: () => false },
  Neg: { fn: "neg", params: none, signed: () => true },
  Log: { fn: "log", params: none, signed: () => true },
  Sign: { fn: "sign", params: none, signed: (_, x) => x },
  Round: { fn: "round", params: none, signed: (_, x) => x },
  Floor: { fn: "floor", params: none, signed: (_, x) => x },
  Ceil: { fn: "ceil", params: none, signed: (_, x) => x },
  Sin: { fn: "sin", params: none, signed: () => true },
  Cos: { fn: "cos", params: none, signed: () => true },
  Shrink: { fn: "shrink", params: (n) => ({ bias: attrsOf(n).float("bias", 0), lambd: attrsOf(n).float("lambd", 0.5) }), signed: () => true },
  Pow: {
    fn: "pow",
    params(n, ctx) {
      const e = ctx.scalar(n.inputs[1]!);
      if (e === undefined) throw unsupported(n, "a Pow whose exponent is not a constant scalar");
      return { exponent: e };
    },
    // An even power is never negative; an odd one keeps the sign.
    signed: (p, x) => x && !(Number.isInteger(p.exponent!) && p.exponent! % 2 === 0),
  },
};

/**
 * Max/Min of two inputs. With a constant scalar: a table (max(x, c), min(x, c)). Otherwise
 * max(a, b) = b + relu(a − b) and min(a, b) = a − relu(a − b), the relu a requant's clamp at 0.
 */
function lowerMaxMin(ctx: LowerCtx, node: GraphNode): void {
  const names = node.inputs.filter((n) => n !== "");
  const max = node.opType === "Max", out = node.outputs[0]!;
  if (names.length === 0) throw unsupported(node, `a ${node.opType} with no inputs`);
  if (names.length === 1) {
    lowerIdentity(ctx, node);
    return;
  }
  const [an, bn] = names as [string, string];
  const ca = ctx.scalar(an), cb = ctx.scalar(bn);
  if (names.length === 2 && (ca !== undefined || cb !== undefined)) {
    const x = ctx.input(node, cb !== undefined ? an : bn), c = (cb ?? ca)!;
    lowerTable(ctx, node, max ? "max" : "min", { c }, x, out, max ? x.signed && c < 0 : x.signed || c < 0);
    return;
  }
  // More than two: pairwise, each partial result exact at a type that holds both its inputs.
  let cur = operand(ctx, node, an);
  names.slice(1).forEach((name, i) => {
    const acc = maxMin2(ctx, node, cur, operand(ctx, node, name), max);
    if (i === names.length - 2) {
      ctx.requantTo(node, acc, out);
      return;
    }
    const iv = ctx.interval(acc.name);
    const lo = Math.min(0, iv.lo), bits = lo < 0 ? signedBitsFor(lo, iv.hi) : unsignedBitsFor(Math.max(0, iv.hi));
    const shift = Math.max(0, bits - 16);
    const t = ctx.tensor(ctx.fresh(`${out}::partial`), acc.shape, { k: acc.k - shift, bits: bits - shift, signed: lo < 0 }, "activation");
    ctx.requant(node.id, acc, 1, t);
    cur = t;
  });
}

/** max(a, b) = b + relu(a − b), min(a, b) = a − relu(a − b): the relu a requant's clamp at 0. An accumulator. */
function maxMin2(ctx: LowerCtx, node: GraphNode, a: QTensor, b: QTensor, max: boolean): QTensor {
  const out = node.outputs[0]!, shape = ctx.shapeOf(out);
  const K = Math.max(a.k, b.k);
  const diff = ctx.acc(ctx.fresh(`${out}::diff`), shape, K);
  ctx.op({ kind: "add", source: node.id, inputs: [a.name, b.name], output: diff.name, coeffs: [2 ** (K - a.k), -(2 ** (K - b.k))] });
  // relu(a − b) at the difference's scale, narrowed only if it needs more than 16 bits.
  const need = unsignedBitsFor(Math.max(0, ctx.interval(diff.name).hi)), shift = Math.max(0, need - 16);
  const pos = ctx.tensor(ctx.fresh(`${out}::relu`), diff.shape, { k: K - shift, bits: need - shift, signed: false }, "activation");
  ctx.requant(node.id, diff, 1, pos, 0, typeMax(pos));
  const base = max ? b : a, K2 = Math.max(base.k, pos.k);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), diff.shape, K2);
  ctx.op({ kind: "add", source: node.id, inputs: [base.name, pos.name], output: acc.name, coeffs: [2 ** (K2 - base.k), (max ? 1 : -1) * 2 ** (K2 - pos.k)] });
  return acc;
}

/** y = T[x]: a table over the input's whole range. */
export function lowerTable(ctx: LowerCtx, node: GraphNode, fn: string, params: Record<string, number>, x: QTensor, out: string, signed: boolean): QTensor {
  const y = ctx.activation(out, { signed });
  const id = ctx.table({ fn, params, input: { k: x.k, bits: x.bits, signed: x.signed }, output: { k: y.k, bits: y.bits, signed: y.signed } }, `${node.id}`);
  ctx.op({ kind: "lookup", source: node.id, inputs: [x.name], output: y.name, table: id });
  return y;
}

/**
 * PRelu: one slope is a leakyrelu table; a slope per channel is relu(x) + a ⊙ min(x, 0), the
 * two parts tables at x's own type and the slopes a constant (12 bits) broadcast over x.
 */
function lowerPRelu(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const slope = ctx.constant(node.inputs[1]!);
  if (!slope) throw unsupported(node, "a PRelu whose slope is not a constant");
  const a = Array.from(slope.data as ArrayLike<number>, Number), out = node.outputs[0]!;
  if (a.every((v) => v === a[0])) {
    lowerTable(ctx, node, "leakyrelu", { alpha: a[0]! }, x, out, x.signed);
    return;
  }
  // Before opset 7 a 1-D slope of length C applied per channel (axis 1).
  const legacy = ctx.g.opset < 7 && slope.shape.length === 1 && x.shape.length >= 3 && slope.shape[0] === x.shape[1];
  const shape = legacy ? [slope.shape[0]!, ...x.shape.slice(2).map(() => 1)] : slope.shape;
  const type = { k: x.k, bits: x.bits, signed: x.signed };
  const pos = tableOf(ctx, node, "relu", x, type, {}, `${node.id}::pos`), neg = tableOf(ctx, node, "min", x, type, { c: 0 }, `${node.id}::neg`);
  const w = ctx.constTensor(ctx.fresh(node.inputs[1]!), shape, a, "const", { bits: 12 });
  const scaled = ctx.acc(ctx.fresh(`${out}::neg`), x.shape, x.k + w.k);
  ctx.op({ kind: "mul", source: node.id, inputs: [neg.name, w.name], output: scaled.name });
  const K = Math.max(pos.k, scaled.k);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), x.shape, K);
  ctx.op({ kind: "add", source: node.id, inputs: [pos.name, scaled.name], output: acc.name, coeffs: [2 ** (K - pos.k), 2 ** (K - scaled.k)] });
  ctx.requantTo(node, acc, out);
}

function lowerUnary(ctx: LowerCtx, node: GraphNode): void {
  const spec = UNARY[node.opType]!;
  const params = spec.params(node, ctx);
  const x = ctx.input(node, node.inputs[0]!);
  lowerTable(ctx, node, spec.fn, params, x, node.outputs[0]!, spec.signed(params, x.signed));
}

// ---- pools and reductions -----------------------------------------------------------------

function windowOf(node: GraphNode, x: QTensor, global: boolean): Window {
  const spatial = x.shape.slice(2);
  if (spatial.length < 1 || spatial.length > 3) throw unsupported(node, `a ${spatial.length}-D pool`);
  if (global) return { kernel: spatial, strides: spatial.map(() => 1), dilations: spatial.map(() => 1), padBegin: spatial.map(() => 0), padEnd: spatial.map(() => 0) };
  const a = attrsOf(node);
  const w = slidingWindow({ node: node.id }, a, spatial, a.ints("kernel_shape") ?? [], a.int("ceil_mode", 0) === 1);
  return opWindow(w);
}

function lowerMaxPool(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  if (node.outputs[1]) throw unsupported(node, "MaxPool indices output");
  const out = node.outputs[0]!;
  if (node.opType === "GlobalMaxPool") {
    // One max per channel over any number of positions: the spatial axes merged, a reducemax.
    const S = x.shape.slice(2).reduce((p, d) => p * d, 1);
    const flat = x.shape.length === 3 ? x : mapped(ctx, node, x, [x.shape[0]!, x.shape[1]!, S], { type: "reshape" }, `${out}::flat`);
    const m = ctx.tensor(ctx.fresh(`${out}::max`), [x.shape[0]!, x.shape[1]!, 1], x, "activation");
    ctx.op({ kind: "reducemax", source: node.id, inputs: [flat.name], output: m.name, axis: 2 });
    emitMap(ctx, node, [m], { type: "reshape" }, out);
    return;
  }
  const y = ctx.tensor(ctx.fresh(out), ctx.shapeOf(out), x, "activation", out);
  ctx.qOf.set(out, y.name);
  const w = windowOf(node, x, false);
  if (w.kernel.reduce((p, k) => p * k, 1) <= MAX_POOL_CANDIDATES) {
    ctx.op({ kind: "maxpool", source: node.id, inputs: [x.name], output: y.name, window: w });
    return;
  }
  // A window of more candidates than one max proves (SPP's 5×5 to 13×13, a 3×3×3 volume) is
  // the max along each axis in turn: one pool per axis (padding left out of each, as of the one).
  // An axis longer than a max proves is a chain of pools along it (axisSplit).
  const stages = w.kernel.flatMap((k, d) => {
    const one = (kernel: number, stride: number, dilation: number, pad: boolean): Window => {
      const pick = (v: number[], mine: number, other: number) => v.map((a, i) => (i === d ? mine : other));
      return { kernel: pick(w.kernel, kernel, 1), strides: pick(w.strides, stride, 1), dilations: pick(w.dilations, dilation, 1), padBegin: pick(w.padBegin, pad ? w.padBegin[d]! : 0, 0), padEnd: pick(w.padEnd, pad ? w.padEnd[d]! : 0, 0) };
    };
    const out = y.shape[d + 2]!, s = w.strides[d]!, dl = w.dilations[d]!;
    const parts = k > MAX_POOL_CANDIDATES ? axisSplit(k) : undefined;
    if (!parts) return [{ d, window: one(k, s, dl, true), length: out }];
    // Stage j takes the max of a_j values D_j apart (in candidates), stride 1 but the last's:
    // it must cover what every later stage reads, up to y's last window.
    return parts.map((p, j) => ({
      d,
      window: one(p.kernel, j === parts.length - 1 ? s : 1, p.spacing * dl, j === 0),
      length: j === parts.length - 1 ? out : (out - 1) * s + parts.slice(j + 1).reduce((a, q) => a + (q.kernel - 1) * q.spacing * dl, 0) + 1,
    }));
  });
  let cur = x;
  stages.forEach(({ d, window, length }, i) => {
    if (i === stages.length - 1) {
      ctx.op({ kind: "maxpool", source: node.id, inputs: [cur.name], output: y.name, window });
      return;
    }
    const shape = cur.shape.map((v, j) => (j === d + 2 ? length : v));
    const next = ctx.tensor(ctx.fresh(`${out}::axis${d}${stages[i + 1]!.d === d ? "a" : ""}`), shape, x, "activation");
    ctx.op({ kind: "maxpool", source: node.id, inputs: [cur.name], output: next.name, window });
    cur = next;
  });
}

/**
 * A max over k evenly spaced candidates as a chain of maxes of at most 16: the first of a
 * consecutive candidates, then, c apart (c ≤ a, so the windows overlap or touch and together
 * cover exactly the k), the max of b = (k − a)/c + 1 of those, split again while b > 16. Each
 * part is a kernel and its spacing in candidates. The fewest parts (each is a pool whose output
 * is as long as the axis), then the fewest candidates.
 */
export function axisSplit(k: number): { kernel: number; spacing: number }[] | undefined {
  return k > MAX_POOL_CANDIDATES && k <= MAX_SPLIT_CANDIDATES ? chain(k)?.parts : undefined;
}

type Chain = { parts: { kernel: number; spacing: number }[]; candidates: number };
const chains = new Map<number, Chain | null>();
function chain(n: number): Chain | null {
  if (n <= MAX_POOL_CANDIDATES) return { parts: [{ kernel: n, spacing: 1 }], candidates: n };
  const known = chains.get(n);
  if (known !== undefined) return known;
  let best: Chain | null = null;
  for (let a = 2; a <= MAX_POOL_CANDIDATES; a++) {
    for (let c = 1; c <= a; c++) {
      const rest = (n - a) % c === 0 ? chain((n - a) / c + 1) : null;
      if (!rest) continue;
      const cand: Chain = { parts: [{ kernel: a, spacing: 1 }, ...rest.parts.map((p) => ({ kernel: p.kernel, spacing: p.spacing * c }))], candidates: a + rest.candidates };
      if (!best || cand.parts.length < best.parts.length || (cand.parts.length === best.parts.length && cand.candidates < best.candidates)) best = cand;
    }
  }
  chains.set(n, best);
  return best;
}

/** Longest window axis split into a chain (beyond: refused by name, as one max pool). */
const MAX_SPLIT_CANDIDATES = 4096;

/** Candidates one max proves (circuit/windows.ts). */
const MAX_POOL_CANDIDATES = 16;

function lowerAvgPool(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const window = windowOf(node, x, node.opType === "GlobalAveragePool");
  const out = node.outputs[0]!;
  const outSpatial = ctx.shapeOf(out).slice(2);
  const partial = window.padBegin.some((p) => p > 0) || window.padEnd.some((p) => p > 0) ||
    outSpatial.some((o, i) => (o - 1) * window.strides[i]! + (window.kernel[i]! - 1) * window.dilations[i]! >= x.shape[2 + i]!);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), ctx.shapeOf(out), x.k);
  ctx.op({ kind: "sumpool", source: node.id, inputs: [x.name], output: acc.name, window });
  if (!partial || attrsOf(node).int("count_include_pad", 0) === 1) {
    reduceScale(ctx, node, acc, 1 / sizeOf(window.kernel), out, x.signed);
    return;
  }
  // Padding left out of the divisor: each output position divides by its own count of input
  // elements, a constant per position (broadcast over batch and channels).
  const counts = windowCounts(window, x.shape.slice(2), outSpatial);
  const recip = ctx.constTensor(ctx.fresh(`${node.id}::divisor`), [1, 1, ...outSpatial], counts.map((c) => 1 / c), "const", { bits: AVG_DIVISOR_BITS });
  const prod = ctx.acc(ctx.fresh(`${out}::prod`), acc.shape, acc.k + recip.k);
  ctx.op({ kind: "mul", source: node.id, inputs: [acc.name, recip.name], output: prod.name });
  reduceScale(ctx, node, prod, 1, out, x.signed);
}

/** 1/count at 12 bits: ~0.2 % at a 3×3 window's 1/9, far under an 8-bit activation's step. */
const AVG_DIVISOR_BITS = 12;

/** Per output position (row-major), how many window elements fall inside the input. */
function windowCounts(w: Window, inSpatial: number[], outSpatial: number[]): number[] {
  const perAxis = outSpatial.map((n, a) => Array.from({ length: n }, (_, o) => {
    let c = 0;
    for (let t = 0; t < w.kernel[a]!; t++) {
      const i = o * w.strides[a]! - w.padBegin[a]! + t * w.dilations[a]!;
      if (i >= 0 && i < inSpatial[a]!) c++;
    }
    return c;
  }));
  return perAxis.reduce<number[]>((acc, counts) => acc.flatMap((a) => counts.map((c) => a * c)), [1]);
}

function reduceScale(ctx: LowerCtx, node: GraphNode, acc: QTensor, f: number, out: string, signed: boolean): void {
  const y = ctx.activation(out, { signed });
  ctx.requant(node.id, acc, f, y);
}

function lowerReduce(ctx: LowerCtx, node: GraphNode): void {
  const x0 = ctx.input(node, node.inputs[0]!);
  const a = attrsOf(node);
  const fromInput = node.opType === "ReduceSum" ? ctx.g.opset >= 13 : ctx.g.opset >= 18;
  const listed = fromInput ? constInts(ctx, node, node.inputs[1]) : a.ints("axes");
  const r = x0.shape.length;
  if ((!listed || listed.length === 0) && a.int("noop_with_empty_axes", 0) === 1) {
    ctx.qOf.set(node.outputs[0]!, x0.name);
    return;
  }
  // No axes: all of them. Several adjacent axes (x.mean((2, 3)) in squeeze-and-excitation
  // blocks) are merged into one by a reshape first.
  const axes = [...new Set((listed && listed.length ? listed : x0.shape.map((_, d) => d)).map((v) => (v < 0 ? v + r : v)))].sort((p, q) => p - q);
  if (axes.some((v, i) => i > 0 && v !== axes[i - 1]! + 1)) throw unsupported(node, `a reduction over axes [${axes.join(",")}] that are not adjacent`);
  const first = axes[0]!, last = axes.at(-1)!;
  let x = x0;
  if (axes.length > 1) {
    const merged = [...x0.shape.slice(0, first), x0.shape.slice(first, last + 1).reduce((p, d) => p * d, 1), ...x0.shape.slice(last + 1)];
    x = mapped(ctx, node, x0, merged, { type: "reshape" }, `${node.outputs[0]!}::merged`);
  }
  const axis = first;
  const out = node.outputs[0]!;
  const op = node.opType;
  // ReduceMin is −max(−x); ReduceL1 sums |x|, ReduceSumSquare and ReduceL2 sum x² (then √).
  if (op === "ReduceMin") x = tableOf(ctx, node, "neg", x, { k: x.k, bits: x.bits + 1, signed: true });
  else if (op === "ReduceL1") x = tableOf(ctx, node, "abs", x, { k: x.k, bits: x.bits, signed: false });
  else if (op === "ReduceSumSquare" || op === "ReduceL2") {
    const sq = ctx.acc(ctx.fresh(`${out}::square`), x.shape, 2 * x.k);
    ctx.op({ kind: "mul", source: node.id, inputs: [x.name, x.name], output: sq.name });
    const need = 2 * (x.signed ? x.bits - 1 : x.bits), shift = Math.max(0, need - 16);
    const t = ctx.tensor(ctx.fresh(`${out}::sq`), x.shape, { k: 2 * x.k - shift, bits: need - shift, signed: false }, "activation");
    ctx.requant(node.id, sq, 1, t);
    x = t;
  }
  const post = op === "ReduceMin" ? "neg" : op === "ReduceL2" ? "sqrt" : undefined;
  // One axis kept as 1 is the output's own shape; otherwise a reshape to it follows.
  const keep = a.int("keepdims", 1) === 1 && axes.length === 1 && !post;
  const keptShape = x.shape.map((d, i) => (i === axis ? 1 : d));
  const name = keep ? out : `${out}::kept`;
  let y: QTensor;
  if (op === "ReduceMax" || op === "ReduceMin") {
    y = ctx.tensor(ctx.fresh(name), keptShape, x, "activation", keep ? out : undefined);
    ctx.op({ kind: "reducemax", source: node.id, inputs: [x.name], output: y.name, axis });
    if (keep) ctx.qOf.set(out, y.name);
  } else {
    const acc = ctx.acc(ctx.fresh(`${out}::acc`), keptShape, x.k);
    ctx.op({ kind: "rowsum", source: node.id, inputs: [x.name], output: acc.name, axis });
    const f = op === "ReduceMean" ? 1 / x.shape[axis]! : 1;
    if (keep) {
      reduceScale(ctx, node, acc, f, out, x.signed);
      return;
    }
    if (post) {
      // The sum of squares under √: 16 bits over its whole range (n times the largest square).
      const top = Math.ceil(Math.log2(x.shape[axis]! * (typeMax(x) + 1)));
      y = ctx.tensor(ctx.fresh(name), keptShape, { k: x.k - Math.max(0, top - 16), bits: Math.min(16, top), signed: false }, "activation");
    } else y = ctx.tensor(ctx.fresh(name), keptShape, ctx.type({ name: out, role: "activation", shape: ctx.shapeOf(out), signed: x.signed, stat: out }), "activation");
    ctx.requant(node.id, acc, f, y);
  }
  if (keep) return;
  if (!post) {
    emitMap(ctx, node, [y], { type: "reshape" }, out);
    return;
  }
  const shaped = mapped(ctx, node, y, ctx.shapeOf(out), { type: "reshape" }, `${out}::shaped`);
  lowerTable(ctx, node, post, {}, shaped, out, post === "neg");
}

/**
 * ArgMax / ArgMin along one axis, from ops the circuit proves, every step exact on integers:
 * m = max(x) along the axis; e = clamp(x − m + 1, 0, 1), 1 exactly where x is the max; the max
 * of e ⊙ (n − i) is n − i* for the first such i (e ⊙ (i + 1) and i* + 1 for the last, with
 * select_last_index); the index is an integer of its own width at scale 1, whatever the plan
 * says of that output. ArgMin is ArgMax of −x.
 */
function lowerArgExtremum(ctx: LowerCtx, node: GraphNode): void {
  const a = attrsOf(node), out = node.outputs[0]!;
  let x = ctx.input(node, node.inputs[0]!);
  const r = x.shape.length, axis = ((a.int("axis", 0) % r) + r) % r, n = x.shape[axis]!;
  const last = a.int("select_last_index", 0) === 1;
  if (node.opType === "ArgMin") x = tableOf(ctx, node, "neg", x, { k: x.k, bits: x.bits + 1, signed: true });
  const kept = x.shape.map((d, i) => (i === axis ? 1 : d));
  const m = ctx.tensor(ctx.fresh(`${out}::max`), kept, x, "activation");
  ctx.op({ kind: "reducemax", source: node.id, inputs: [x.name], output: m.name, axis });
  const diff = ctx.acc(ctx.fresh(`${out}::diff`), x.shape, x.k);
  ctx.op({ kind: "add", source: node.id, inputs: [x.name, m.name], output: diff.name, coeffs: [1, -1] });
  const one = ctx.bias(ctx.fresh(`${node.id}::one`), [1], [2 ** -x.k], x.k);
  const shifted = ctx.acc(ctx.fresh(`${out}::shifted`), x.shape, x.k);
  ctx.op({ kind: "add", source: node.id, inputs: [diff.name, one.name], output: shifted.name, coeffs: [1, 1] });
  // At scale 1 with the multiplier 2^k: the integer x − m + 1 itself, clamped to one bit.
  const e = ctx.tensor(ctx.fresh(`${out}::is_max`), x.shape, { k: 0, bits: 1, signed: false }, "activation");
  ctx.requant(node.id, shifted, 2 ** x.k, e, 0, 1);
  const bits = unsignedBitsFor(n + 1);
  const weights = Float64Array.from({ length: n }, (_, i) => (last ? i + 1 : n - i));
  const w = ctx.constTensor(ctx.fresh(`${node.id}::rank`), [n, ...x.shape.slice(axis + 1).map(() => 1)], weights, "const", { bits: bits + 1 });
  const scored = ctx.acc(ctx.fresh(`${out}::scored`), x.shape, w.k);
  ctx.op({ kind: "mul", source: node.id, inputs: [e.name, w.name], output: scored.name });
  const score = ctx.tensor(ctx.fresh(`${out}::score`), x.shape, { k: 0, bits, signed: false }, "activation");
  ctx.requant(node.id, scored, 1, score);
  const best = ctx.tensor(ctx.fresh(`${out}::best`), kept, score, "activation");
  ctx.op({ kind: "reducemax", source: node.id, inputs: [score.name], output: best.name, axis });
  const offset = ctx.bias(ctx.fresh(`${node.id}::offset`), [1], [last ? -1 : n], 0);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), kept, 0);
  ctx.op({ kind: "add", source: node.id, inputs: [offset.name, best.name], output: acc.name, coeffs: [1, last ? 1 : -1] });
  const type = { k: 0, bits: unsignedBitsFor(Math.max(1, n - 1)), signed: false };
  const keep = a.int("keepdims", 1) === 1;
  const y = ctx.tensor(ctx.fresh(keep ? out : `${out}::kept`), kept, type, "activation", keep ? out : undefined);
  ctx.requant(node.id, acc, 1, y);
  if (keep) ctx.qOf.set(out, y.name);
  else emitMap(ctx, node, [y], { type: "reshape" }, out);
}

/** y = T[x] into a type the caller fixes (an internal step, no ONNX value of its own). */
function tableOf(ctx: LowerCtx, node: GraphNode, fn: string, x: QTensor, type: QType, params: Record<string, number> = {}, base = `${node.outputs[0]!}::${fn}`): QTensor {
  const y = ctx.tensor(ctx.fresh(base), x.shape, type, "activation");
  ctx.op({ kind: "lookup", source: node.id, inputs: [x.name], output: y.name, table: ctx.table({ fn, params, input: { k: x.k, bits: x.bits, signed: x.signed }, output: type }, node.id) });
  return y;
}

/** BatchNormalization not after a conv: a per-channel multiply and add. */
function lowerBatchNorm(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const [scale, beta, mean, variance] = node.inputs.slice(1, 5).map((n) => ctx.constant(n));
  if (!scale || !beta || !mean || !variance) throw unsupported(node, "BatchNormalization with non-constant statistics");
  const eps = attrsOf(node).float("epsilon", 1e-5);
  const C = x.shape[1]!, bshape = [C, ...x.shape.slice(2).map(() => 1)];
  const f = (t: typeof scale, i: number) => Number((t.data as ArrayLike<number>)[i]);
  const mul = Float64Array.from({ length: C }, (_, c) => f(scale, c) / Math.sqrt(f(variance, c) + eps));
  const add = Float64Array.from({ length: C }, (_, c) => f(beta, c) - f(mean, c) * mul[c]!);
  const out = node.outputs[0]!;
  const m = ctx.constTensor(ctx.fresh(`${node.id}::scale`), bshape, mul, "const");
  const prod = ctx.acc(ctx.fresh(`${out}::prod`), x.shape, x.k + m.k);
  ctx.op({ kind: "mul", source: node.id, inputs: [x.name, m.name], output: prod.name });
  const b = ctx.bias(ctx.fresh(`${node.id}::shift`), bshape, add, prod.k);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), x.shape, prod.k);
  ctx.op({ kind: "add", source: node.id, inputs: [prod.name, b.name], output: acc.name, coeffs: [1, 1] });
  ctx.requantTo(node, acc, out);
}

export const BASIC_LOWERINGS: Readonly<Record<string, (ctx: LowerCtx, node: GraphNode) => void>> = {
  Add: lowerAddSub, Sub: lowerAddSub, Sum: lowerSum, Mean: lowerSum, Mul: lowerMul, Div: lowerDiv,
  ...Object.fromEntries(Object.keys(UNARY).map((k) => [k, lowerUnary])),
  ...SHAPE_LOWERINGS,
  MaxPool: lowerMaxPool, GlobalMaxPool: lowerMaxPool, AveragePool: lowerAvgPool, GlobalAveragePool: lowerAvgPool,
  ReduceMean: lowerReduce, ReduceSum: lowerReduce, ReduceMax: lowerReduce, ReduceMin: lowerReduce,
  ReduceL1: lowerReduce, ReduceL2: lowerReduce, ReduceSumSquare: lowerReduce,
  BatchNormalization: lowerBatchNorm, PRelu: lowerPRelu, Max: lowerMaxMin, Min: lowerMaxMin,
  ArgMax: lowerArgExtremum, ArgMin: lowerArgExtremum,
};
