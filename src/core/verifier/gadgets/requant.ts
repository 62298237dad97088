// Mirror of prover/gadgets/requant.ts.
import { LABELS, requantInput } from "../../circuit/protocol.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { VerifierCtx } from "../context.ts";

export function verifyRequant(ctx: VerifierCtx, opIndex: number, op: Extract<QOp, { kind: "requant" }>): void {
  const rp = ctx.plan.requants.find((r) => r.op === opIndex)!;
  const rho = ctx.tr.squeezeExts(LABELS.requantPoint, ctx.plan.tensors[op.output]!.nVars);
  const qv = ctx.recvEval(LABELS.requantQ, rp.q, rho, `${op.source} quotient`);
  const rv = rp.r ? ctx.recvEval(LABELS.requantR, rp.r, rho, `${op.source} remainder`) : undefined;
  ctx.book.add(op.inputs[0]!, rho, requantInput(op, qv, rv));
}
