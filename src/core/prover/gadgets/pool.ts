// Pools (PROTOCOL §4). Max pool (plan in circuit/pool-plan.ts): committed m, virtual candidate
// differences d_k = m − x_k range-checked by lookup, (1) a zero-check Σ_x eq(τ, x)·Π_k d_k(x) = 0,
// then (2) every claim on a d_k (from the lookup and the zero-check) becomes m̃(p) − d̃_k(p) −
// fill·ũ_k(p) = Σ_i Ĩ_k(p, i)·x̃(i) — all of them batched by α into one sumcheck over x.
// Sum pool: acc̃(r) = Σ_i Ĩ_sum(r, i)·x̃(i), one sumcheck over x's spatial axes.
// Ĩ_k, Ĩ_sum and ũ_k are window relations the verifier evaluates in O(bits) (circuit/windows.ts).
import { type Claim, concatPoint, paddedSize } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { type Axis, kernelOffsets, poolPoint, sourceOf, windowAxes } from "../../circuit/windows.ts";
import type { PoolProof, ProofPlan } from "../../circuit/plan.ts";
import { type Ext, EXT_ONE, extMul } from "../../field/index.ts";
import { fieldBackend } from "../../kernels/index.ts";
import { eqTable } from "../../poly/index.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { foldHigh } from "./fold.ts";
import { axisMatrix, outerProduct, outerProductBuf } from "./window-tables.ts";

type Pool = Extract<QOp, { kind: "maxpool" | "sumpool" }>;

function geometry(plan: ProofPlan, op: Pool) {
  const x = plan.tensors[op.inputs[0]!]!, y = plan.tensors[op.output]!;
  const axes = windowAxes(x, y, op.window);
  const rows = 2 ** (x.logDims[0]! + x.logDims[1]!);
  const outSpatial = paddedSize(y.logDims.slice(2)), inSpatial = paddedSize(x.logDims.slice(2));
  return { x, y, axes, offsets: kernelOffsets(axes), rows, outSpatial, inSpatial };
}

/**
 * For every padded output position of one (batch, channel) row and kernel offset: the padded
 * input position it reads, −1 where it reads the padding, −2 where the output is padding.
 */
function sources(axes: readonly Axis[], offsets: readonly number[][]): Int32Array[] {
  const outSize = axes.reduce((a, ax) => a * 2 ** ax.outLog, 1);
  const out: Int32Array[] = [];
  for (const k of offsets) out.push(sourcesOf(axes, k, outSize));
  return out;
}

// Module-level, not a closure per call: V8 drops a closure's optimized code at each major GC.
function sourcesOf(axes: readonly Axis[], k: readonly number[], outSize: number): Int32Array {
  const src = new Int32Array(outSize);
  for (let s = 0; s < outSize; s++) {
    let rest = s, pos = 0, stride = 1, padding = false, outside = false;
    for (let j = axes.length - 1; j >= 0; j--) {
      const a = axes[j]!, o = rest % 2 ** a.outLog;
      rest = Math.floor(rest / 2 ** a.outLog);
      const i = o < a.out ? sourceOf(a, o, k[j]!) : -1;
      if (o >= a.out) padding = true;
      else if (i < 0) outside = true;
      else pos += i * stride;
      stride *= 2 ** a.inLog;
    }
    src[s] = padding ? -2 : outside ? -1 : pos;
  }
  return src;
}

const poolOf = (plan: ProofPlan, opIndex: number): PoolProof => plan.pools.find((p) => p.op === opIndex)!;

export function maxPoolWitness(ctx: Pick<ProverCtx, "plan" | "values">, opIndex: number, op: Extract<QOp, { kind: "maxpool" }>): Map<string, Float64Array> {
  const pp = poolOf(ctx.plan, opIndex);
  const { x, axes, offsets, rows, outSpatial, inSpatial } = geometry(ctx.plan, op);
  const xv = ctx.values.get(x.name)!;
  const src = sources(axes, offsets);
  const m = new Float64Array(rows * outSpatial);
  const d = offsets.map(() => new Float64Array(rows * outSpatial));
  const cand = new Float64Array(offsets.length);
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < outSpatial; s++) {
      if (src[0]![s] === -2) continue; // output padding: m = 0 = every d_k
      let best = -Infinity;
      for (let k = 0; k < offsets.length; k++) {
        const i = src[k]![s]!;
        cand[k] = i < 0 ? pp.fill : xv[r * inSpatial + i]!;
        if (cand[k]! > best) best = cand[k]!;
      }
      const at = r * outSpatial + s;
      m[at] = best;
      for (let k = 0; k < offsets.length; k++) d[k]![at] = best - cand[k]!;
    }
  }
  return new Map([[op.output, m], ...pp.candidates.map((name, k) => [name, d[k]!] as [string, Float64Array])]);
}

interface OuterTerm {
  coeff: Ext;
  vectors: Uint32Array[];
  /** Terms of one group share their first vector. */
  group: string;
}

/**
 * Σ_j c_j·(⊗ vectors_j) on the wasm kernels. Terms that share their first vector v (the batch and
 * channel eq table of one claim point) are summed as v ⊗ Σ_j c_j·(⊗ the rest): the full-size outer
 * product is made once per group instead of once per term (the same sum, exactly).
 */
function sumOfOuters(terms: readonly OuterTerm[], size: number): Uint32Array {
  const K = fieldBackend();
  const groups = new Map<string, OuterTerm[]>();
  for (const t of terms) {
    const g = groups.get(t.group);
    if (g) g.push(t);
    else groups.set(t.group, [t]);
  }
  const acc = K.alloc(4 * size);
  try {
    for (const g of groups.values()) {
      const first = g[0]!.vectors[0]!, n = first.length / 4, rest = size / n;
      const inner = K.alloc(4 * rest);
      for (const t of g) {
        const tmp = outerProductBuf(t.vectors.slice(1), K);
        K.extScale(tmp, t.coeff, tmp, rest);
        K.extAdd(inner, tmp, inner, rest);
        K.free(tmp);
      }
      const v = K.from(first), full = K.allocFor(4 * size);
      K.extOuter(v, n, inner, rest, full);
      K.extAdd(acc, full, acc, size);
      for (const b of [inner, v, full]) K.free(b);
    }
    return K.read(acc);
  } finally {
    K.free(acc);
  }
}

export function proveMaxPool(ctx: ProverCtx, opIndex: number, op: Extract<QOp, { kind: "maxpool" }>): void {
  const pp = poolOf(ctx.plan, opIndex);
  const { x, y, axes, offsets } = geometry(ctx.plan, op);

  // (1) Π_k d_k = 0 everywhere: one candidate is the max.
  const tau = ctx.tr.squeezeExts(LABELS.poolZero, y.nVars);
  const sc = proveProduct(ctx.tr, [{ data: eqTable(tau), ext: true }, ...pp.candidates.map((c) => ({ data: ctx.field(c), ext: false }))]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.poolZeroEnds, sc.evals.slice(1));
  pp.candidates.forEach((c, k) => ctx.book.add(c, sc.point, sc.evals[1 + k]!));

  // (2) claims on the candidates → m̃ at each distinct point, and one gather sumcheck over x.
  const claims = pp.candidates.flatMap((c, k) => ctx.book.take(c).map((cl) => ({ k, point: cl.point })));
  const sent = new Set<string>();
  for (const { point } of claims) {
    const key = point.join(",");
    if (sent.has(key)) continue;
    sent.add(key);
    ctx.sendEval(LABELS.poolMax, y.name, point);
  }
  const alpha = ctx.tr.squeezeExt(LABELS.poolAlpha);
  let coeff: Ext = EXT_ONE;
  const terms = claims.map(({ k, point }) => {
    const { rBC, rS } = poolPoint(y, point);
    const t = { coeff, group: point.join(","), vectors: [eqTable(rBC), ...axes.map((a, j) => axisMatrix(a, rS[j]!).subarray(4 * offsets[k]![j]! * 2 ** a.inLog, 4 * (offsets[k]![j]! + 1) * 2 ** a.inLog))] };
    coeff = extMul(coeff, alpha);
    return t;
  });
  const g = sumOfOuters(terms, 2 ** x.nVars);
  const sc2 = proveProduct(ctx.tr, [{ data: g, ext: true }, { data: ctx.field(x.name), ext: false }]);
  for (const r of sc2.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.poolGatherEnd, [sc2.evals[1]!]);
  ctx.book.add(x.name, sc2.point, sc2.evals[1]!);
}

/** Window sums over every padded (batch, channel) row; output padding is 0. */
export function forwardSumPool(ctx: Pick<ProverCtx, "plan" | "values">, op: Extract<QOp, { kind: "sumpool" }>): Float64Array {
  const { x, axes, offsets, rows, outSpatial, inSpatial } = geometry(ctx.plan, op);
  const xv = ctx.values.get(x.name)!;
  const src = sources(axes, offsets);
  const acc = new Float64Array(rows * outSpatial);
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < outSpatial; s++) {
      let sum = 0;
      for (let k = 0; k < offsets.length; k++) {
        const i = src[k]![s]!;
        if (i >= 0) sum += xv[r * inSpatial + i]!;
      }
      acc[r * outSpatial + s] = sum;
    }
  }
  return acc;
}

export function proveSumPool(ctx: ProverCtx, op: Extract<QOp, { kind: "sumpool" }>, claim: Claim): void {
  const { x, y, axes } = geometry(ctx.plan, op);
  const { rBC, rS } = poolPoint(y, claim.point);
  // Per axis: Σ_{o, k} eq(r_o, o)·[i = o·stride + k − pad], the column sums of the window matrix.
  const vectors = axes.map((a, j) => {
    const R = axisMatrix(a, rS[j]!), cols = 2 ** a.inLog;
    const v = new Uint32Array(4 * cols);
    const K = fieldBackend();
    const acc = K.from(v), row = K.alloc(4 * cols);
    try {
      for (let k = 0; k < a.kernel; k++) {
        K.write(row, R.subarray(4 * k * cols, 4 * (k + 1) * cols));
        K.extAdd(acc, row, acc, cols);
      }
      return K.read(acc);
    } finally {
      K.free(acc); K.free(row);
    }
  });
  const spatialVars = x.nVars - x.logDims[0]! - x.logDims[1]!;
  const sc = proveProduct(ctx.tr, [{ data: outerProduct(vectors), ext: true }, { data: foldHigh(ctx.field(x.name), spatialVars, rBC), ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.sumpoolEnd, [sc.evals[1]!]);
  ctx.book.add(x.name, concatPoint(sc.point, rBC), sc.evals[1]!);
}
