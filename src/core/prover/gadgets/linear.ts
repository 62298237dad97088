// Dense linear layer acc[m,n] = Σ_k x[m,k]·w[n,k] + b[n] (PROTOCOL §4, MatMul/Gemm): the claim
// on acc at (r_n, r_m) becomes a degree-2 sumcheck over k of x̃(r_m, k)·w̃(r_n, k).
import { type Claim, concatPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { foldHigh } from "./fold.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";

export function forwardLinear(ctx: { plan: ProverCtx["plan"]; values: ProverCtx["values"] }, op: Extract<QOp, { kind: "linear" }>): Float64Array {
  const T = ctx.plan.tensors;
  const x = T[op.inputs[0]!]!, w = T[op.inputs[1]!]!;
  const xv = ctx.values.get(x.name)!, wv = ctx.values.get(w.name)!, bv = op.inputs[2] ? ctx.values.get(op.inputs[2])! : undefined;
  const kPad = 2 ** x.logDims[x.logDims.length - 1]!, nPad = 2 ** w.logDims[0]!;
  const mPad = xv.length / kPad;
  const acc = new Float64Array(mPad * nPad);
  for (let m = 0; m < mPad; m++) {
    for (let n = 0; n < nPad; n++) {
      let s = bv ? bv[n]! : 0;
      for (let k = 0; k < kPad; k++) s += xv[m * kPad + k]! * wv[n * kPad + k]!;
      acc[m * nPad + n] = s;
    }
  }
  return acc;
}

export function proveLinear(ctx: ProverCtx, op: Extract<QOp, { kind: "linear" }>, claim: Claim): void {
  const T = ctx.plan.tensors;
  const x = T[op.inputs[0]!]!, w = T[op.inputs[1]!]!;
  const logN = w.logDims[0]!, logK = w.logDims[1]!;
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN);
  // The verifier subtracts b̃(r_n) from the claim; the sumcheck prover needs only the tables.
  if (op.inputs[2]) ctx.sendEval(LABELS.bias, op.inputs[2], rN.slice());
  const xk = foldHigh(ctx.field(x.name), logK, rM);
  const wk = foldHigh(ctx.field(w.name), logK, rN);
  const sc = proveProduct(ctx.tr, [{ data: xk, ext: true }, { data: wk, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.linearEnds, [sc.evals[0]!, sc.evals[1]!]);
  ctx.book.add(x.name, concatPoint(sc.point, rM), sc.evals[0]!);
  ctx.book.add(w.name, concatPoint(sc.point, rN), sc.evals[1]!);
}
