// Mirror of prover/gadgets/product.ts.
import { type Claim, broadcastPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { type Ext, P, extAdd, extEquals, extFromBase, extMul, extSub } from "../../field/index.ts";
import { eqEval } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

const fieldConst = (v: number): Ext => extFromBase(((v % P) + P) % P);

export function verifyMul(ctx: VerifierCtx, op: Extract<QOp, { kind: "mul" | "select" }>, claim: Claim): void {
  const T = ctx.plan.tensors, out = T[op.output]!;
  const a = T[op.inputs[0]!]!, b = T[op.inputs[1]!]!;
  const rounds = Array.from({ length: out.nVars }, () => ctx.r.words(12, `${op.source} sumcheck`).slice());
  const v = verifySumcheck(ctx.tr, claim.value, { rounds }, out.nVars, 3);
  if (!v.ok) throw new Reject(`${op.source}: ${op.kind} sumcheck fails at round ${v.round}: ${v.reason}`);
  const [av, bv] = ctx.r.recv(ctx.tr, LABELS.productEnds, 2, `${op.source} operand values`);
  const g = op.kind === "mul" ? extMul(av!, bv!) : extAdd(extSub(av!, extMul(av!, bv!)), extMul(fieldConst(op.fill), bv!));
  if (!extEquals(extMul(eqEval(claim.point, v.point), g), v.claim)) throw new Reject(`${op.source}: ${op.kind} does not match its operands`);
  ctx.book.add(a.name, broadcastPoint(v.point, out.logDims, a.shape, out.shape).slice(), av!);
  ctx.book.add(b.name, broadcastPoint(v.point, out.logDims, b.shape, out.shape).slice(), bv!);
}
