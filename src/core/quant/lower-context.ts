// The state of one lowering: the quantized graph being built, which quantized tensor stands
// for each ONNX value, and the helpers every op's lowering shares (types, constants, requants).
import type { Graph, GraphNode, Tensor, Window as GraphWindow } from "../graph/index.ts";
import { boundError, opInterval, type Interval } from "./bounds.ts";
import { QuantError } from "./errors.ts";
import { clamperFor, multiplierFor, quantizerFor, roundHalfUp, signedBitsFor, typeMax, typeMin, unsignedBitsFor, VALUE_BOUND } from "./fixed.ts";
import type { QGraph, QOp, QTensor, QType, TensorRole, Window } from "./qgraph.ts";
import type { ScaleSource, TypeRequest } from "./scale-source.ts";
import type { TableSpec } from "./tables.ts";
import { tableId } from "./tables.ts";

/** Widest activation any op takes: a table over it has at most 2^16 rows. */
export const MAX_ACTIVATION_BITS = 16;

/**
 * Bound on acc·M_c of a per-channel requant: one bit under 2^29, so that the quotient's range
 * rounded up to a power of two, times 2^s, stays below p (the circuit's uniqueness check).
 */
const CHANNEL_PRODUCT_BOUND = 2 ** 28;
/** Largest common shift of a per-channel requant (a 1-bit quotient at 2^29 is still unique mod p). */
const MAX_CHANNEL_SHIFT = 29;
/** Relative error of a multiplier under which no intermediate requant is worth its cost. */
const MULTIPLIER_PRECISION = 2 ** -12;
/**
 * Relative error a per-channel multiplier may have: 4× under the per-channel weights' own
 * (±½ step of max|w_c|/127), and each bit less is a bit less of remainder to prove.
 */
const CHANNEL_PRECISION = 2 ** -10;

/** Output channels of a linear op's accumulator: their axis and each one's scale relative to 2^−k. */
export interface Channels {
  axis: number;
  rel: readonly number[];
}

/** A window op's geometry: the graph's sliding window without its output sizes (the output's shape has them). */
export function opWindow(w: GraphWindow): Window {
  return { kernel: w.kernel, strides: w.strides, dilations: w.dilations, padBegin: w.padBegin, padEnd: w.padEnd };
}

export class LowerCtx {
  readonly q: QGraph = { version: 1, inputs: [], outputs: [], tensors: {}, consts: {}, tables: {}, ops: [] };
  private readonly iv = new Map<string, Interval>();
  /** ONNX value → the quantized tensor holding it. */
  readonly qOf = new Map<string, string>();
  /** Nodes already lowered as part of another node's pattern. */
  readonly done = new Set<GraphNode>();
  /** Select outputs whose fill saturates low (a −∞ mask): tensor → its mask constant. */
  readonly lowMasks = new Map<string, string>();
  /** Per-channel requants: output → the multiplier constant its accumulator was scaled by. */
  readonly channelMultipliers = new Map<string, string>();
  private readonly consumers = new Map<string, GraphNode[]>();
  private readonly graphOutputs: Set<string>;

  constructor(readonly g: Graph, readonly src: ScaleSource, readonly limits: ReadonlyMap<string, number>) {
    for (const n of g.nodes) for (const i of n.inputs) if (i) (this.consumers.get(i) ?? this.consumers.set(i, []).get(i)!).push(n);
    this.graphOutputs = new Set(g.outputs.map((o) => o.name));
  }

  // ---- tensors -----------------------------------------------------------------------

  shapeOf(onnx: string): number[] {
    const t = this.g.tensors.get(onnx);
    if (!t) throw new QuantError(`the graph has no value ${onnx}`, { tensor: onnx });
    return t.shape;
  }

  constant(onnx: string): Tensor | undefined {
    return this.g.constants.get(onnx);
  }

  /** A scalar (single-element) float constant, or undefined. */
  scalar(onnx: string): number | undefined {
    const c = this.constant(onnx);
    if (!c || c.dtype === "string" || c.data.length !== 1) return undefined;
    return Number((c.data as ArrayLike<number>)[0]);
  }

  /** The only node reading `onnx`, when it is read once and is not a graph output. */
  soleConsumer(onnx: string): GraphNode | undefined {
    const c = this.consumers.get(onnx);
    return c && c.length === 1 && !this.graphOutputs.has(onnx) ? c[0] : undefined;
  }

  consumersOf(onnx: string): readonly GraphNode[] {
    return this.consumers.get(onnx) ?? [];
  }

  /** The quantized tensor that holds ONNX value `onnx` (which must be computed, not constant). */
  input(node: GraphNode, onnx: string): QTensor {
    const name = this.qOf.get(onnx);
    if (name === undefined) {
      const what = this.constant(onnx) ? "a constant in a position this op's lowering does not take one" : "not lowered yet";
      throw new QuantError(`node ${node.id} (${node.opType}): input ${onnx} is ${what}; this model is not supported by the quantizer`, { node: node.id, tensor: onnx });
    }
    return this.q.tensors[name]!;
  }

  tensor(name: string, shape: number[], type: QType, role: TensorRole, onnx?: string): QTensor {
    if (Object.hasOwn(this.q.tensors, name)) throw new QuantError(`tensor ${name} is defined twice in the quantized graph`, { tensor: name });
    const t: QTensor = { name, shape: [...shape], k: type.k, bits: type.bits, signed: type.signed, role, ...(onnx !== undefined ? { onnx } : {}) };
    this.q.tensors[name] = t;
    if (role !== "accumulator") this.iv.set(name, { lo: typeMin(t), hi: typeMax(t) });
    return t;
  }

  /** An activation that stands for ONNX value `onnx`, its type chosen by the scale source. */
  activation(onnx: string, req: Omit<TypeRequest, "name" | "role" | "shape">, name = onnx): QTensor {
    const shape = this.shapeOf(onnx);
    const type = this.type({ name, role: "activation", shape, stat: onnx, maxBits: this.limits.get(onnx), ...req });
    const t = this.tensor(name, shape, type, "activation", onnx);
    this.qOf.set(onnx, name);
    return t;
  }

  /** An internal activation of a lowered op (no ONNX value of its own). */
  internal(name: string, shape: number[], req: Omit<TypeRequest, "name" | "role" | "shape">): QTensor {
    return this.tensor(name, shape, this.type({ name, role: "activation", shape, ...req }), "activation");
  }

  type(req: TypeRequest): QType {
    const t = this.src.type(req);
    const where = { tensor: req.name };
    if (!Number.isInteger(t.k) || Math.abs(t.k) > 60) throw new QuantError(`tensor ${req.name}: scale exponent k=${t.k} must be an integer in [-60, 60]`, where);
    if (!Number.isInteger(t.bits) || t.bits < 1 || t.bits > 30) throw new QuantError(`tensor ${req.name}: bit width ${t.bits} must be an integer in [1, 30]`, where);
    return t;
  }

  /** Quantizes float data into a weight/const tensor of a chosen (or given) type. */
  constTensor(name: string, shape: number[], values: ArrayLike<number>, role: "weight" | "const", req: Partial<TypeRequest> = {}): QTensor {
    const type = this.type({ name, role, shape, signed: true, values, ...req });
    const t = this.tensor(name, shape, type, role);
    const data = new Int32Array(values.length), quantize = quantizerFor(type);
    for (let i = 0; i < values.length; i++) data[i] = quantize(values[i]!);
    this.q.consts[name] = data;
    return t;
  }

  /**
   * A linear op's weight ([channels, …] float data): per tensor (w·2^k), or with one real
   * scale per output channel when the source is per-channel (w / scale_c). Returns the tensor
   * and, per channel, its scale relative to 2^−k.
   */
  weight(name: string, shape: number[], values: ArrayLike<number>): { tensor: QTensor; channels?: number[] } {
    if (!this.src.perChannel) return { tensor: this.constTensor(name, shape, values, "weight") };
    const req: TypeRequest = { name, role: "weight", shape, signed: true, values };
    const type = this.type(req);
    const C = shape[0]!, per = values.length / C;
    const scales = this.src.channelScales(req, C);
    if (scales.length !== C || !scales.every((s) => s > 0 && Number.isFinite(s))) {
      throw new QuantError(`weight ${name}: ${scales.length} channel scales for ${C} output channels, each must be positive and finite; recalibrate`, { tensor: name });
    }
    const tensor = this.tensor(name, shape, type, "weight");
    const data = new Int32Array(values.length), clamp = clamperFor(type);
    for (let i = 0; i < values.length; i++) data[i] = clamp(roundHalfUp(values[i]! / scales[Math.floor(i / per)]!));
    this.q.consts[name] = data;
    return { tensor, channels: scales.map((s) => s * 2 ** type.k) };
  }

  /**
   * A bias: its scale is fixed by the accumulator it adds to (2^−k, times rel[i] for element i
   * when the accumulator's channels have their own scales); its width by its values.
   */
  bias(name: string, shape: number[], values: ArrayLike<number>, k: number, rel?: readonly number[]): QTensor {
    const data = new Int32Array(values.length);
    let lo = 0, hi = 0;
    for (let i = 0; i < values.length; i++) {
      const v = roundHalfUp(rel ? (values[i]! * 2 ** k) / rel[i]! : values[i]! * 2 ** k);
      if (!(Math.abs(v) < VALUE_BOUND)) throw new QuantError(`bias ${name}: value ${values[i]} at scale 2^-${k} exceeds 2^29; lower the input or weight scale`, { tensor: name });
      data[i] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const t = this.tensor(name, shape, { k, bits: signedBitsFor(lo, hi), signed: true }, "bias");
    this.q.consts[name] = data;
    return t;
  }

  /** A fresh tensor name from a base. */
  fresh(base: string): string {
    let n = base, i = 1;
    while (Object.hasOwn(this.q.tensors, n)) n = `${base}#${i++}`;
    return n;
  }

  // ---- ops ---------------------------------------------------------------------------

  /** Appends an op; an accumulator output gets its interval and width, checked against 2^29. */
  op(o: QOp): void {
    const out = this.q.tensors[o.output];
    if (!out) throw new QuantError(`${o.source}: output ${o.output} was not declared`, { node: o.source });
    this.q.ops.push(o);
    const d = opInterval(this.q, o, (n) => this.interval(n));
    const m = Math.max(-d.lo, d.hi);
    if (!(m < VALUE_BOUND)) throw boundError(this.q, o, m);
    if (out.role === "accumulator") {
      out.bits = signedBitsFor(d.lo, d.hi);
      this.iv.set(o.output, d);
    }
  }

  interval(name: string): Interval {
    const v = this.iv.get(name);
    if (!v) throw new QuantError(`tensor ${name} is read before it is defined`, { tensor: name });
    return v;
  }

  /** An accumulator output of an op (bits are set when the op is appended). */
  acc(name: string, shape: number[], k: number): QTensor {
    return this.tensor(name, shape, { k, bits: 0, signed: true }, "accumulator");
  }

  table(spec: TableSpec, where: string): string {
    const id = tableId(spec);
    if (!Object.hasOwn(this.q.tables, id)) this.q.tables[id] = this.src.table(id, spec, where);
    return id;
  }

  /**
   * y = requant(x) with real factor f: y·2^−k_y ≈ f·x·2^−k_x. When the multiplier that fits
   * the bound is too coarse for f, an intermediate 16-bit requant keeps 2^−12 precision.
   */
  requant(source: string, x: QTensor, f: number, y: QTensor, lo = typeMin(y), hi = typeMax(y)): void {
    const F = f * 2 ** (y.k - x.k);
    const xi = this.interval(x.name);
    const mag = Math.max(1, -xi.lo, xi.hi);
    const maxM = Math.floor((VALUE_BOUND - 1) / mag);
    if (maxM < 1) throw boundError(this.q, { kind: "requant", source, inputs: [x.name], output: y.name, M: 1, s: 0, lo, hi }, mag);
    // Past the bound every nonzero input saturates when M = max(−lo, hi) already does: exact.
    const saturating = Math.max(-lo, hi, 1);
    if (F > maxM && saturating <= maxM) {
      this.op({ kind: "requant", source, inputs: [x.name], output: y.name, M: saturating, s: 0, lo, hi });
      return;
    }
    let { M, s } = multiplierFor(F, maxM);
    if (M > maxM || (F > maxM && F > 1)) {
      throw new QuantError(`${source}: requant to ${y.name} needs a multiplier of ${F.toPrecision(4)}, over the ${maxM} the bound allows; lower ${y.name}'s scale exponent k (now ${y.k})`, { node: source, tensor: y.name });
    }
    // The rounding term counts too: at acc·M + 2^(s−1) ≥ 2^29 the quotient reaches 2^(29−s) and
    // needs a bit more than the circuit can prove unique at shift s.
    while (s > 0 && mag * M + 2 ** (s - 1) >= VALUE_BOUND) M = Math.round(F * 2 ** --s);
    const err = Math.abs(M / 2 ** s - F) / F;
    if (err > MULTIPLIER_PRECISION && mag > 2 ** 15) {
      const shift = Math.max(0, signedBitsFor(-mag, mag) - 16);
      const mid = this.tensor(this.fresh(`${y.name}::pre`), x.shape, { k: x.k - shift, bits: 16, signed: true }, "activation");
      this.op({ kind: "requant", source, inputs: [x.name], output: mid.name, M: 1, s: shift, lo: typeMin(mid), hi: typeMax(mid) });
      this.requant(source, mid, f, y, lo, hi);
      return;
    }
    if (s > 40) ({ M, s } = { M: Math.max(1, Math.round(M / 2 ** (s - 40))), s: 40 });
    this.op({ kind: "requant", source, inputs: [x.name], output: y.name, M, s, lo, hi });
  }

  /**
   * Requantizes an accumulator into the activation for ONNX value `onnx`, first following
   * its chain of sole consumers that fold in: Relu (clamp at 0, unsigned) and Mul/Div by a
   * positive scalar constant (into the multiplier). Returns the activation.
   */
  requantTo(node: GraphNode, acc: QTensor, onnx: string, signed = true, channels?: Channels): QTensor {
    let f = 1, relu = false, out = onnx;
    for (;;) {
      const c = this.soleConsumer(out);
      if (!c) break;
      if (c.opType === "Relu") {
        relu = true;
      } else if (c.opType === "Mul" || c.opType === "Div") {
        const other = c.inputs[0] === out ? c.inputs[1]! : c.inputs[0]!;
        const v = this.scalar(other);
        if (v === undefined || !(v > 0) || !Number.isFinite(v) || (c.opType === "Div" && c.inputs[1] !== other)) break;
        f *= c.opType === "Mul" ? v : 1 / v;
      } else {
        break;
      }
      this.done.add(c);
      out = c.outputs[0]!;
    }
    const y = this.activation(out, { signed: signed && !relu });
    const lo = relu ? Math.max(0, typeMin(y)) : typeMin(y);
    if (channels) this.requantChannels(node.id, acc, f, channels, y, lo, typeMax(y));
    else this.requant(node.id, acc, f, y, lo, typeMax(y));
    return y;
  }

  /**
   * Per-channel y = requant(x) with real factor f·rel_c on channel c, as ops the circuit
   * already proves: x' = x ⊙ M (M a [C, 1, …] constant, M_c/2^s ≈ f·rel_c·2^(k_y − k_x)),
   * then a requant with M = 1 and the common shift s, the smallest that keeps every M_c within
   * 2^−10 of its factor. |x·M_c| < 2^28 by the M's type; when that leaves a multiplier coarser
   * than 2^−10, a 16-bit requant of x goes first.
   */
  private requantChannels(source: string, x: QTensor, f: number, ch: Channels, y: QTensor, lo: number, hi: number): void {
    const F = ch.rel.map((r) => f * r * 2 ** (y.k - x.k));
    const xi = this.interval(x.name);
    const mag = Math.max(1, -xi.lo, xi.hi);
    // The M's type is unsigned B bits, and the bound holds for every value of that type.
    const bits = Math.floor(Math.log2(Math.floor((CHANNEL_PRODUCT_BOUND - 1) / mag) + 1));
    const cap = 2 ** bits - 1;
    const viaMid = () => {
      const shift = Math.max(0, signedBitsFor(-mag, mag) - 16);
      const mid = this.tensor(this.fresh(`${y.name}::pre`), x.shape, { k: x.k - shift, bits: 16, signed: true }, "activation");
      this.op({ kind: "requant", source, inputs: [x.name], output: mid.name, M: 1, s: shift, lo: typeMin(mid), hi: typeMax(mid) });
      this.requantChannels(source, mid, f, ch, y, lo, hi);
    };
    if (cap < 1) return viaMid();
    const top = Math.max(...F);
    if (roundHalfUp(top) > cap) {
      throw new QuantError(`${source}: per-channel requant to ${y.name} needs a multiplier of ${top.toPrecision(4)}, over the ${cap} the bound allows; lower ${y.name}'s scale exponent k (now ${y.k})`, { node: source, tensor: y.name });
    }
    // The smallest shift whose multipliers are all within the precision (a shorter remainder
    // to prove), else the largest the bound allows.
    const error = (s: number) => Math.max(...F.map((v) => Math.abs(roundHalfUp(v * 2 ** s) / 2 ** s - v) / v));
    let widest = 0;
    while (widest < MAX_CHANNEL_SHIFT && roundHalfUp(top * 2 ** (widest + 1)) <= cap) widest++;
    let s = 0;
    while (s < widest && error(s) > CHANNEL_PRECISION) s++;
    if (error(s) > CHANNEL_PRECISION && mag > 2 ** 15) return viaMid();
    let M = F.map((v) => roundHalfUp(v * 2 ** s));
    if (M.every((m) => m === 0)) {
      throw new QuantError(`${source}: per-channel requant to ${y.name} rounds every multiplier to 0 (largest factor ${top.toExponential(3)}); raise ${y.name}'s scale exponent k (now ${y.k})`, { node: source, tensor: y.name });
    }
    // Common factors of two only widen the constant.
    while (s > 0 && M.every((m) => m % 2 === 0)) {
      M = M.map((m) => m / 2);
      s--;
    }
    const shape = x.shape.slice(ch.axis).map((d, i) => (i === 0 ? d : 1));
    const m = this.tensor(this.fresh(`${y.name}::M`), shape, { k: 0, bits: unsignedBitsFor(Math.max(...M)), signed: false }, "const");
    this.q.consts[m.name] = Int32Array.from(M);
    const scaled = this.acc(this.fresh(`${y.name}::scaled`), x.shape, y.k + s);
    this.op({ kind: "mul", source, inputs: [x.name, m.name], output: scaled.name });
    this.op({ kind: "requant", source, inputs: [scaled.name], output: y.name, M: 1, s, lo, hi });
    this.channelMultipliers.set(y.name, m.name);
  }
}
