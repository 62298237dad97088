// Convolution (PROTOCOL §4 Conv): acc = W ⊛ x + bias, proved by two sumchecks, im2col never
// materialized or committed. With the claim on acc at (r_B, r_O, r_S):
// (1) acc̃ − b̃(r_O) = Σ_{gi, c', k} eq(r_group, gi)·W̃((r_o', gi), c', k)·X̃col(gi, c', k) over
//     W's per-group channel and kernel axes and the group index (r_O = (r_o', r_group); g = 1 has
//     no group variables and no eq factor, degree 2; else degree 3), where X̃col(gi, c', k) = Σ_i Π_j Ĩ_j(r_Sj, k_j, i_j)·x̃(r_B, (gi, c'), i);
// (2) at the first sumcheck's point (ρ_k, ρ_c, ρ_g): X̃col = Σ_i Π_j Ĩ_j(r_Sj, ρ_kj, i_j)·x̃(r_B, (ρ_g, ρ_c), i)
//     over x's spatial axes, Ĩ_j evaluated by the verifier in O(bits) (circuit/windows.ts).
// Groups whose channel counts are not powers of two: proveGeneralGroups below.
import { type Claim, concatPoint, splitPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { convLayout, convPoint, type ConvLayout } from "../../circuit/windows.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import { eqTable } from "../../poly/index.ts";
import { extAdd, extMul } from "../../field/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { foldHigh } from "./fold.ts";
import { accFromRef } from "./linear.ts";
import { axisMatrix, axisVector, contractWindow, outerProduct } from "./window-tables.ts";

type Linear = Extract<QOp, { kind: "linear" }>;


/**
 * acc over its padded layout: the convolution of x's live channels and positions over every padded
 * batch row (by the exact integer kernel), plus the bias broadcast everywhere.
 */
/** The conv accumulator over the padded layout [B, O, ...S'] (bias by output channel o on padding). */
export function forwardConv(ctx: Pick<ProverCtx, "plan" | "values">, op: Linear, ref: Int32Array): Float64Array {
  const { y } = convLayout(ctx.plan.tensors, op);
  const inner = 2 ** y.logDims.slice(2).reduce((a, b) => a + b, 0), channels = 2 ** y.logDims[1]!;
  return accFromRef(y, ref, op.inputs[2] ? ctx.values.get(op.inputs[2])! : undefined, (p) => Math.floor(p / inner) % channels);
}

/** W̃((r_o', gi), c', k) over (gi, c', k) for g > 1 groups: W's output-channel variables within a group fixed at r_o'. */
function groupFold(w: Uint32Array, innerVars: number, groupVars: number, rOwn: Uint32Array): Uint32Array {
  const block = w.length / 2 ** groupVars, inner = 2 ** innerVars;
  const out = new Uint32Array(4 * inner * 2 ** groupVars);
  for (let gi = 0; gi < 2 ** groupVars; gi++) out.set(foldHigh(w.subarray(gi * block, (gi + 1) * block), innerVars, rOwn), 4 * gi * inner);
  return out;
}

/** eq(r_group, gi) over (gi, c', k): constant in the low variables. */
function groupEq(innerVars: number, rGroup: Uint32Array): Uint32Array {
  const eq = eqTable(rGroup), inner = 2 ** innerVars;
  const out = new Uint32Array(eq.length * inner);
  for (let gi = 0; gi < eq.length / 4; gi++) for (let j = 0; j < inner; j++) out.set(eq.subarray(4 * gi, 4 * gi + 4), 4 * (gi * inner + j));
  return out;
}

export function proveConv(ctx: ProverCtx, op: Linear, claim: Claim): void {
  const L = convLayout(ctx.plan.tensors, op);
  const { rB, rO, rGroup, rS } = convPoint(L, claim.point);
  if (op.inputs[2]) ctx.sendEval(LABELS.bias, op.inputs[2], rO.slice());
  if (L.general) return proveGeneralGroups(ctx, L, rB, rO, rS);

  // (1) over (group, c', k): with g > 1 the group index is summed too, since W and x share it:
  // Σ_{gi} eq(r_group, gi)·W̃((r_o', gi), c', k)·X̃col(gi, c', k).
  const matrices = L.axes.map((a, j) => axisMatrix(a, rS[j]!));
  const chanLog = L.w.logDims[1]!;
  const rOwn = rO.subarray(0, rO.length - rGroup.length);
  const xf = rB.length === 0 ? ctx.field(L.x.name) : foldHigh(ctx.field(L.x.name), L.groupVars + chanLog + L.spatialVars, rB);
  const col = contractWindow(xf, rB.length > 0, 2 ** (L.groupVars + chanLog), L.axes, matrices);
  const wk = L.groupVars === 0 ? ctx.foldHigh(L.w.name, L.innerVars, rOwn) : groupFold(ctx.field(L.w.name), L.innerVars, L.groupVars, rOwn);
  const tables = [{ data: wk, ext: true }, { data: col, ext: true }];
  if (L.groupVars > 0) tables.unshift({ data: groupEq(L.innerVars, rGroup), ext: true });
  const sc = proveProduct(ctx.tr, tables);
  const [wv, cv] = sc.evals.slice(-2) as [Uint32Array, Uint32Array];
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.convEnds, [wv, cv]);
  const groupPoint = sc.point.subarray(4 * L.innerVars);
  ctx.book.add(L.w.name, concatPoint(sc.point.subarray(0, 4 * L.innerVars), concatPoint(rOwn, groupPoint)), wv);

  // (2) over x's spatial axes, at the channel point (ρ_c, r_group) and r_B.
  const inner = splitPoint(sc.point.subarray(0, 4 * L.innerVars), L.w.logDims.slice(1));
  const xPoint = concatPoint(concatPoint(inner[0]!, groupPoint), rB);
  const g = outerProduct(L.axes.map((a, j) => axisVector(a, matrices[j]!, inner[1 + j]!)));
  const xs = foldHigh(ctx.field(L.x.name), L.spatialVars, xPoint);
  const sc2 = proveProduct(ctx.tr, [{ data: g, ext: true }, { data: xs, ext: true }]);
  for (const r of sc2.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.convEnd, [sc2.evals[1]!]);
  ctx.book.add(L.x.name, concatPoint(sc2.point, xPoint), sc2.evals[1]!);
}

/**
 * Groups whose channel counts are not powers of two: the output channel o cannot be split by
 * bits, so (1) runs over all of W's variables, Σ_{o, c', k} eq(r_O, o)·W̃(o, c', k)·T(o, c', k)
 * with T(o, c', k) = X̃col(g(o)·C/G + c', k) (degree 3), and (2) over x's channels and spatial
 * axes against the channel relation (circuit/windows.ts channelRelation) and the window's.
 */
function proveGeneralGroups(ctx: ProverCtx, L: ConvLayout, rB: Uint32Array, rO: Uint32Array, rS: Uint32Array[]): void {
  const O = L.y.shape[1]!, C = L.x.shape[1]!, Og = O / L.group, Cg = C / L.group;
  const chanLog = L.x.logDims[1]!, cgPad = 2 ** L.w.logDims[1]!, inner = 2 ** (L.innerVars - L.w.logDims[1]!);
  const matrices = L.axes.map((a, j) => axisMatrix(a, rS[j]!));
  const xf = rB.length === 0 ? ctx.field(L.x.name) : foldHigh(ctx.field(L.x.name), chanLog + L.spatialVars, rB);
  const col = contractWindow(xf, rB.length > 0, 2 ** chanLog, L.axes, matrices);
  const size = 2 ** L.w.nVars, block = cgPad * inner;
  const t = new Uint32Array(4 * size), e = new Uint32Array(4 * size);
  const eqO = eqTable(rO);
  for (let o = 0; o < 2 ** L.w.logDims[0]!; o++) {
    for (let j = 0; j < block; j++) e.set(eqO.subarray(4 * o, 4 * o + 4), 4 * (o * block + j));
    if (o >= O) continue;
    const base = Math.floor(o / Og) * Cg;
    for (let c = 0; c < Cg; c++) t.set(col.subarray(4 * (base + c) * inner, 4 * (base + c + 1) * inner), 4 * (o * block + c * inner));
  }
  const sc = proveProduct(ctx.tr, [{ data: e, ext: true }, { data: ctx.field(L.w.name), ext: false }, { data: t, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.convEnds, [sc.evals[1]!, sc.evals[2]!]);
  ctx.book.add(L.w.name, sc.point, sc.evals[1]!);

  const [rhoO, rhoC, ...rhoK] = splitPoint(sc.point, L.w.logDims);
  const eo = eqTable(rhoO!), ec = eqTable(rhoC!);
  const chan = new Uint32Array(4 * 2 ** chanLog);
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < Cg; c++) {
      const at = 4 * (Math.floor(o / Og) * Cg + c);
      chan.set(extAdd(chan.subarray(at, at + 4), extMul(eo.subarray(4 * o, 4 * o + 4), ec.subarray(4 * c, 4 * c + 4))), at);
    }
  }
  const g = outerProduct([chan, ...L.axes.map((a, j) => axisVector(a, matrices[j]!, rhoK[j]!))]);
  const xs = rB.length === 0 ? ctx.field(L.x.name) : foldHigh(ctx.field(L.x.name), chanLog + L.spatialVars, rB);
  const sc2 = proveProduct(ctx.tr, [{ data: g, ext: true }, { data: xs, ext: rB.length > 0 }]);
  for (const r of sc2.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.convEnd, [sc2.evals[1]!]);
  ctx.book.add(L.x.name, concatPoint(sc2.point, rB), sc2.evals[1]!);
}
