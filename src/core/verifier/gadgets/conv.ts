// Mirror of prover/gadgets/conv.ts: the window relations are evaluated here in O(bits).
import { type Claim, concatPoint, splitPoint } from "../../circuit/index.ts";
import { LABELS, pointToExts } from "../../circuit/protocol.ts";
import { axisRelation, channelRelation, convLayout, convPoint } from "../../circuit/windows.ts";
import { type Ext, EXT_ONE, extEquals, extMul, extSub } from "../../field/index.ts";
import { relationMle } from "../../relation/index.ts";
import { eqEval } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyConv(ctx: VerifierCtx, op: Extract<QOp, { kind: "linear" }>, claim: Claim): void {
  const L = convLayout(ctx.plan.tensors, op);
  const { rB, rO, rGroup, rS } = convPoint(L, claim.point);
  let target = claim.value;
  if (op.inputs[2]) target = extSub(target, ctx.recvEval(LABELS.bias, op.inputs[2], rO.slice(), `${op.source} bias`));
  const sumcheck = (value: Ext, vars: number, degree: number, what: string) => {
    const rounds = Array.from({ length: vars }, () => ctx.r.words(4 * degree, `${op.source} ${what}`).slice());
    const v = verifySumcheck(ctx.tr, value, { rounds }, vars, degree);
    if (!v.ok) throw new Reject(`${op.source}: ${what} sumcheck fails at round ${v.round}: ${v.reason}`);
    return v;
  };

  if (L.general) {
    // Mirror of the prover's proveGeneralGroups.
    const g1 = sumcheck(target, L.w.nVars, 3, "convolution");
    const [wv, tv] = ctx.r.recv(ctx.tr, LABELS.convEnds, 2, `${op.source} weight and window values`);
    const [rhoO, rhoC, ...rhoK] = splitPoint(g1.point, L.w.logDims);
    if (!extEquals(extMul(eqEval(rO, rhoO!), extMul(wv!, tv!)), g1.claim)) throw new Reject(`${op.source}: convolution does not match its operands`);
    ctx.book.add(L.w.name, g1.point, wv!);
    const g2 = sumcheck(tv!, L.x.logDims[1]! + L.spatialVars, 2, "window");
    const [xv] = ctx.r.recv(ctx.tr, LABELS.convEnd, 1, `${op.source} input value`);
    const [rhoX, ...spatial] = splitPoint(g2.point, L.x.logDims.slice(1));
    let rel = relationMle(channelRelation(L), [pointToExts(rhoO!), pointToExts(rhoC!), pointToExts(rhoX!), null, null]);
    L.axes.forEach((a, j) => (rel = extMul(rel, relationMle(axisRelation(a), [pointToExts(rS[j]!), pointToExts(rhoK[j]!), pointToExts(spatial[j]!)]))));
    if (!extEquals(extMul(rel, xv!), g2.claim)) throw new Reject(`${op.source}: the window does not match the input`);
    ctx.book.add(L.x.name, concatPoint(g2.point, rB), xv!);
    return;
  }
  const rOwn = rO.subarray(0, rO.length - rGroup.length);
  const v1 = sumcheck(target, L.innerVars + L.groupVars, L.groupVars > 0 ? 3 : 2, "convolution");
  const [wv, cv] = ctx.r.recv(ctx.tr, LABELS.convEnds, 2, `${op.source} weight and window values`);
  const innerPoint = v1.point.subarray(0, 4 * L.innerVars), groupPoint = v1.point.subarray(4 * L.innerVars);
  if (!extEquals(extMul(eqEval(rGroup, groupPoint), extMul(wv!, cv!)), v1.claim)) throw new Reject(`${op.source}: convolution does not match its operands`);
  ctx.book.add(L.w.name, concatPoint(innerPoint, concatPoint(rOwn, groupPoint)), wv!);

  const inner = splitPoint(innerPoint, L.w.logDims.slice(1));
  const xPoint = concatPoint(concatPoint(inner[0]!, groupPoint), rB);
  const v2 = sumcheck(cv!, L.spatialVars, 2, "window");
  const [xv] = ctx.r.recv(ctx.tr, LABELS.convEnd, 1, `${op.source} input value`);
  const spatial = splitPoint(v2.point, L.x.logDims.slice(2));
  let rel: Ext = EXT_ONE;
  L.axes.forEach((a, j) => (rel = extMul(rel, relationMle(axisRelation(a), [pointToExts(rS[j]!), pointToExts(inner[1 + j]!), pointToExts(spatial[j]!)]))));
  if (!extEquals(extMul(rel, xv!), v2.claim)) throw new Reject(`${op.source}: the window does not match the input`);
  ctx.book.add(L.x.name, concatPoint(v2.point, xPoint), xv!);
}
