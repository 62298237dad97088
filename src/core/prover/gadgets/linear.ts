// Dense linear layer acc[m,n] = Σ_k x[m,k]·w[n,k] + b[n] (PROTOCOL §4, MatMul/Gemm): the claim
// on acc at (r_n, r_m) becomes a degree-2 sumcheck over k of x̃(r_m, k)·w̃(r_n, k).
import { type Claim, type PlanTensor, concatPoint, liveBlocks, padInts, paddedSize } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { foldHigh } from "./fold.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";

/**
 * A linear op's accumulator over the whole padded layout, from the integer evaluator's live
 * values: on padding every input is zero, so the formula gives the bias of the position's output
 * channel there (`channelOf`). No product is recomputed.
 */
export function accFromRef(out: PlanTensor, ref: Int32Array, bias: Float64Array | undefined, channelOf: (pos: number) => number): Float64Array {
  if (!bias) return padInts(ref, out.shape, out.logDims);
  return padInts(ref, out.shape, out.logDims, biasPadding(out, bias, channelOf).slice());
}

// The padding's values depend only on the output's geometry and the (model) bias: made once per
// pair, then each proof copies it and writes the live values over it.
const paddings = new WeakMap<PlanTensor, WeakMap<Float64Array, Float64Array>>();

function biasPadding(out: PlanTensor, bias: Float64Array, channelOf: (pos: number) => number): Float64Array {
  let byBias = paddings.get(out);
  if (!byBias) paddings.set(out, (byBias = new WeakMap()));
  let t = byBias.get(bias);
  if (t) return t;
  const live = new Uint8Array(paddedSize(out.logDims));
  const { positions, rows, len, stride } = liveBlocks(out.shape, out.logDims);
  for (const at of positions) for (let r = 0; r < rows; r++) live.fill(1, at + r * stride, at + r * stride + len);
  t = new Float64Array(live.length);
  for (let p = 0; p < t.length; p++) if (!live[p]) t[p] = bias[channelOf(p)]!;
  byBias.set(bias, t);
  return t;
}

/** acc[m,n] = Σ_k x[m,k]·w[n,k] + b[n] over the padded layout (n the lowest variables). */
export function forwardLinear(ctx: { plan: ProverCtx["plan"]; values: ProverCtx["values"] }, op: Extract<QOp, { kind: "linear" }>, ref: Int32Array): Float64Array {
  const T = ctx.plan.tensors;
  const w = T[op.inputs[1]!]!, nPad = 2 ** w.logDims[0]!;
  return accFromRef(T[op.output]!, ref, op.inputs[2] ? ctx.values.get(op.inputs[2])! : undefined, (p) => p % nPad);
}

export function proveLinear(ctx: ProverCtx, op: Extract<QOp, { kind: "linear" }>, claim: Claim): void {
  const T = ctx.plan.tensors;
  const x = T[op.inputs[0]!]!, w = T[op.inputs[1]!]!;
  const logN = w.logDims[0]!, logK = w.logDims[1]!;
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN);
  // The verifier subtracts b̃(r_n) from the claim; the sumcheck prover needs only the tables.
  if (op.inputs[2]) ctx.sendEval(LABELS.bias, op.inputs[2], rN.slice());
  const xk = foldHigh(ctx.field(x.name), logK, rM);
  const wk = ctx.foldHigh(w.name, logK, rN);
  const sc = proveProduct(ctx.tr, [{ data: xk, ext: true }, { data: wk, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.linearEnds, [sc.evals[0]!, sc.evals[1]!]);
  ctx.book.add(x.name, concatPoint(sc.point, rM), sc.evals[0]!);
  ctx.book.add(w.name, concatPoint(sc.point, rN), sc.evals[1]!);
}
