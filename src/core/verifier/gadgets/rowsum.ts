// Mirror of prover/gadgets/rowsum.ts.
import { type Claim, concatPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { extEquals, extMul } from "../../field/index.ts";
import { liveSelector } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyRowsum(ctx: VerifierCtx, op: Extract<QOp, { kind: "reducemax" | "rowsum" }>, claim: Claim): void {
  const x = ctx.plan.tensors[op.inputs[0]!]!;
  let lo = 0;
  for (let d = x.logDims.length - 1; d > op.axis; d--) lo += x.logDims[d]!;
  const width = x.logDims[op.axis]!;
  const below = claim.point.subarray(0, 4 * lo), above = claim.point.subarray(4 * lo);
  const rounds = Array.from({ length: width }, () => ctx.r.words(8, `${op.source} sumcheck`).slice());
  const v = verifySumcheck(ctx.tr, claim.value, { rounds }, width, 2);
  if (!v.ok) throw new Reject(`${op.source}: row sum sumcheck fails at round ${v.round}: ${v.reason}`);
  const [xv] = ctx.r.recv(ctx.tr, LABELS.rowsumEnd, 1, `${op.source} summand`);
  if (!extEquals(extMul(liveSelector(x.shape[op.axis]!, v.point), xv!), v.claim)) throw new Reject(`${op.source}: row sum does not match its summands`);
  ctx.book.add(x.name, concatPoint(concatPoint(below, v.point), above), xv!);
}
