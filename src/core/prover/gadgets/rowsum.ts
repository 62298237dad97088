// Sum along one axis, kept with size 1 (LayerNorm means and variances, Softmax denominators):
// acc̃(r) = Σ_j sel(j)·x̃(r_below, j, r_above), a degree-2 sumcheck over the axis' variables with
// the live selector, so x's padding along the axis never enters the sum (PROTOCOL §3).
import { type Claim, concatPoint, paddedSize } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { foldExcept } from "./fold.ts";
import { liveMask } from "./matmul2.ts";

type RowSum = Extract<QOp, { kind: "reducemax" | "rowsum" }>;

/** Variables below the axis, and the axis' own width, in x's layout. */
export function axisWindow(logDims: readonly number[], axis: number): { lo: number; width: number } {
  let lo = 0;
  for (let d = logDims.length - 1; d > axis; d--) lo += logDims[d]!;
  return { lo, width: logDims[axis]! };
}

export function forwardRowsum(ctx: Pick<ProverCtx, "plan" | "values">, op: RowSum): Float64Array {
  const x = ctx.plan.tensors[op.inputs[0]!]!, out = ctx.plan.tensors[op.output]!;
  const xv = ctx.values.get(x.name)!;
  const { lo, width } = axisWindow(x.logDims, op.axis);
  const below = 2 ** lo, n = x.shape[op.axis]!, span = 2 ** width;
  const y = new Float64Array(paddedSize(out.logDims));
  for (let i = 0; i < y.length; i++) {
    const l = i % below, h = Math.floor(i / below);
    let s = 0;
    for (let j = 0; j < n; j++) s += xv[(h * span + j) * below + l]!;
    y[i] = s;
  }
  return y;
}

export function proveRowsum(ctx: ProverCtx, op: RowSum, claim: Claim): void {
  const x = ctx.plan.tensors[op.inputs[0]!]!;
  const { lo, width } = axisWindow(x.logDims, op.axis);
  const below = claim.point.subarray(0, 4 * lo), above = claim.point.subarray(4 * lo);
  const table = foldExcept(ctx.field(x.name), lo, width, below, above);
  const sc = proveProduct(ctx.tr, [{ data: liveMask(x.shape[op.axis]!, width), ext: false }, { data: table, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.rowsumEnd, [sc.evals[1]!]);
  ctx.book.add(x.name, concatPoint(concatPoint(below, sc.point), above), sc.evals[1]!);
}
