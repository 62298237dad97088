// Row max m = max_j x[.., j, ..] (Softmax's shift; PROTOCOL §4 ReduceMax): committed one-hot s
// and d = m − x. Proved by (1) d = bcast(m) − x at a random point, which also hands a claim to x;
// (2) s·(1 − s) = 0 everywhere (zero-check); (3) Σ_{j live} s = 1 for every row; (4)
// Σ_{j live} s·d = 0 for every row; and d ≥ 0 on live entries by the range lookup of the plan.
// Together: exactly one live j per row has d = 0 and none has d < 0, so m is that row's max.
import { concatPoint, broadcastPoint, type ProofPlan, type PlanTensor } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { extSub } from "../../field/index.ts";
import { eqTable } from "../../poly/index.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { foldExcept } from "./fold.ts";
import { liveMask } from "./matmul2.ts";
import { axisWindow } from "./rowsum.ts";

type ReduceMax = Extract<QOp, { kind: "reducemax" | "rowsum" }>;

/** eq(ρ_row, row(x))·[j(x) < n] over x's padded layout: the weights of a per-row live sum. */
export function rowWeights(x: PlanTensor, axis: number, rowPoint: Uint32Array): Uint32Array {
  const { lo, width } = axisWindow(x.logDims, axis);
  const eqRow = eqTable(rowPoint);
  const below = 2 ** lo, span = 2 ** width, n = x.shape[axis]!;
  const size = 2 ** x.nVars;
  const out = new Uint32Array(4 * size);
  for (let pos = 0; pos < size; pos++) {
    const l = pos % below, j = Math.floor(pos / below) % span, h = Math.floor(pos / (below * span));
    if (j >= n) continue;
    const row = l + h * below;
    out.set(eqRow.subarray(4 * row, 4 * row + 4), 4 * pos);
  }
  return out;
}

export function maxWitness(ctx: Pick<ProverCtx, "plan" | "values">, opIndex: number, op: ReduceMax): Map<string, Float64Array> {
  const plan: ProofPlan = ctx.plan;
  const mp = plan.maxes.find((m) => m.op === opIndex)!;
  const x = plan.tensors[op.inputs[0]!]!, m = plan.tensors[op.output]!;
  const xv = ctx.values.get(x.name)!;
  const { lo, width } = axisWindow(x.logDims, op.axis);
  const below = 2 ** lo, span = 2 ** width, n = x.shape[op.axis]!;
  const rows = xv.length / span;
  const mv = new Float64Array(2 ** m.nVars), s = new Float64Array(xv.length), d = new Float64Array(xv.length);
  // Every row, padded ones included, gets its max over the live j: the checks hold everywhere.
  for (let row = 0; row < rows; row++) {
    const l = row % below, h = Math.floor(row / below);
    const at = (j: number) => (h * span + j) * below + l;
    let best = 0;
    for (let j = 1; j < n; j++) if (xv[at(j)]! > xv[at(best)]!) best = j;
    const max = xv[at(best)]!;
    mv[row] = max;
    s[at(best)] = 1;
    for (let j = 0; j < span; j++) d[at(j)] = max - xv[at(j)]!;
  }
  return new Map([[op.output, mv], [mp.onehot, s], [mp.diff, d]]);
}

export function proveMax(ctx: ProverCtx, opIndex: number, op: ReduceMax): void {
  const mp = ctx.plan.maxes.find((m) => m.op === opIndex)!;
  const x = ctx.plan.tensors[op.inputs[0]!]!, m = ctx.plan.tensors[op.output]!;
  const { lo, width } = axisWindow(x.logDims, op.axis);
  const rowVars = x.nVars - width;
  const split = (rho: Uint32Array) => ({ below: rho.subarray(0, 4 * lo), above: rho.subarray(4 * lo) });
  const s = ctx.field(mp.onehot), d = ctx.field(mp.diff);

  // (1) d = bcast(m) − x at a random point; x gets the claim m − d.
  const rho1 = ctx.tr.squeezeExts(LABELS.maxPoint, x.nVars);
  const dv = ctx.sendEval(LABELS.maxDiff, mp.diff, rho1);
  const mv = ctx.sendEval(LABELS.maxDiff, m.name, broadcastPoint(rho1, x.logDims, m.shape, x.shape).slice());
  ctx.book.add(x.name, rho1, extSub(mv, dv));

  // (2) s ∈ {0, 1}: Σ eq(τ, x)·s·(1 − s) = 0.
  const tau = ctx.tr.squeezeExts(LABELS.maxBool, x.nVars);
  const oneMinus = new Uint32Array(s.length);
  for (let i = 0; i < s.length; i++) oneMinus[i] = 1 - s[i]!;
  const b = proveProduct(ctx.tr, [{ data: eqTable(tau), ext: true }, { data: s, ext: false }, { data: oneMinus, ext: false }]);
  for (const r of b.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.maxBoolEnd, [b.evals[1]!]);
  ctx.book.add(mp.onehot, b.point, b.evals[1]!);

  // (3) every row's live s sum to 1.
  const rho3 = ctx.tr.squeezeExts(LABELS.maxSum, rowVars);
  const p3 = split(rho3);
  const sc3 = proveProduct(ctx.tr, [{ data: liveMask(x.shape[op.axis]!, width), ext: false }, { data: foldExcept(s, lo, width, p3.below, p3.above), ext: true }]);
  for (const r of sc3.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.maxSumEnd, [sc3.evals[1]!]);
  ctx.book.add(mp.onehot, concatPoint(concatPoint(p3.below, sc3.point), p3.above), sc3.evals[1]!);

  // (4) every row's live s·d sum to 0.
  const rho4 = ctx.tr.squeezeExts(LABELS.maxZero, rowVars);
  const sc4 = proveProduct(ctx.tr, [{ data: rowWeights(x, op.axis, rho4), ext: true }, { data: s, ext: false }, { data: d, ext: false }]);
  for (const r of sc4.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.maxZeroEnd, [sc4.evals[1]!, sc4.evals[2]!]);
  ctx.book.add(mp.onehot, sc4.point, sc4.evals[1]!);
  ctx.book.add(mp.diff, sc4.point, sc4.evals[2]!);
}
