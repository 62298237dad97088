// Pools over any number of spatial axes (MaxPool with indices, AveragePool, the global
// pools) and LRN.
import { sizeOf, type Tensor } from "../tensor.ts";
import { asF32, floatResult } from "./linalg.ts";
import { fail, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";
import { slidingWindow, type Window } from "./spatial.ts";

function planPool(ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, x: number[]): Window {
  if (x.length < 3) throw fail(ctx, `pool input must be [N,C,...spatial], got [${x.join(",")}]`);
  const kernel = ctx.attrs.ints("kernel_shape");
  if (!kernel) throw fail(ctx, "attribute kernel_shape is required");
  return slidingWindow(ctx, ctx.attrs, x.slice(2), kernel, ctx.attrs.int("ceil_mode", 0) === 1);
}

type Mode = "max" | "avg" | "avg_pad";

/**
 * Pools every [n, c] plane. For max, also returns the flat input index of each maximum.
 * avg_pad divides by the window's size within the padded input (count_include_pad).
 */
function pool(x: Float32Array, shape: number[], win: Window, mode: Mode, withIndex: boolean): { y: Float32Array; idx?: Float64Array } {
  const planes = shape[0]! * shape[1]!;
  const spatial = shape.slice(2), r = spatial.length;
  const S = sizeOf(spatial), P = sizeOf(win.out), kprod = sizeOf(win.kernel);
  const y = new Float32Array(planes * P);
  const idx = withIndex ? new Float64Array(planes * P) : undefined;
  // kernel offsets per axis, enumerated once
  const koff: number[][] = [];
  for (let k = 0; k < kprod; k++) {
    const m = new Array<number>(r);
    let rem = k;
    for (let d = r - 1; d >= 0; d--) { m[d] = (rem % win.kernel[d]!) * win.dilations[d]!; rem = Math.floor(rem / win.kernel[d]!); }
    koff.push(m);
  }
  const start = new Array<number>(r);
  const o = new Array<number>(r).fill(0);
  for (let p = 0; p < P; p++) {
    for (let d = 0; d < r; d++) start[d] = o[d]! * win.strides[d]! - win.padBegin[d]!;
    for (let pl = 0; pl < planes; pl++) {
      const base = pl * S;
      let best = -Infinity, bestAt = -1, sum = 0, count = 0, padded = 0;
      for (let k = 0; k < kprod; k++) {
        const off = koff[k]!;
        let flat = 0, inside = true, inPad = true;
        for (let d = 0; d < r; d++) {
          const i = start[d]! + off[d]!;
          if (i < 0 || i >= spatial[d]!) {
            inside = false;
            if (i < -win.padBegin[d]! || i >= spatial[d]! + win.padEnd[d]!) inPad = false;
          }
          flat = flat * spatial[d]! + i;
        }
        if (inPad) padded++;
        if (!inside) continue;
        const v = x[base + flat]!;
        if (mode === "max") {
          if (v > best || bestAt < 0) { best = v; bestAt = base + flat; }
        } else {
          sum += v;
          count++;
        }
      }
      if (mode === "max") {
        y[pl * P + p] = best;
        if (idx) idx[pl * P + p] = bestAt;
      } else {
        y[pl * P + p] = sum / (mode === "avg_pad" ? padded : count);
      }
    }
    for (let d = r - 1; d >= 0; d--) {
      if (++o[d]! < win.out[d]!) break;
      o[d] = 0;
    }
  }
  return { y, idx };
}

const maxPool: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    const win = planPool(ctx, x.shape);
    if (ctx.attrs.int("storage_order", 0) !== 0) throw fail(ctx, "storage_order 1 (column-major indices) is not supported");
    const shape = [x.shape[0]!, x.shape[1]!, ...win.out];
    return ctx.nOutputs > 1 ? [{ dtype: x.dtype, shape }, { dtype: "int64", shape }] : [{ dtype: x.dtype, shape }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    const win = planPool(ctx, x.shape);
    const shape = [x.shape[0]!, x.shape[1]!, ...win.out];
    const { y, idx } = pool(asF32(x), x.shape, win, "max", ctx.nOutputs > 1);
    const outs: Tensor[] = [floatResult(x.dtype, shape, y)];
    if (idx) outs.push({ dtype: "int64", shape, data: idx });
    return outs;
  },
};

const averagePool: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    const win = planPool(ctx, x.shape);
    return [{ dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...win.out] }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    const win = planPool(ctx, x.shape);
    const mode = ctx.attrs.int("count_include_pad", 0) ? "avg_pad" : "avg";
    return [floatResult(x.dtype, [x.shape[0]!, x.shape[1]!, ...win.out], pool(asF32(x), x.shape, win, mode, false).y)];
  },
};

function globalPool(kind: "avg" | "max"): OpDef {
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      if (x.shape.length < 3) throw fail(ctx, `input must be [N,C,...spatial], got [${x.shape.join(",")}]`);
      return [{ dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] }];
    },
    run(ctx) {
      const x = req(ctx, 0), xd = asF32(x);
      const planes = x.shape[0]! * x.shape[1]!, S = sizeOf(x.shape.slice(2));
      const y = new Float32Array(planes);
      for (let p = 0; p < planes; p++) {
        let acc = kind === "max" ? -Infinity : 0;
        for (let i = p * S; i < (p + 1) * S; i++) acc = kind === "max" ? Math.max(acc, xd[i]!) : acc + xd[i]!;
        y[p] = kind === "max" ? acc : acc / S;
      }
      return [floatResult(x.dtype, [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)], y)];
    },
  };
}

/** Local response normalization across channels. */
const lrn: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    if (x.shape.length < 2) throw fail(ctx, "LRN input must be [N,C,...]");
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = req(ctx, 0), xd = asF32(x);
    const size = ctx.attrs.int("size", 0);
    if (size < 1) throw fail(ctx, "attribute size must be a positive integer");
    const alpha = ctx.attrs.float("alpha", 0.0001), beta = ctx.attrs.float("beta", 0.75), bias = ctx.attrs.float("bias", 1);
    const [N, C] = x.shape as [number, number];
    const S = sizeOf(x.shape.slice(2));
    const lo = Math.floor((size - 1) / 2), hi = Math.ceil((size - 1) / 2);
    const y = new Float32Array(xd.length);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const c0 = Math.max(0, c - lo), c1 = Math.min(C - 1, c + hi);
        for (let s = 0; s < S; s++) {
          let sq = 0;
          for (let k = c0; k <= c1; k++) { const v = xd[(n * C + k) * S + s]!; sq += v * v; }
          const i = (n * C + c) * S + s;
          y[i] = xd[i]! / Math.pow(bias + (alpha / size) * sq, beta);
        }
      }
    }
    return [floatResult(x.dtype, x.shape, y)];
  },
};

export const poolOps: Record<string, OpDef> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalPool("avg"),
  GlobalMaxPool: globalPool("max"),
  LRN: lrn,
};
