// Sliding windows (Conv, pools) as index relations (PROTOCOL §4 "Index relations"), shared by
// the compiler, the prover and the verifier. Per spatial axis: input position
// i = o·stride + k·dilation − pad with o < out, k < kernel, i < in (positions outside the input
// are the zero padding, so they simply do not occur). The verifier evaluates these relations'
// MLEs in O(bits) (relation/); the prover builds the same tables by enumeration.
import type { Window } from "../quant/qgraph.ts";
import type { Relation } from "../relation/index.ts";
import { log2Ceil } from "./log.ts";
import { splitPoint } from "./claims.ts";
import type { PlanTensor } from "./plan.ts";

export interface Axis {
  out: number;
  outLog: number;
  kernel: number;
  kernelLog: number;
  in: number;
  inLog: number;
  stride: number;
  dilation: number;
  pad: number;
}

/** The window's axes, from the input [B, C, ...S] and output [B, O, ...S'] tensors. */
export function windowAxes(x: PlanTensor, y: PlanTensor, w: Window): Axis[] {
  const d = w.kernel.length;
  return Array.from({ length: d }, (_, j) => ({
    out: y.shape[2 + j]!, outLog: y.logDims[2 + j]!,
    kernel: w.kernel[j]!, kernelLog: log2Ceil(w.kernel[j]!),
    in: x.shape[2 + j]!, inLog: x.logDims[2 + j]!,
    stride: w.strides[j]!, dilation: w.dilations[j]!, pad: w.padBegin[j]!,
  }));
}

/** [o, k, i]: i = o·stride + k·dilation − pad (Conv's im2col, one axis; a window sum sums k out). */
export function axisRelation(a: Axis): Relation {
  return {
    vars: [{ bits: a.outLog, bound: a.out }, { bits: a.kernelLog, bound: a.kernel }, { bits: a.inLog, bound: a.in }],
    constraints: [{ coeffs: [a.stride, a.dilation, -1], constant: -a.pad, kind: "eq" }],
  };
}

/** [o, i]: i = o·stride + k·dilation − pad for one fixed kernel offset k (a pool candidate). */
export function axisShiftRelation(a: Axis, k: number): Relation {
  return {
    vars: [{ bits: a.outLog, bound: a.out }, { bits: a.inLog, bound: a.in }],
    constraints: [{ coeffs: [a.stride, -1], constant: k * a.dilation - a.pad, kind: "eq" }],
  };
}

/** The input position read by output o at kernel offset k, or −1 where it falls in the padding. */
export function sourceOf(a: Axis, o: number, k: number): number {
  const i = o * a.stride + k * a.dilation - a.pad;
  return i >= 0 && i < a.in ? i : -1;
}

/** Every kernel offset tuple (row-major over the axes), the candidates of a pool window. */
export function kernelOffsets(axes: readonly Axis[]): number[][] {
  let out: number[][] = [[]];
  for (const a of axes) out = out.flatMap((prefix) => Array.from({ length: a.kernel }, (_, k) => [...prefix, k]));
  return out;
}

/**
 * A convolution's proof layout (PROTOCOL §4 Conv): x [B, C, ...S], w [O, C/g, ...kernel],
 * y [B, O, ...S']. With g groups whose channel counts O/g and C/g are powers of two (depthwise
 * included), the group index is the same high bits of both channel axes; other groups go
 * through the channel relation.
 */
export interface ConvLayout {
  x: PlanTensor;
  w: PlanTensor;
  y: PlanTensor;
  axes: Axis[];
  /** Variables of the group index in the channel axes (0 when g = 1 or the groups are not powers of two). */
  groupVars: number;
  /** Groups whose channel counts are not powers of two: proved with a channel relation (below). */
  general: boolean;
  group: number;
  /** The first sumcheck's variables: w's per-group channel and kernel axes. */
  innerVars: number;
  /** The second sumcheck's variables: x's spatial axes. */
  spatialVars: number;
}

type Shaped = Pick<PlanTensor, "shape">;

/** Why a convolution cannot be proved, or null. */
export function convProblem(x: Shaped, w: Shaped, y: Shaped, window: Window | undefined, group: number): string | null {
  if (!window) return "conv without a window";
  const d = window.kernel.length;
  if (d < 1 || x.shape.length !== d + 2 || y.shape.length !== d + 2 || w.shape.length !== d + 2) return `conv of rank ${x.shape.length}`;
  const O = y.shape[1]!, C = x.shape[1]!;
  if (!Number.isInteger(group) || group < 1 || O % group !== 0 || C % group !== 0) return `conv with ${group} groups of ${C} → ${O} channels`;
  if (w.shape[0] !== O || w.shape[1] !== C / group || window.kernel.some((k, j) => w.shape[2 + j] !== k)) return "conv weights of the wrong shape";
  if (Math.max(O, C) > 2 ** 20) return `conv with ${Math.max(O, C)} channels`;
  return null;
}

export function convLayout(tensors: Record<string, PlanTensor>, op: { inputs: string[]; output: string; window?: Window; group?: number }): ConvLayout {
  const x = tensors[op.inputs[0]!]!, w = tensors[op.inputs[1]!]!, y = tensors[op.output]!;
  const g = op.group ?? 1;
  const pow2 = (n: number) => 2 ** log2Ceil(n) === n;
  const general = g > 1 && !(pow2(y.shape[1]! / g) && pow2(x.shape[1]! / g));
  const groupVars = g === 1 || general ? 0 : y.logDims[1]! - log2Ceil(y.shape[1]! / g);
  const innerVars = w.logDims.slice(1).reduce((a, b) => a + b, 0);
  const spatialVars = x.logDims.slice(2).reduce((a, b) => a + b, 0);
  return { x, w, y, axes: windowAxes(x, y, op.window!), groupVars, general, group: g, innerVars, spatialVars };
}

/**
 * [o, c', c, g, o']: output channel o = g·(O/G) + o' reads input channel c = g·(C/G) + c' (g and o'
 * are summed out: pass null points for them).
 */
export function channelRelation(l: ConvLayout): Relation {
  const O = l.y.shape[1]!, C = l.x.shape[1]!, G = l.group, Og = O / G, Cg = C / G;
  return {
    vars: [
      { bits: l.y.logDims[1]!, bound: O }, { bits: l.w.logDims[1]!, bound: Cg }, { bits: l.x.logDims[1]!, bound: C },
      { bits: log2Ceil(G), bound: G }, { bits: log2Ceil(Og), bound: Og },
    ],
    constraints: [
      { coeffs: [1, 0, 0, -Og, -1], constant: 0, kind: "eq" },
      { coeffs: [0, -1, 1, -Cg, 0], constant: 0, kind: "eq" },
    ],
  };
}

/** The parts of a point on the conv's output: batch, channel (with its group bits), spatial axes. */
export function convPoint(l: ConvLayout, point: Uint32Array): { rB: Uint32Array; rO: Uint32Array; rGroup: Uint32Array; rS: Uint32Array[] } {
  const parts = splitPoint(point, l.y.logDims);
  const rO = parts[1]!;
  return { rB: parts[0]!, rO, rGroup: rO.subarray(rO.length - 4 * l.groupVars), rS: parts.slice(2) };
}

/** [o]: output o < out reads inside the input at kernel offset k (a pool candidate that exists). */
export function axisValidRelation(a: Axis, k: number): Relation {
  const shift = k * a.dilation - a.pad;
  return {
    vars: [{ bits: a.outLog, bound: a.out }],
    constraints: [
      { coeffs: [a.stride], constant: shift, kind: "ge" },
      { coeffs: [-a.stride], constant: a.in - 1 - shift, kind: "ge" },
    ],
  };
}

/** Whether some output position reads the padding at some kernel offset. */
export function windowHasPadding(axes: readonly Axis[]): boolean {
  return axes.some((a) => {
    for (let k = 0; k < a.kernel; k++) for (let o = 0; o < a.out; o++) if (sourceOf(a, o, k) < 0) return true;
    return false;
  });
}

/** The virtual candidate differences m − x_k of a max pool (range-checked by lookup). */
export function poolCandidates(output: string, count: number): string[] {
  return Array.from({ length: count }, (_, k) => `${output}#d${k}`);
}

/** The parts of a point on a pool's output (or input): batch and channel together, then each spatial axis. */
export function poolPoint(t: PlanTensor, point: Uint32Array): { rBC: Uint32Array; rS: Uint32Array[] } {
  const parts = splitPoint(point, t.logDims);
  return { rBC: point.subarray(point.length - 4 * (t.logDims[0]! + t.logDims[1]!)), rS: parts.slice(2) };
}

/** Why a pool cannot be proved, or null. */
export function poolProblem(kind: "maxpool" | "sumpool", x: Shaped, y: Shaped, window: Window): string | null {
  const d = window.kernel.length;
  if (d < 1 || x.shape.length !== d + 2 || y.shape.length !== d + 2) return `${kind} of rank ${x.shape.length}`;
  if (x.shape[0] !== y.shape[0] || x.shape[1] !== y.shape[1]) return `${kind} that changes batch or channels`;
  if (kind === "maxpool" && window.kernel.reduce((a, b) => a * b, 1) > 16) return `max pool over ${window.kernel.join("x")} windows (at most 16 candidates)`;
  return null;
}
