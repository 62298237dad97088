// Requantization y = clamp(floor((x·M + 2^(s−1)) / 2^s)) with committed q, r (PROTOCOL §4): the
// lookups prove (q, y) ∈ clamp table and r ∈ [0, 2^s); here, at a fresh point ρ, the identity
// x·M + 2^(s−1) = q·2^s + r turns q̃(ρ), r̃(ρ) into the claim x̃(ρ) on the accumulator.
import { padInts } from "../../circuit/index.ts";
import { LABELS, requantInput } from "../../circuit/protocol.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";

export function proveRequant(ctx: ProverCtx, opIndex: number, op: Extract<QOp, { kind: "requant" }>): void {
  const rp = ctx.plan.requants.find((r) => r.op === opIndex)!;
  const rho = ctx.tr.squeezeExts(LABELS.requantPoint, ctx.plan.tensors[op.output]!.nVars);
  const qv = ctx.sendEval(LABELS.requantQ, rp.q, rho);
  const rv = rp.r ? ctx.sendEval(LABELS.requantR, rp.r, rho) : undefined;
  ctx.book.add(op.inputs[0]!, rho, requantInput(op, qv, rv));
}

/** y (live values, zero padding), and q, r over the whole padded accumulator (the identity holds there too). */
export function requantWitness(ctx: Pick<ProverCtx, "plan" | "values">, opIndex: number, op: Extract<QOp, { kind: "requant" }>, ref: Int32Array): Map<string, Float64Array> {
  const rp = ctx.plan.requants.find((r) => r.op === opIndex)!;
  const y = ctx.plan.tensors[op.output]!;
  const acc = ctx.values.get(op.inputs[0]!)!;
  const q = new Float64Array(acc.length), r = new Float64Array(acc.length);
  const half = op.s > 0 ? 2 ** (op.s - 1) : 0, div = 2 ** op.s;
  for (let p = 0; p < acc.length; p++) {
    const num = acc[p]! * op.M + half;
    q[p] = Math.floor(num / div);
    r[p] = num - q[p]! * div;
  }
  const out = new Map<string, Float64Array>([[op.output, padInts(ref, y.shape, y.logDims)], [rp.q, q]]);
  if (rp.r) out.set(rp.r, r);
  return out;
}
