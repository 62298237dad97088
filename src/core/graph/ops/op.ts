// What every op definition provides: shape/type inference (used at load) and its float
// kernel (used by constant folding here and by eval/ at run time).
import type { Attrs } from "../attrs.ts";
import { GraphError } from "../errors.ts";
import type { DType, NumTensor, Tensor } from "../tensor.ts";

/** What load time knows of a value: its type and shape, and its data when it is a constant. */
export interface ValueMeta {
  dtype: DType;
  shape: number[];
  value?: Tensor;
}

export interface OutMeta {
  dtype: DType;
  shape: number[];
}

export interface OpCtx<I> {
  /** The node's stable id, for error messages. */
  node: string;
  opset: number;
  attrs: Attrs;
  /** One entry per declared input; undefined where an optional input is omitted. */
  inputs: (I | undefined)[];
  /** How many outputs the node declares (optional trailing outputs may be omitted). */
  nOutputs: number;
}

export interface OpDef {
  infer(ctx: OpCtx<ValueMeta>): OutMeta[];
  run(ctx: OpCtx<Tensor>): Tensor[];
  /** Computable from input shapes alone (Shape, Size): folds even when inputs vary. */
  shapeOnly?: boolean;
}

export function fail(ctx: { node: string }, what: string): GraphError {
  return new GraphError(`node ${ctx.node}: ${what}`, { node: ctx.node });
}

/** Input i, which the op requires. */
export function req<I>(ctx: OpCtx<I>, i: number): I {
  const v = ctx.inputs[i];
  if (v === undefined) throw fail(ctx, `input ${i} is required but missing; fix the model`);
  return v;
}

/** Input i as numbers (e.g. a shape or axes input); it must be known at load time. */
export function constInts(ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, i: number, what: string): number[] | undefined {
  const v = ctx.inputs[i];
  if (v === undefined) return undefined;
  const t = "data" in v ? (v as Tensor) : (v as ValueMeta).value;
  if (!t) {
    throw fail(ctx, `its ${what} (input ${i}) must be a constant or computable from shapes; ` +
      "this evaluator needs static shapes: export the model with fixed shapes");
  }
  if (t.dtype === "string") throw fail(ctx, `its ${what} (input ${i}) must be numeric`);
  return Array.from(t.data as ArrayLike<number>);
}

export function num(ctx: { node: string }, t: Tensor): NumTensor {
  if (t.dtype === "string") throw fail(ctx, "string tensors are not supported by this op; remove the string processing");
  return t as NumTensor;
}

/** Normalizes a possibly negative axis for a rank, or fails naming the node. */
export function axisOf(ctx: { node: string }, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) throw fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
