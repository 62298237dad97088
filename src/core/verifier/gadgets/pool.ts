// Mirror of prover/gadgets/pool.ts: the window relations and the padding indicator are evaluated
// here in O(bits).
import { type Claim, concatPoint } from "../../circuit/index.ts";
import { LABELS, pointToExts } from "../../circuit/protocol.ts";
import { axisRelation, axisShiftRelation, axisValidRelation, kernelOffsets, poolPoint, windowAxes, windowHasPadding } from "../../circuit/windows.ts";
import { type Ext, EXT_ONE, EXT_ZERO, extAdd, extEquals, extMul, extSub, extFromBase, P } from "../../field/index.ts";
import { eqEval, liveSelector } from "../../poly/index.ts";
import { relationMle } from "../../relation/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

type Pool = Extract<QOp, { kind: "maxpool" | "sumpool" }>;

function geometry(ctx: VerifierCtx, op: Pool) {
  const x = ctx.plan.tensors[op.inputs[0]!]!, y = ctx.plan.tensors[op.output]!;
  const axes = windowAxes(x, y, op.window);
  return { x, y, axes, offsets: kernelOffsets(axes) };
}

function sumcheck(ctx: VerifierCtx, op: Pool, claim: Ext, vars: number, degree: number, what: string) {
  const rounds = Array.from({ length: vars }, () => ctx.r.words(4 * degree, `${op.source} ${what}`).slice());
  const v = verifySumcheck(ctx.tr, claim, { rounds }, vars, degree);
  if (!v.ok) throw new Reject(`${op.source}: ${what} sumcheck fails at round ${v.round}: ${v.reason}`);
  return v;
}

export function verifyMaxPool(ctx: VerifierCtx, opIndex: number, op: Extract<QOp, { kind: "maxpool" }>): void {
  const pp = ctx.plan.pools.find((p) => p.op === opIndex);
  if (!pp) throw new Reject(`${op.source}: the plan has no max pool proof for this op`);
  const { x, y, axes, offsets } = geometry(ctx, op);

  const tau = ctx.tr.squeezeExts(LABELS.poolZero, y.nVars);
  const z = sumcheck(ctx, op, EXT_ZERO, y.nVars, pp.candidates.length + 1, "max zero-check");
  const ends = ctx.r.recv(ctx.tr, LABELS.poolZeroEnds, pp.candidates.length, `${op.source} candidate values`);
  if (!extEquals(ends.reduce((a, v) => extMul(a, v), eqEval(tau, z.point)), z.claim)) throw new Reject(`${op.source}: no candidate of some window is its max`);
  pp.candidates.forEach((c, k) => ctx.book.add(c, z.point, ends[k]!));

  const claims = pp.candidates.flatMap((c, k) => ctx.book.take(c).map((cl) => ({ k, point: cl.point, value: cl.value })));
  const maxAt = new Map<string, Ext>();
  for (const { point } of claims) {
    const key = point.join(",");
    if (!maxAt.has(key)) maxAt.set(key, ctx.recvEval(LABELS.poolMax, y.name, point, `${op.source} max`));
  }
  const padded = windowHasPadding(axes);
  const fill = extFromBase(((pp.fill % P) + P) % P);
  const alpha = ctx.tr.squeezeExt(LABELS.poolAlpha);
  // Σ_j α^j·(m̃(p_j) − d̃_k(p_j) − fill·ũ_k(p_j)) = Σ_i (Σ_j α^j·Ĩ_k(p_j, i))·x̃(i).
  let target: Ext = EXT_ZERO.slice(), coeff: Ext = EXT_ONE;
  const weights: { coeff: Ext; k: number; point: Uint32Array }[] = [];
  for (const { k, point, value } of claims) {
    let t = extSub(maxAt.get(point.join(","))!, value);
    if (padded) {
      const { rS } = poolPoint(y, point);
      let live: Ext = EXT_ONE, valid: Ext = EXT_ONE;
      axes.forEach((a, j) => {
        live = extMul(live, liveSelector(a.out, rS[j]!));
        valid = extMul(valid, relationMle(axisValidRelation(a, offsets[k]![j]!), [pointToExts(rS[j]!)]));
      });
      t = extSub(t, extMul(fill, extSub(live, valid)));
    }
    target = extAdd(target, extMul(coeff, t));
    weights.push({ coeff, k, point });
    coeff = extMul(coeff, alpha);
  }
  const g = sumcheck(ctx, op, target, x.nVars, 2, "window gather");
  const [xv] = ctx.r.recv(ctx.tr, LABELS.poolGatherEnd, 1, `${op.source} input value`);
  const at = poolPoint(x, g.point);
  let rel: Ext = EXT_ZERO.slice();
  for (const { coeff: c, k, point } of weights) {
    const { rBC, rS } = poolPoint(y, point);
    let w = extMul(c, eqEval(rBC, at.rBC));
    axes.forEach((a, j) => (w = extMul(w, relationMle(axisShiftRelation(a, offsets[k]![j]!), [pointToExts(rS[j]!), pointToExts(at.rS[j]!)]))));
    rel = extAdd(rel, w);
  }
  if (!extEquals(extMul(rel, xv!), g.claim)) throw new Reject(`${op.source}: the candidates do not match the input`);
  ctx.book.add(x.name, g.point, xv!);
}

export function verifySumPool(ctx: VerifierCtx, op: Extract<QOp, { kind: "sumpool" }>, claim: Claim): void {
  const { x, y, axes } = geometry(ctx, op);
  const { rBC, rS } = poolPoint(y, claim.point);
  const spatialVars = x.nVars - x.logDims[0]! - x.logDims[1]!;
  const v = sumcheck(ctx, op, claim.value, spatialVars, 2, "window sum");
  const [xv] = ctx.r.recv(ctx.tr, LABELS.sumpoolEnd, 1, `${op.source} input value`);
  const at = poolPoint({ ...x, logDims: [0, 0, ...x.logDims.slice(2)] }, v.point);
  let rel: Ext = EXT_ONE;
  axes.forEach((a, j) => (rel = extMul(rel, relationMle(axisRelation(a), [pointToExts(rS[j]!), null, pointToExts(at.rS[j]!)]))));
  if (!extEquals(extMul(rel, xv!), v.claim)) throw new Reject(`${op.source}: the window sums do not match the input`);
  ctx.book.add(x.name, concatPoint(v.point, rBC), xv!);
}
