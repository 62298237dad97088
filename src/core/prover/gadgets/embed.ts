// Embedding lookup by public token ids (PROTOCOL §4 "Gather on token ids", public ids):
// ỹ(r_d, r_t) = Σ_v w(v)·Ẽ(v, r_d) with w(v) = Σ_{t live} eq(r_t, t)·[ids_t = v], which the verifier
// computes from the public ids; one degree-2 sumcheck over the vocabulary ends in a claim on E.
import { type Claim, concatPoint, forEachLive, paddedSize } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { extAdd } from "../../field/index.ts";
import { eqTable } from "../../poly/index.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { foldLowExt, foldHigh } from "./fold.ts";

type Embed = Extract<QOp, { kind: "embed" }>;

export function forwardEmbed(ctx: Pick<ProverCtx, "plan" | "values">, op: Embed): Float64Array {
  const T = ctx.plan.tensors, ids = T[op.inputs[0]!]!, table = T[op.inputs[1]!]!, out = T[op.output]!;
  const iv = ctx.values.get(ids.name)!, tv = ctx.values.get(table.name)!;
  const D = 2 ** table.logDims[1]!;
  const y = new Float64Array(paddedSize(out.logDims));
  // Padded token positions embed to zero: the verifier's weights count live positions only.
  forEachLive(ids.shape, ids.logDims, (_, pos) => y.set(tv.subarray(iv[pos]! * D, iv[pos]! * D + D), pos * D));
  return y;
}

export function proveEmbed(ctx: ProverCtx, op: Embed, claim: Claim): void {
  const T = ctx.plan.tensors, ids = T[op.inputs[0]!]!, table = T[op.inputs[1]!]!;
  const logD = table.logDims[1]!, logV = table.logDims[0]!;
  const rD = claim.point.subarray(0, 4 * logD), rT = claim.point.subarray(4 * logD);
  const eqT = eqTable(rT);
  const iv = ctx.values.get(ids.name)!;
  const w = new Uint32Array(4 * 2 ** logV);
  forEachLive(ids.shape, ids.logDims, (_, pos) => {
    const v = iv[pos]!;
    w.set(extAdd(w.subarray(4 * v, 4 * v + 4), eqT.subarray(4 * pos, 4 * pos + 4)), 4 * v);
  });
  const e = foldLowExt(foldHigh(ctx.field(table.name), logD + logV, new Uint32Array(0)), rD);
  const sc = proveProduct(ctx.tr, [{ data: w, ext: true }, { data: e, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.embedEnd, [sc.evals[1]!]);
  ctx.book.add(table.name, concatPoint(rD, sc.point), sc.evals[1]!);
}
