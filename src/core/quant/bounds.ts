// The static bound of PROTOCOL §1: interval analysis from bit widths and shapes only (what a
// verifier recomputes from the VK), proving |v| < 2^29 for every value before any run.
import { sizeOf } from "../graph/tensor.ts"; // not the index: the exported verifier bundles bounds alone
import { QuantError } from "./errors.ts";
import { FIELD_P, signedBitsFor, typeMax, typeMin, VALUE_BOUND } from "./fixed.ts";
import type { QGraph, QOp, QTensor } from "./qgraph.ts";

export interface Interval {
  lo: number;
  hi: number;
}

export class QuantBoundError extends QuantError {
  override name = "QuantBoundError";
}

function typeInterval(t: QTensor): Interval {
  return { lo: typeMin(t), hi: typeMax(t) };
}

function product(a: Interval, b: Interval): Interval {
  const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: Math.min(...c), hi: Math.max(...c) };
}

function scale(a: Interval, n: number): Interval {
  return n >= 0 ? { lo: a.lo * n, hi: a.hi * n } : { lo: a.hi * n, hi: a.lo * n };
}

const withZero = (a: Interval): Interval => ({ lo: Math.min(a.lo, 0), hi: Math.max(a.hi, 0) });
const magnitude = (a: Interval) => Math.max(-a.lo, a.hi);
const log2s = (v: number) => (v > 0 ? Math.log2(v).toFixed(1) : "-inf");

/** The inner dimension a linear op sums over. */
export function linearDepth(g: QGraph, op: Extract<QOp, { kind: "linear" }>): number {
  const w = g.tensors[op.inputs[1]!]!;
  return op.form === "conv" ? sizeOf(w.shape.slice(1)) : w.shape[1]!;
}

/**
 * The interval of every tensor. Fixed types (inputs, activations, model data) give theirs;
 * accumulators get what their op can produce from its inputs' intervals.
 */
export function intervals(g: QGraph): Map<string, Interval> {
  const iv = new Map<string, Interval>();
  for (const t of Object.values(g.tensors)) if (t.role !== "accumulator") iv.set(t.name, typeInterval(t));
  const at = (n: string): Interval => {
    const v = iv.get(n);
    if (!v) throw new QuantError(`tensor ${n} is used before it is defined in the quantized graph`, { tensor: n });
    return v;
  };
  for (const op of g.ops) {
    const out = g.tensors[op.output];
    if (!out) throw new QuantError(`${op.source}: output ${op.output} has no tensor entry`, { node: op.source, tensor: op.output });
    const derived = opInterval(g, op, at);
    iv.set(op.output, out.role === "accumulator" ? derived : typeInterval(out));
  }
  return iv;
}

/** What an op's output can hold given its inputs' intervals (accumulators: exactly this). */
export function opInterval(g: QGraph, op: QOp, at: (n: string) => Interval): Interval {
  const x = at(op.inputs[0]!);
  switch (op.kind) {
    case "linear": {
      const k = linearDepth(g, op);
      const p = scale(product(x, at(op.inputs[1]!)), k);
      const b = op.inputs[2] !== undefined ? at(op.inputs[2]) : { lo: 0, hi: 0 };
      return { lo: p.lo + b.lo, hi: p.hi + b.hi };
    }
    case "matmul2": {
      const s = g.tensors[op.inputs[0]!]!.shape;
      return scale(product(x, at(op.inputs[1]!)), s[s.length - 1]!);
    }
    case "add":
      return op.inputs.reduce((acc, n, i) => {
        const t = scale(at(n), op.coeffs[i]!);
        return { lo: acc.lo + t.lo, hi: acc.hi + t.hi };
      }, { lo: 0, hi: 0 });
    case "mul":
      return product(x, at(op.inputs[1]!));
    case "sumpool":
      return scale(withZero(x), sizeOf(op.window.kernel));
    case "rowsum":
      return scale(x, g.tensors[op.inputs[0]!]!.shape[op.axis]!);
    case "select":
      return { lo: Math.min(x.lo, op.fill), hi: Math.max(x.hi, op.fill) };
    case "indexmap":
      return op.map.type === "pad" || op.map.type === "upsample" ? withZero(x) : op.inputs.map(at).reduce((a, b) => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }));
    case "embed":
      return at(op.inputs[1]!);
    case "requant":
      return { lo: op.lo, hi: op.hi };
    case "lookup": {
      const t = g.tables[op.table];
      return t ? { lo: typeMin(t.output), hi: typeMax(t.output) } : x;
    }
    case "maxpool": case "reducemax":
      return x;
  }
}

/**
 * Checks PROTOCOL §1 on the graph from bit widths and shapes alone: every value |v| < 2^29,
 * every accumulator within its declared bits, every requant's acc·M < 2^29 and its quotient
 * range times 2^s ≤ p, every op output within its type. Throws QuantBoundError naming the
 * node and what to change. Returns the intervals.
 */
export function checkBounds(g: QGraph): Map<string, Interval> {
  const iv = intervals(g);
  for (const op of g.ops) {
    const out = g.tensors[op.output]!;
    const derived = opInterval(g, op, (n) => iv.get(n)!);
    const m = magnitude(derived);
    if (!(m < VALUE_BOUND)) throw boundError(g, op, m);
    if (out.role === "accumulator" && signedBitsFor(derived.lo, derived.hi) > out.bits) {
      throw new QuantBoundError(`${op.source}: accumulator ${op.output} reaches 2^${log2s(m)} but is declared ${out.bits} bits; re-run the lowering`, { node: op.source, tensor: op.output });
    }
    if (out.role !== "accumulator" && (derived.lo < typeMin(out) || derived.hi > typeMax(out)) && op.kind !== "requant" && op.kind !== "lookup") {
      throw new QuantBoundError(`${op.source}: ${op.kind} output ${op.output} can reach [${derived.lo}, ${derived.hi}], outside its ${out.bits}-bit type; give it the input's type`, { node: op.source, tensor: op.output });
    }
    if (op.kind === "requant") checkRequant(op, iv.get(op.inputs[0]!)!, out);
    if (op.kind === "lookup") checkLookup(g, op, iv.get(op.inputs[0]!)!);
  }
  return iv;
}

function checkRequant(op: Extract<QOp, { kind: "requant" }>, x: Interval, out: QTensor): void {
  const where = { node: op.source, tensor: op.output };
  if (!Number.isInteger(op.M) || op.M < 1 || !Number.isInteger(op.s) || op.s < 0 || op.s > 40) {
    throw new QuantBoundError(`${op.source}: requant to ${op.output} has M=${op.M}, s=${op.s}; M must be a positive integer and s an integer in [0, 40]`, where);
  }
  if (op.lo < typeMin(out) || op.hi > typeMax(out) || op.lo > op.hi) {
    throw new QuantBoundError(`${op.source}: requant clamp [${op.lo}, ${op.hi}] does not fit ${op.output}'s ${out.bits}-bit type`, where);
  }
  const m = magnitude(x) * op.M;
  if (!(m < VALUE_BOUND)) {
    throw new QuantBoundError(`${op.source}: requant to ${op.output} computes acc·M up to 2^${log2s(m)}, over 2^29; use a smaller multiplier (M=${op.M}) or narrower inputs`, where);
  }
  const q = (v: number) => (op.s === 0 ? v * op.M : Math.floor((v * op.M + 2 ** (op.s - 1)) / 2 ** op.s));
  const width = q(x.hi) - q(x.lo) + 1;
  if (!(width * 2 ** op.s <= FIELD_P)) {
    throw new QuantBoundError(`${op.source}: requant to ${op.output} has a quotient range of ${width} values at shift ${op.s}, which is not unique in the field; reduce the shift or the input range`, where);
  }
}

function checkLookup(g: QGraph, op: Extract<QOp, { kind: "lookup" }>, x: Interval): void {
  const t = g.tables[op.table];
  if (!t) throw new QuantBoundError(`${op.source}: table ${op.table} is missing`, { node: op.source });
  const lo = typeMin(t.input), hi = lo + t.values.length - 1;
  if (!t.saturate && (x.lo < lo || x.hi > hi)) {
    throw new QuantBoundError(`${op.source}: input ${op.inputs[0]} can reach [${x.lo}, ${x.hi}], outside the domain [${lo}, ${hi}] of table ${op.table}; requantize it into the domain first or let the table saturate`, { node: op.source });
  }
}

export function boundError(g: QGraph, op: QOp, m: number): QuantBoundError {
  const where = { node: op.source, tensor: op.output };
  const head = `${op.source}: ${op.kind} output ${op.output} can reach 2^${log2s(m)}, over the field's bound of 2^29`;
  const ins = op.inputs.map((n) => g.tensors[n]!).filter((t) => t.role !== "accumulator");
  const hint = ins.map((t) => `${t.name} (${t.bits} bits)`).join(" or ");
  const excess = Math.ceil(Math.log2(m / VALUE_BOUND) + 1e-9);
  return new QuantBoundError(`${head}; lower the bit width of ${hint || "its inputs"} by ${Math.max(1, excess)} bit(s) in total`, where);
}
