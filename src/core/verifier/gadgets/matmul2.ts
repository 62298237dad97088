// Mirror of prover/gadgets/matmul2.ts.
import { type Claim, broadcastPoint, concatPoint, type PlanTensor } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { extEquals, extMul } from "../../field/index.ts";
import { eqEval, liveSelector } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

function batchPoint(rB: Uint32Array, out: PlanTensor, operand: PlanTensor): Uint32Array {
  return broadcastPoint(rB, out.logDims.slice(0, -2), operand.shape.slice(0, -2), out.shape.slice(0, -2));
}

export function verifyMatmul2(ctx: VerifierCtx, op: Extract<QOp, { kind: "matmul2" }>, claim: Claim): void {
  const T = ctx.plan.tensors, out = T[op.output]!, a = T[op.inputs[0]!]!, c = T[op.inputs[1]!]!;
  const logM = a.logDims[a.logDims.length - 2]!, logK = a.logDims[a.logDims.length - 1]!, logN = c.logDims[c.logDims.length - 1]!;
  const K = a.shape[a.shape.length - 1]!;
  const batchVars = out.logDims.slice(0, -2).reduce((s, d) => s + d, 0);
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN, 4 * (logN + logM));
  const rB = claim.point.subarray(4 * (logN + logM));
  const vars = logK + batchVars;
  const rounds = Array.from({ length: vars }, () => ctx.r.words(12, `${op.source} sumcheck`).slice());
  const v = verifySumcheck(ctx.tr, claim.value, { rounds }, vars, 3);
  if (!v.ok) throw new Reject(`${op.source}: activation product sumcheck fails at round ${v.round}: ${v.reason}`);
  const [av, cv] = ctx.r.recv(ctx.tr, LABELS.matmulEnds, 2, `${op.source} operand values`);
  const rhoK = v.point.subarray(0, 4 * logK), rhoB = v.point.subarray(4 * logK);
  const weight = extMul(liveSelector(K, rhoK), eqEval(rB, rhoB));
  if (!extEquals(extMul(weight, extMul(av!, cv!)), v.claim)) throw new Reject(`${op.source}: activation product does not match its operands`);
  ctx.book.add(a.name, concatPoint(concatPoint(rhoK, rM), batchPoint(rhoB, out, a)), av!);
  ctx.book.add(c.name, concatPoint(concatPoint(rN, rhoK), batchPoint(rhoB, out, c)), cv!);
}
