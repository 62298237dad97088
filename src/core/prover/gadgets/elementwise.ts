// Add/Sub: a linear combination under numpy broadcasting; the claim passes to every addend at
// its broadcast point.
import { type Claim, broadcastPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { paddedSize } from "../../circuit/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { broadcastIndex } from "./fold.ts";

export function forwardAdd(ctx: Pick<ProverCtx, "plan" | "values">, op: Extract<QOp, { kind: "add" }>): Float64Array {
  const T = ctx.plan.tensors, out = T[op.output]!;
  const acc = new Float64Array(paddedSize(out.logDims));
  for (let i = 0; i < op.inputs.length; i++) {
    const name = op.inputs[i]!, iv = ctx.values.get(name)!, map = broadcastIndex(out, T[name]!), c = op.coeffs[i]!;
    for (let p = 0; p < acc.length; p++) acc[p]! += c * iv[map[p]!]!;
  }
  return acc;
}

export function proveAdd(ctx: ProverCtx, op: Extract<QOp, { kind: "add" }>, claim: Claim): void {
  const T = ctx.plan.tensors, out = T[op.output]!;
  for (const name of op.inputs) ctx.sendEval(LABELS.addend, name, broadcastPoint(claim.point, out.logDims, T[name]!.shape, out.shape).slice());
}
