// Product of two activations (QKᵀ, attention·V; PROTOCOL §4 MatMul, batched):
// acc[b,m,n] = Σ_{k<K} a[b,m,k]·c[b,k,n]. The claim at (r_n, r_m, r_b) becomes one degree-3
// sumcheck over (k, b) of sel(k)·eq(r_b, b)·ã(b, r_m, k)·c̃(b, k, r_n): the batch variables must be
// summed with eq, not fixed in both operands separately (that would mix batches). The live
// selector keeps the operands' padding along k (prover-chosen for committed tensors) out of the
// sum. Batch axes broadcast (numpy rules).
import { type Claim, broadcastPoint, concatPoint, paddedSize, type PlanTensor } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { eqTable } from "../../poly/index.ts";
import { fieldBackend, type FieldBackend } from "../../kernels/index.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";

type MatMul2 = Extract<QOp, { kind: "matmul2" }>;

export interface MatmulDims {
  logM: number; logK: number; logN: number; K: number; batchVars: number;
  out: PlanTensor; a: PlanTensor; c: PlanTensor;
}

export function matmulDims(plan: ProverCtx["plan"], op: MatMul2): MatmulDims {
  const T = plan.tensors, out = T[op.output]!, a = T[op.inputs[0]!]!, c = T[op.inputs[1]!]!;
  const ad = a.logDims, cd = c.logDims;
  const batchVars = out.logDims.slice(0, -2).reduce((s, d) => s + d, 0);
  return { logM: ad[ad.length - 2]!, logK: ad[ad.length - 1]!, logN: cd[cd.length - 1]!, K: a.shape[a.shape.length - 1]!, batchVars, out, a, c };
}

/** The batch part of a point on the output, projected onto an operand's batch axes. */
export function batchPoint(rB: Uint32Array, out: PlanTensor, operand: PlanTensor): Uint32Array {
  return broadcastPoint(rB, out.logDims.slice(0, -2), operand.shape.slice(0, -2), out.shape.slice(0, -2));
}

/** For each padded output batch index, the operand's padded batch index (broadcasting). */
function batchIndex(out: PlanTensor, t: PlanTensor): Int32Array {
  const bShape = out.shape.slice(0, -2), bLog = out.logDims.slice(0, -2);
  const tb = t.shape.slice(0, -2), tl = t.logDims.slice(0, -2), shift = bShape.length - tb.length;
  const batches = 2 ** bLog.reduce((s, d) => s + d, 0);
  const map = new Int32Array(batches);
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
  const ba = batchIndex(out, a), bc = batchIndex(out, c);
  for (let b = 0; b < ba.length; b++) {
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

/**
 * A table over (k, b_out) (k the low variables): Σ over the operand's other axis (m for a, n for
 * c) weighted by eq at the claim's coordinate, read at the operand's broadcast batch index.
 */
function operandTable(values: Uint32Array, batchMap: Int32Array, Kp: number, other: number, rOther: Uint32Array, kIsLow: boolean, K: FieldBackend = fieldBackend()): Uint32Array {
  const perBatch = Kp * other, nb = batchMap.length;
  // The batches the output reads, one after another (a broadcast batch repeats).
  const g = K.allocFor(nb * perBatch), eq = K.allocFor(4 * other), out = K.allocFor(4 * nb * Kp);
  const t = kIsLow ? undefined : K.allocFor(nb * perBatch);
  try {
    for (let b = 0; b < nb; b++) K.write(g, values.subarray(batchMap[b]! * perBatch, (batchMap[b]! + 1) * perBatch), b * perBatch);
    K.eqTable(rOther, eq);
    if (kIsLow) {
      // Batch b is other × Kp: its rows weighted by eq.
      K.combineRowsMany(Array.from({ length: nb }, (_, b) => ({ m: K.slice(g, b * perBatch, perBatch), rows: other, w: eq, out: K.slice(out, 4 * b * Kp, 4 * Kp) })), Kp);
    } else {
      // Batch b is Kp × other: transposed, every batch's columns are rows weighted by eq at once.
      K.transpose(g, nb * Kp, other, t!);
      K.combineRows(t!, other, nb * Kp, eq, out);
    }
    return K.read(out);
  } finally {
    for (const x of [g, eq, out, t]) if (x) K.free(x);
  }
}

export function proveMatmul2(ctx: ProverCtx, op: MatMul2, claim: Claim): void {
  const { logM, logK, logN, K, out, a, c } = matmulDims(ctx.plan, op);
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN, 4 * (logN + logM));
  const rB = claim.point.subarray(4 * (logN + logM));
  const Kp = 2 ** logK;
  const eqB = eqTable(rB.slice());
  // eq(r_b, b)·[k < K]: the live selector and the batch weights in one table.
  const weights = new Uint32Array(4 * (eqB.length / 4) * Kp);
  for (let b = 0; b < eqB.length / 4; b++) for (let k = 0; k < K; k++) weights.set(eqB.subarray(4 * b, 4 * b + 4), 4 * (b * Kp + k));
  const ta = operandTable(ctx.field(a.name), batchIndex(out, a), Kp, 2 ** logM, rM, true);
  const tc = operandTable(ctx.field(c.name), batchIndex(out, c), Kp, 2 ** logN, rN, false);
  const sc = proveProduct(ctx.tr, [{ data: weights, ext: true }, { data: ta, ext: true }, { data: tc, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.matmulEnds, [sc.evals[1]!, sc.evals[2]!]);
  const rhoK = sc.point.subarray(0, 4 * logK), rhoB = sc.point.subarray(4 * logK);
  ctx.book.add(a.name, concatPoint(concatPoint(rhoK, rM), batchPoint(rhoB, out, a)), sc.evals[1]!);
  ctx.book.add(c.name, concatPoint(concatPoint(rN, rhoK), batchPoint(rhoB, out, c)), sc.evals[2]!);
}
