// Product of two activations (QKᵀ, attention·V; PROTOCOL §4 MatMul, batched):
// acc[b,m,n] = Σ_{k<K} a[b,m,k]·c[b,k,n]. The claim at (r_n, r_m, r_b) becomes a sumcheck over k of
// sel(k)·ã(r_b, r_m, k)·c̃(r_b, k, r_n); the live selector keeps the operands' padding (which the
// prover chooses for committed tensors) out of the sum. Batch axes broadcast (numpy rules).
import { type Claim, broadcastPoint, concatPoint, paddedSize, type PlanTensor } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { foldExcept, foldHigh } from "./fold.ts";

type MatMul2 = Extract<QOp, { kind: "matmul2" }>;

export interface MatmulDims {
  logM: number; logK: number; logN: number; K: number;
  out: PlanTensor; a: PlanTensor; c: PlanTensor;
}

export function matmulDims(plan: ProverCtx["plan"], op: MatMul2): MatmulDims {
  const T = plan.tensors, out = T[op.output]!, a = T[op.inputs[0]!]!, c = T[op.inputs[1]!]!;
  const ad = a.logDims, cd = c.logDims;
  return { logM: ad[ad.length - 2]!, logK: ad[ad.length - 1]!, logN: cd[cd.length - 1]!, K: a.shape[a.shape.length - 1]!, out, a, c };
}

/** The batch part of a point on acc, projected onto an operand's batch axes. */
export function batchPoint(rB: Uint32Array, out: PlanTensor, operand: PlanTensor): Uint32Array {
  const outBatch = { shape: out.shape.slice(0, -2), logDims: out.logDims.slice(0, -2) };
  return broadcastPoint(rB, outBatch.logDims, operand.shape.slice(0, -2), outBatch.shape);
}

export function liveMask(K: number, logK: number): Uint32Array {
  const s = new Uint32Array(2 ** logK);
  s.fill(1, 0, K);
  return s;
}

export function forwardMatmul2(ctx: Pick<ProverCtx, "plan" | "values">, op: MatMul2): Float64Array {
  const { logM, logK, logN, K, out, a, c } = matmulDims(ctx.plan, op);
  const av = ctx.values.get(a.name)!, cv = ctx.values.get(c.name)!;
  const M = 2 ** logM, Kp = 2 ** logK, N = 2 ** logN;
  const y = new Float64Array(paddedSize(out.logDims));
  const batches = y.length / (M * N);
  // Batch index of each operand for each output batch (broadcast on batch axes).
  const bShape = out.shape.slice(0, -2), bLog = out.logDims.slice(0, -2);
  const batchOf = (t: PlanTensor) => {
    const map = new Int32Array(batches);
    const tb = t.shape.slice(0, -2), tl = t.logDims.slice(0, -2), shift = bShape.length - tb.length;
    for (let b = 0; b < batches; b++) {
      let rest = b, idx = 0, stride = 1;
      for (let d = bShape.length - 1; d >= 0; d--) {
        const w = 2 ** bLog[d]!, coord = rest % w;
        rest = Math.floor(rest / w);
        const id = d - shift;
        if (id >= 0) {
          idx += (tb[id] === bShape[d] ? coord : 0) * stride;
          stride *= 2 ** tl[id]!;
        }
      }
      map[b] = idx;
    }
    return map;
  };
  const ba = batchOf(a), bc = batchOf(c);
  for (let b = 0; b < batches; b++) {
    const ao = ba[b]! * M * Kp, co = bc[b]! * Kp * N, yo = b * M * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += av[ao + m * Kp + k]! * cv[co + k * N + n]!;
        y[yo + m * N + n] = s;
      }
    }
  }
  return y;
}

export function proveMatmul2(ctx: ProverCtx, op: MatMul2, claim: Claim): void {
  const { logM, logK, logN, K, out, a, c } = matmulDims(ctx.plan, op);
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN, 4 * (logN + logM));
  const rB = claim.point.subarray(4 * (logN + logM));
  const ta = foldHigh(ctx.field(a.name), logK, concatPoint(rM, batchPoint(rB, out, a)));
  const tc = foldExcept(ctx.field(c.name), logN, logK, rN, batchPoint(rB, out, c));
  const sc = proveProduct(ctx.tr, [{ data: liveMask(K, logK), ext: false }, { data: ta, ext: true }, { data: tc, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.matmulEnds, [sc.evals[1]!, sc.evals[2]!]);
  ctx.book.add(a.name, concatPoint(concatPoint(sc.point, rM), batchPoint(rB, out, a)), sc.evals[1]!);
  ctx.book.add(c.name, concatPoint(concatPoint(rN, sc.point), batchPoint(rB, out, c)), sc.evals[2]!);
}
