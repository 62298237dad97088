// Conv (groups, dilations, pads, strides; 1-D to 3-D) by im2col + GEMM, and ConvTranspose
// by GEMM + col2im.
import { sizeOf, type Tensor } from "../tensor.ts";
import { wasmGemmF32 as gemmNN } from "../../kernels/gemm-f32.ts";
import { transpose2d } from "./gemm-kernel.ts";
import { asF32, floatResult } from "./linalg.ts";
import { fail, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";
import { slidingWindow, transposedWindow, type Window } from "./spatial.ts";

/** Upper bound on the im2col buffer (floats); larger convolutions are done in row bands. */
const COL_LIMIT = 1 << 22;

interface ConvPlan {
  N: number; C: number; M: number; group: number;
  spatial: number[];
  win: Window;
}

function planConv(ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, x: number[], w: number[]): ConvPlan {
  if (x.length < 3) throw fail(ctx, `Conv input must be [N,C,...spatial], got [${x.join(",")}]`);
  if (w.length !== x.length) throw fail(ctx, `Conv weight rank ${w.length} differs from input rank ${x.length}`);
  const group = ctx.attrs.int("group", 1);
  const [N, C] = x as [number, number];
  const M = w[0]!;
  if (group < 1 || C % group !== 0 || M % group !== 0 || w[1]! * group !== C) {
    throw fail(ctx, `Conv channels do not match: input has ${C}, weight [${w.join(",")}] with group ${group}`);
  }
  const kernel = w.slice(2);
  const ks = ctx.attrs.ints("kernel_shape");
  if (ks && ks.some((k, i) => k !== kernel[i])) throw fail(ctx, `kernel_shape [${ks.join(",")}] differs from the weight's [${kernel.join(",")}]`);
  const spatial = x.slice(2);
  return { N, C, M, group, spatial, win: slidingWindow(ctx, ctx.attrs, spatial, kernel) };
}

/** Writes the im2col rows for channels [c0, c0+Cg) and output rows [y0, y1) of one image (2-D). */
function im2col2d(
  x: Float32Array, xOff: number, Cg: number, H: number, W: number, win: Window, y0: number, y1: number, col: Float32Array,
): void {
  const [KH, KW] = win.kernel as [number, number];
  const [sy, sx] = win.strides as [number, number];
  const [dy, dx] = win.dilations as [number, number];
  const [py, px] = win.padBegin as [number, number];
  const OW = win.out[1]!, P = (y1 - y0) * OW;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const cOff = xOff + c * H * W;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++, row++) {
        const dst = row * P;
        // output columns whose input column is inside the image
        const xOff0 = kx * dx - px;
        const oxLo = Math.max(0, Math.ceil(-xOff0 / sx));
        const oxHi = Math.min(OW, Math.floor((W - 1 - xOff0) / sx) + 1);
        for (let oy = y0; oy < y1; oy++) {
          const d = dst + (oy - y0) * OW;
          const iy = oy * sy - py + ky * dy;
          if (iy < 0 || iy >= H || oxLo >= oxHi) {
            col.fill(0, d, d + OW);
            continue;
          }
          const src = cOff + iy * W + xOff0;
          for (let ox = 0; ox < oxLo; ox++) col[d + ox] = 0;
          if (sx === 1) col.set(x.subarray(src + oxLo, src + oxHi), d + oxLo);
          else for (let ox = oxLo; ox < oxHi; ox++) col[d + ox] = x[src + ox * sx]!;
          for (let ox = oxHi; ox < OW; ox++) col[d + ox] = 0;
        }
      }
    }
  }
}

/** im2col for any number of spatial axes (used for 3-D): rows = channel × kernel offset. */
function im2colNd(x: Float32Array, xOff: number, Cg: number, spatial: number[], win: Window, col: Float32Array): void {
  const r = spatial.length, P = sizeOf(win.out), kprod = sizeOf(win.kernel), S = sizeOf(spatial);
  const oIdx = new Array<number>(r), kIdx = new Array<number>(r);
  for (let c = 0; c < Cg; c++) {
    for (let k = 0; k < kprod; k++) {
      let rem = k;
      for (let d = r - 1; d >= 0; d--) { kIdx[d] = rem % win.kernel[d]!; rem = Math.floor(rem / win.kernel[d]!); }
      const dst = (c * kprod + k) * P;
      for (let p = 0; p < P; p++) {
        let q = p;
        for (let d = r - 1; d >= 0; d--) { oIdx[d] = q % win.out[d]!; q = Math.floor(q / win.out[d]!); }
        let src = 0, inside = true;
        for (let d = 0; d < r; d++) {
          const i = oIdx[d]! * win.strides[d]! - win.padBegin[d]! + kIdx[d]! * win.dilations[d]!;
          if (i < 0 || i >= spatial[d]!) { inside = false; break; }
          src = src * spatial[d]! + i;
        }
        col[dst + p] = inside ? x[xOff + c * S + src]! : 0;
      }
    }
  }
}

/** Lifts 1-D geometry to 2-D with a unit height so the 2-D kernel serves both. */
function as2d(spatial: number[], win: Window): { spatial: number[]; win: Window } {
  if (spatial.length !== 1) return { spatial, win };
  return {
    spatial: [1, spatial[0]!],
    win: {
      kernel: [1, win.kernel[0]!], strides: [1, win.strides[0]!], dilations: [1, win.dilations[0]!],
      padBegin: [0, win.padBegin[0]!], padEnd: [0, win.padEnd[0]!], out: [1, win.out[0]!],
    },
  };
}

function isPointwise(win: Window): boolean {
  return win.kernel.every((k) => k === 1) && win.strides.every((s) => s === 1) &&
    win.padBegin.every((p) => p === 0) && win.padEnd.every((p) => p === 0);
}

/** y[N,M,...out] = conv(x, w) + b. */
export function conv2dLike(x: Float32Array, w: Float32Array, bias: Float32Array | undefined, p: ConvPlan): Float32Array {
  const { N, C, M, group } = p;
  const { spatial, win } = as2d(p.spatial, p.win);
  const S = sizeOf(spatial), P = sizeOf(win.out), kprod = sizeOf(win.kernel);
  const Cg = C / group, Mg = M / group, Kc = Cg * kprod;
  const out = new Float32Array(N * M * P);
  const pointwise = isPointwise(win);
  const rank2 = spatial.length === 2;
  // 2-D: bands of output rows keep the im2col buffer under COL_LIMIT
  const OH = rank2 ? win.out[0]! : 1, OW = rank2 ? win.out[1]! : P;
  const band = rank2 ? Math.max(1, Math.min(OH, Math.floor(COL_LIMIT / Math.max(1, Kc * OW)))) : 1;
  const col = pointwise ? undefined : new Float32Array(rank2 ? Kc * band * OW : Kc * P);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < group; g++) {
      const xOff = (n * C + g * Cg) * S, wOff = g * Mg * Kc, oOff = (n * M + g * Mg) * P;
      if (pointwise) {
        gemmNN(w, wOff, x, xOff, out, oOff, Mg, P, Kc);
      } else if (rank2) {
        for (let y0 = 0; y0 < OH; y0 += band) {
          const y1 = Math.min(OH, y0 + band), cols = (y1 - y0) * OW;
          im2col2d(x, xOff, Cg, spatial[0]!, spatial[1]!, win, y0, y1, col!);
          gemmNN(w, wOff, col!, 0, out, oOff + y0 * OW, Mg, cols, Kc, Kc, cols, P);
        }
      } else {
        im2colNd(x, xOff, Cg, spatial, win, col!);
        gemmNN(w, wOff, col!, 0, out, oOff, Mg, P, Kc);
      }
    }
    if (bias) {
      for (let m = 0; m < M; m++) {
        const b = bias[m]!, o = (n * M + m) * P;
        for (let i = 0; i < P; i++) out[o + i]! += b;
      }
    }
  }
  return out;
}

function checkBias(ctx: { node: string }, b: ValueMeta | Tensor | undefined, M: number): void {
  if (b && (b.shape.length !== 1 || b.shape[0] !== M)) throw fail(ctx, `bias of shape [${b.shape.join(",")}] should be [${M}]`);
}

const conv: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0), w = req(ctx, 1);
    const p = planConv(ctx, x.shape, w.shape);
    checkBias(ctx, ctx.inputs[2], p.M);
    return [{ dtype: x.dtype, shape: [p.N, p.M, ...p.win.out] }];
  },
  run(ctx) {
    const x = req(ctx, 0), w = req(ctx, 1), b = ctx.inputs[2];
    const p = planConv(ctx, x.shape, w.shape);
    const out = conv2dLike(asF32(x), asF32(w), b ? asF32(b) : undefined, p);
    return [floatResult(x.dtype, [p.N, p.M, ...p.win.out], out)];
  },
};

interface ConvTPlan { N: number; C: number; M: number; group: number; spatial: number[]; win: Window }

function planConvT(ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, x: number[], w: number[]): ConvTPlan {
  if (x.length < 3 || w.length !== x.length) throw fail(ctx, `ConvTranspose shapes [${x.join(",")}] and [${w.join(",")}] do not fit`);
  const group = ctx.attrs.int("group", 1);
  const [N, C] = x as [number, number];
  if (w[0] !== C || group < 1 || C % group !== 0) throw fail(ctx, `ConvTranspose weight [${w.join(",")}] does not match ${C} input channels`);
  const M = w[1]! * group;
  const spatial = x.slice(2);
  return { N, C, M, group, spatial, win: transposedWindow(ctx, ctx.attrs, spatial, w.slice(2)) };
}

const convTranspose: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0), w = req(ctx, 1);
    const p = planConvT(ctx, x.shape, w.shape);
    checkBias(ctx, ctx.inputs[2], p.M);
    return [{ dtype: x.dtype, shape: [p.N, p.M, ...p.win.out] }];
  },
  run(ctx) {
    const x = asF32(req(ctx, 0)), w = asF32(req(ctx, 1)), b = ctx.inputs[2];
    const p = planConvT(ctx, req(ctx, 0).shape, req(ctx, 1).shape);
    const { N, C, M, group, spatial, win } = p;
    const r = spatial.length, S = sizeOf(spatial), P = sizeOf(win.out), kprod = sizeOf(win.kernel);
    const Cg = C / group, Mg = M / group, rows = Mg * kprod;
    const out = new Float32Array(N * M * P);
    const col = new Float32Array(rows * S);
    const iIdx = new Array<number>(r), kIdx = new Array<number>(r);
    for (let g = 0; g < group; g++) {
      const wt = transpose2d(w, g * Cg * rows, Cg, rows); // [Mg·kprod, Cg]
      for (let n = 0; n < N; n++) {
        col.fill(0);
        gemmNN(wt, 0, x, (n * C + g * Cg) * S, col, 0, rows, S, Cg);
        // col2im: scatter each (m, kernel offset, input position) into the output
        for (let row = 0; row < rows; row++) {
          const m = Math.floor(row / kprod);
          let rem = row % kprod;
          for (let d = r - 1; d >= 0; d--) { kIdx[d] = rem % win.kernel[d]!; rem = Math.floor(rem / win.kernel[d]!); }
          const oBase = (n * M + g * Mg + m) * P;
          for (let s = 0; s < S; s++) {
            let q = s;
            for (let d = r - 1; d >= 0; d--) { iIdx[d] = q % spatial[d]!; q = Math.floor(q / spatial[d]!); }
            let o = 0, inside = true;
            for (let d = 0; d < r; d++) {
              const pos = iIdx[d]! * win.strides[d]! - win.padBegin[d]! + kIdx[d]! * win.dilations[d]!;
              if (pos < 0 || pos >= win.out[d]!) { inside = false; break; }
              o = o * win.out[d]! + pos;
            }
            if (inside) out[oBase + o]! += col[row * S + s]!;
          }
        }
      }
    }
    if (b) {
      const bd = asF32(b);
      for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) {
        const o = (n * M + m) * P, v = bd[m]!;
        for (let i = 0; i < P; i++) out[o + i]! += v;
      }
    }
    return [floatResult(req(ctx, 0).dtype, [N, M, ...win.out], out)];
  },
};

export const convOps: Record<string, OpDef> = { Conv: conv, ConvTranspose: convTranspose };
