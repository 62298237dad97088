// Mirror of prover/gadgets/reducemax.ts.
import { concatPoint, broadcastPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { type Ext, EXT_ONE, EXT_ZERO, extEquals, extMul, extSub } from "../../field/index.ts";
import { eqEval, liveSelector } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyMax(ctx: VerifierCtx, opIndex: number, op: Extract<QOp, { kind: "reducemax" | "rowsum" }>): void {
  const mp = ctx.plan.maxes.find((m) => m.op === opIndex);
  if (!mp) throw new Reject(`${op.source}: the plan has no max proof for this op`);
  const x = ctx.plan.tensors[op.inputs[0]!]!, m = ctx.plan.tensors[op.output]!;
  let lo = 0;
  for (let d = x.logDims.length - 1; d > op.axis; d--) lo += x.logDims[d]!;
  const width = x.logDims[op.axis]!, n = x.shape[op.axis]!;
  const rowVars = x.nVars - width;
  const split = (rho: Uint32Array) => ({ below: rho.subarray(0, 4 * lo), above: rho.subarray(4 * lo) });
  const sumcheck = (claim: Ext, vars: number, degree: number, what: string) => {
    const rounds = Array.from({ length: vars }, () => ctx.r.words(4 * degree, `${op.source} ${what}`).slice());
    const v = verifySumcheck(ctx.tr, claim, { rounds }, vars, degree);
    if (!v.ok) throw new Reject(`${op.source}: ${what} sumcheck fails at round ${v.round}: ${v.reason}`);
    return v;
  };

  const rho1 = ctx.tr.squeezeExts(LABELS.maxPoint, x.nVars);
  const dv = ctx.recvEval(LABELS.maxDiff, mp.diff, rho1, `${op.source} difference`);
  const mv = ctx.recvEval(LABELS.maxDiff, m.name, broadcastPoint(rho1, x.logDims, m.shape, x.shape).slice(), `${op.source} max`);
  ctx.book.add(x.name, rho1, extSub(mv, dv));

  const tau = ctx.tr.squeezeExts(LABELS.maxBool, x.nVars);
  const b = sumcheck(EXT_ZERO, x.nVars, 3, "one-hot");
  const [sb] = ctx.r.recv(ctx.tr, LABELS.maxBoolEnd, 1, `${op.source} one-hot value`);
  if (!extEquals(extMul(eqEval(tau, b.point), extMul(sb!, extSub(EXT_ONE, sb!))), b.claim)) throw new Reject(`${op.source}: the one-hot column is not Boolean`);
  ctx.book.add(mp.onehot, b.point, sb!);

  const rho3 = ctx.tr.squeezeExts(LABELS.maxSum, rowVars);
  const p3 = split(rho3);
  const c3 = sumcheck(EXT_ONE, width, 2, "one-hot row sum");
  const [s3] = ctx.r.recv(ctx.tr, LABELS.maxSumEnd, 1, `${op.source} one-hot value`);
  if (!extEquals(extMul(liveSelector(n, c3.point), s3!), c3.claim)) throw new Reject(`${op.source}: a row does not select exactly one entry`);
  ctx.book.add(mp.onehot, concatPoint(concatPoint(p3.below, c3.point), p3.above), s3!);

  const rho4 = ctx.tr.squeezeExts(LABELS.maxZero, rowVars);
  const c4 = sumcheck(EXT_ZERO, x.nVars, 3, "selected difference");
  const [s4, d4] = ctx.r.recv(ctx.tr, LABELS.maxZeroEnd, 2, `${op.source} one-hot and difference values`);
  const pt = split(c4.point);
  const jPart = pt.above.subarray(0, 4 * width), hPart = pt.above.subarray(4 * width);
  const weight = extMul(eqEval(rho4, concatPoint(pt.below, hPart)), liveSelector(n, jPart));
  if (!extEquals(extMul(weight, extMul(s4!, d4!)), c4.claim)) throw new Reject(`${op.source}: the selected entry is not the max`);
  ctx.book.add(mp.onehot, c4.point, s4!);
  ctx.book.add(mp.diff, c4.point, d4!);
}
