// Mirror of prover/gadgets/indexmap.ts.
import { type Claim, joinPoint, relabelPoint, splitPoint } from "../../circuit/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { VerifierCtx } from "../context.ts";

export function verifyIndexMap(ctx: VerifierCtx, op: Extract<QOp, { kind: "indexmap" }>, claim: Claim): void {
  const x = ctx.plan.tensors[op.inputs[0]!]!, y = ctx.plan.tensors[op.output]!;
  const point = op.map.type === "reshape" ? claim.point : joinPoint(relabelPoint(op.map, splitPoint(claim.point, y.logDims), x.logDims, y.logDims));
  ctx.book.add(x.name, point, claim.value);
}
