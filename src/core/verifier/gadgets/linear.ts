// Mirror of prover/gadgets/linear.ts.
import { type Claim, concatPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { extEquals, extMul, extSub } from "../../field/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyLinear(ctx: VerifierCtx, op: Extract<QOp, { kind: "linear" }>, claim: Claim): void {
  const T = ctx.plan.tensors;
  const x = T[op.inputs[0]!]!, w = T[op.inputs[1]!]!;
  const logN = w.logDims[0]!, logK = w.logDims[1]!;
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN);
  let target = claim.value;
  if (op.inputs[2]) target = extSub(target, ctx.recvEval(LABELS.bias, op.inputs[2], rN.slice(), `${op.source} bias`));
  const rounds = Array.from({ length: logK }, () => ctx.r.words(8, `${op.source} sumcheck`).slice());
  const v = verifySumcheck(ctx.tr, target, { rounds }, logK, 2);
  if (!v.ok) throw new Reject(`${op.source}: matrix product sumcheck fails at round ${v.round}: ${v.reason}`);
  const [xv, wv] = ctx.r.recv(ctx.tr, LABELS.linearEnds, 2, `${op.source} operand values`);
  if (!extEquals(extMul(xv!, wv!), v.claim)) throw new Reject(`${op.source}: matrix product does not match its operands`);
  ctx.book.add(x.name, concatPoint(v.point, rM), xv!);
  ctx.book.add(w.name, concatPoint(v.point, rN), wv!);
}
