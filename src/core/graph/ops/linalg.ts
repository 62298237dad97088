// MatMul (numpy semantics, batched with broadcasting) and Gemm.
import { isFloat, sizeOf, type Tensor } from "../tensor.ts";
import { broadcastIndex, broadcastShapes } from "./broadcast.ts";
import { wasmGemmF32 as gemmNN } from "../../kernels/gemm-f32.ts";
import { gemmNT, transpose2d } from "./gemm-kernel.ts";
import { fail, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";

interface MatMulPlan {
  batch: number[];
  M: number; N: number; K: number;
  out: number[];
}

function planMatMul(ctx: { node: string }, a: number[], b: number[]): MatMulPlan {
  if (a.length === 0 || b.length === 0) throw fail(ctx, "MatMul inputs must have rank ≥ 1");
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const M = a2[a2.length - 2]!, K = a2[a2.length - 1]!, K2 = b2[b2.length - 2]!, N = b2[b2.length - 1]!;
  if (K !== K2) throw fail(ctx, `MatMul inner dimensions differ: [${a.join(",")}] × [${b.join(",")}]; fix the model`);
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
  if (!batch) throw fail(ctx, `MatMul batch dimensions [${a.join(",")}] and [${b.join(",")}] do not broadcast`);
  const out = [...batch];
  if (a.length > 1) out.push(M);
  if (b.length > 1) out.push(N);
  return { batch, M, N, K, out };
}

function requireF32(ctx: { node: string }, ...ts: (ValueMeta | Tensor)[]): void {
  for (const t of ts) {
    if (!isFloat(t.dtype)) throw fail(ctx, `expects float tensors, got ${t.dtype}; quantized/integer matmuls are not supported here`);
  }
}

export function asF32(t: Tensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
}

/** Results are computed in float32; a float64 graph gets them widened back. */
export function floatResult(dtype: Tensor["dtype"], shape: number[], data: Float32Array): Tensor {
  return { dtype, shape, data: dtype === "float64" ? Float64Array.from(data) : data };
}

const matMul: OpDef = {
  infer(ctx) {
    const a = req(ctx, 0), b = req(ctx, 1);
    requireF32(ctx, a, b);
    return [{ dtype: a.dtype, shape: planMatMul(ctx, a.shape, b.shape).out }];
  },
  run(ctx) {
    const a = req(ctx, 0), b = req(ctx, 1);
    const p = planMatMul(ctx, a.shape, b.shape);
    const ad = asF32(a), bd = asF32(b);
    const out = new Float32Array(sizeOf(p.out));
    const nb = sizeOf(p.batch);
    const aBatch = a.shape.length > 2 ? a.shape.slice(0, -2) : [];
    const bBatch = b.shape.length > 2 ? b.shape.slice(0, -2) : [];
    const ia = broadcastIndex(p.batch, aBatch), ib = broadcastIndex(p.batch, bBatch);
    const mk = p.M * p.K, kn = p.K * p.N, mn = p.M * p.N;
    for (let t = 0; t < nb; t++) {
      const ai = ia ? ia[t]! : t, bi = ib ? ib[t]! : t;
      gemmNN(ad, ai * mk, bd, bi * kn, out, t * mn, p.M, p.N, p.K);
    }
    return [floatResult(a.dtype, p.out, out)];
  },
};

function gemmDims(ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, a: number[], b: number[]): { M: number; N: number; K: number } {
  if (a.length !== 2 || b.length !== 2) throw fail(ctx, `Gemm needs 2-D inputs, got [${a.join(",")}] and [${b.join(",")}]; add a Flatten`);
  const tA = ctx.attrs.int("transA", 0), tB = ctx.attrs.int("transB", 0);
  const M = tA ? a[1]! : a[0]!, K = tA ? a[0]! : a[1]!;
  const K2 = tB ? b[1]! : b[0]!, N = tB ? b[0]! : b[1]!;
  if (K !== K2) throw fail(ctx, `Gemm inner dimensions differ (${K} vs ${K2}); fix the model`);
  return { M, N, K };
}

const gemm: OpDef = {
  infer(ctx) {
    const a = req(ctx, 0), b = req(ctx, 1), c = ctx.inputs[2];
    requireF32(ctx, a, b);
    const { M, N } = gemmDims(ctx, a.shape, b.shape);
    if (c && !broadcastShapes([c.shape, [M, N]])?.every((d, i) => d === [M, N][i])) {
      throw fail(ctx, `bias C of shape [${c.shape.join(",")}] does not broadcast to [${M},${N}]`);
    }
    return [{ dtype: a.dtype, shape: [M, N] }];
  },
  run(ctx) {
    const a = req(ctx, 0), b = req(ctx, 1), c = ctx.inputs[2];
    const { M, N, K } = gemmDims(ctx, a.shape, b.shape);
    const alpha = ctx.attrs.float("alpha", 1), beta = ctx.attrs.float("beta", 1);
    const tA = ctx.attrs.int("transA", 0), tB = ctx.attrs.int("transB", 0);
    const ad = tA ? transpose2d(asF32(a), 0, K, M) : asF32(a);
    const bd = asF32(b);
    const out = new Float32Array(M * N);
    if (tB) gemmNT(ad, 0, bd, 0, out, 0, M, N, K);
    else gemmNN(ad, 0, bd, 0, out, 0, M, N, K);
    if (alpha !== 1) for (let i = 0; i < out.length; i++) out[i] = alpha * out[i]!;
    if (c && beta !== 0) {
      const cd = asF32(c), ic = broadcastIndex([M, N], c.shape);
      for (let i = 0; i < out.length; i++) out[i]! += beta * cd[ic ? ic[i]! : i]!;
    }
    return [floatResult(a.dtype, [M, N], out)];
  },
};

export const linalgOps: Record<string, OpDef> = { MatMul: matMul, Gemm: gemm };
