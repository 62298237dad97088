// Index maps that are not relabelings of the padded layout (PROTOCOL §4 "Reshape / Flatten /
// Transpose / Slice / Concat / Pad / Gather by public index"): for each input x_j, the claim on y
// becomes Σ_i Ĩ_j(r, i)·x̃_j(i) against a relation the verifier evaluates itself:
// - axes: per dimension i = step·o + start, o < out, i < in (Slice with any start and step, Pad,
//   each input of a Concat), or o = step·i + start (zeros inserted: a transposed conv's input):
//   O(bits) per dimension by the relation automaton;
// - flat: Σ_d stride_out·o_d = Σ_d stride_in·i_d over live coordinates (Reshape and Flatten of
//   non-power-of-two shapes): one linear constraint, O(bits), over the dimensions between the
//   leading and trailing blocks both shapes share; those blocks' axes map to themselves;
// - gather: one axis picks public indices (Gather by constant indices): O(#indices·bits).
// Outside the relation y is 0: its padding and the positions an input does not cover.
import type { IndexMap } from "../quant/qgraph.ts";
import type { Relation } from "../relation/index.ts";
import { log2Ceil } from "./log.ts";
import { relabelingProblem } from "./indexmaps.ts";
import { CircuitError } from "./errors.ts";

export interface AxisMap {
  out: number;
  outLog: number;
  in: number;
  inLog: number;
  step: number;
  start: number;
  /** The other way round: o = step·i + start (zeros between the copies). */
  up?: boolean;
}

export type MapRelation =
  | { kind: "axes"; axes: AxisMap[] }
  | { kind: "flat"; rel: Relation; outDims: number[]; inDims: number[]; same: { out: number; in: number; axis: AxisMap }[] }
  | { kind: "gather"; axes: AxisMap[]; axis: number; indices: number[] };

/** Variables an index relation may have (the automaton's limit). */
const MAX_FLAT_VARS = 6;

const axisOf = (out: number, inn: number, step: number, start: number): AxisMap => ({ out, outLog: log2Ceil(out), in: inn, inLog: log2Ceil(inn), step, start });

/** [o, i]: i = step·o + start, o < out, i < in. */
export function axisMapRelation(a: AxisMap): Relation {
  return {
    vars: [{ bits: a.outLog, bound: a.out }, { bits: a.inLog, bound: a.in }],
    constraints: [a.up ? { coeffs: [1, -a.step], constant: -a.start, kind: "eq" } : { coeffs: [a.step, -1], constant: a.start, kind: "eq" }],
  };
}

/** The relation from y's layout to each input's, or a reason it cannot be proved. */
export function mapRelations(map: IndexMap, inShapes: readonly number[][], outShape: readonly number[]): MapRelation[] | string {
  const x = inShapes[0]!;
  const same = (d: number, inn = x) => axisOf(outShape[d]!, inn[d]!, 1, 0);
  switch (map.type) {
    case "slice":
      return [{ kind: "axes", axes: outShape.map((o, d) => axisOf(o, x[d]!, map.steps[d]!, map.starts[d]!)) }];
    case "pad":
      return [{ kind: "axes", axes: outShape.map((o, d) => axisOf(o, x[d]!, 1, -map.padBegin[d]!)) }];
    case "upsample":
      return [{ kind: "axes", axes: outShape.map((o, d) => ({ ...axisOf(o, x[d]!, map.factors[d]!, map.starts[d]!), up: true })) }];
    case "concat": {
      let off = 0;
      return inShapes.map((s) => {
        const axes = outShape.map((o, d) => axisOf(o, s[d]!, 1, d === map.axis ? -off : 0));
        off += s[map.axis]!;
        return { kind: "axes", axes };
      });
    }
    case "gather": {
      const n = x[map.axis]!;
      if (map.indices.some((v) => !Number.isInteger(v) || v < -n || v >= n)) return `gather index outside an axis of ${n}`;
      if (map.indices.length !== outShape[map.axis]) return "gather output does not match its indices";
      return [{ kind: "gather", axes: outShape.map((_, d) => (d === map.axis ? axisOf(outShape[d]!, x[d]!, 1, 0) : same(d))), axis: map.axis, indices: map.indices.map((v) => (v < 0 ? v + n : v)) }];
    }
    case "reshape": {
      // Blocks of leading and trailing dimensions both shapes share map to themselves axis by
      // axis (row-major: equal flat indices ⟺ equal coordinates in them and equal flat indices
      // of the middle); only the middle needs the flat constraint (ShuffleNet's [1,112,56,56] ↔
      // [1,4,28,56,56], InstanceNormalization's [N,C,H,W] ↔ [N,C,H·W]).
      const m = Math.min(x.length, outShape.length);
      let common = 0, lead = 0;
      while (common < m && x[x.length - 1 - common] === outShape[outShape.length - 1 - common]) common++;
      while (lead < m - common && x[lead] === outShape[lead]) lead++;
      const oHead = outShape.length - common, iHead = x.length - common;
      const ident = (o: number, i: number) => ({ out: o, in: i, axis: axisOf(x[i]!, x[i]!, 1, 0) });
      const same = [...Array.from({ length: lead }, (_, d) => ident(d, d)), ...Array.from({ length: common }, (_, k) => ident(oHead + k, iHead + k))].filter((s) => s.axis.in > 1);
      const outDims = outShape.map((_, d) => d).filter((d) => d >= lead && d < oHead && outShape[d]! > 1), inDims = x.map((_, d) => d).filter((d) => d >= lead && d < iHead && x[d]! > 1);
      if (outDims.length + inDims.length > MAX_FLAT_VARS) return `reshape ${JSON.stringify(x)} → ${JSON.stringify(outShape)} has more than ${MAX_FLAT_VARS} dimensions above 1 besides the leading and trailing ones they share`;
      const strides = (s: readonly number[], dims: number[], end: number) => dims.map((d) => s.slice(d + 1, end).reduce((a, b) => a * b, 1));
      const so = strides(outShape, outDims, oHead), si = strides(x, inDims, iHead);
      if ([...so, ...si].some((c) => c > 2 ** 20)) return `reshape ${JSON.stringify(x)} → ${JSON.stringify(outShape)} has strides over 2^20`;
      const rel: Relation = {
        vars: [...outDims.map((d) => ({ bits: log2Ceil(outShape[d]!), bound: outShape[d]! })), ...inDims.map((d) => ({ bits: log2Ceil(x[d]!), bound: x[d]! }))],
        constraints: [{ coeffs: [...so, ...si.map((c) => -c)], constant: 0, kind: "eq" }],
      };
      return [{ kind: "flat", rel, outDims, inDims, same }];
    }
    case "transpose":
      return "a transpose is a relabeling";
  }
}

/** Whether an index map op is proved as a relabeling (no sumcheck) rather than by relations. */
export function isRelabeling(tensors: Record<string, { shape: number[] }>, op: { inputs: string[]; output: string; map: IndexMap }): boolean {
  return op.inputs.length === 1 && relabelingProblem(op.map, tensors[op.inputs[0]!]!.shape, tensors[op.output]!.shape) === null;
}

/** Why an index map cannot be proved, or null. */
export function indexMapProblem(tensors: Record<string, { shape: number[] }>, op: { inputs: string[]; output: string; map: IndexMap }): string | null {
  if (isRelabeling(tensors, op)) return null;
  const r = mapRelations(op.map, op.inputs.map((n) => tensors[n]!.shape), tensors[op.output]!.shape);
  return typeof r === "string" ? r : null;
}

/** The relations of an op the compiler accepted. */
export function relationsOf(tensors: Record<string, { shape: number[] }>, op: { inputs: string[]; output: string; map: IndexMap }): MapRelation[] {
  const r = mapRelations(op.map, op.inputs.map((n) => tensors[n]!.shape), tensors[op.output]!.shape);
  if (typeof r === "string") throw new CircuitError(`${op.output}: ${r}`);
  return r;
}
