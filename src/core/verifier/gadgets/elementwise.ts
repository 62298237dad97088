// Mirror of prover/gadgets/elementwise.ts.
import { type Claim, broadcastPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { type Ext, P, extAdd, extEquals, extFromBase, extMul } from "../../field/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyAdd(ctx: VerifierCtx, op: Extract<QOp, { kind: "add" }>, claim: Claim): void {
  const T = ctx.plan.tensors, out = T[op.output]!;
  let sum: Ext = new Uint32Array(4);
  op.inputs.forEach((name, i) => {
    const v = ctx.recvEval(LABELS.addend, name, broadcastPoint(claim.point, out.logDims, T[name]!.shape, out.shape).slice(), `${op.source} addend`);
    const c = op.coeffs[i]!;
    sum = extAdd(sum, extMul(v, extFromBase(((c % P) + P) % P)));
  });
  if (!extEquals(sum, claim.value)) throw new Reject(`${op.source}: the sum does not match its addends`);
}
