// Integer kernels of the evaluator. Values are integers held in Int32Array (every value is
// below 2^29 by the static bound); sums of products run in float64, exact below 2^53.
import { sizeOf, stridesOf } from "../graph/index.ts";
import { wasmGemmF32, type GemmF32 } from "../kernels/index.ts";
import type { Window } from "./qgraph.ts";

let gemmF32: GemmF32 = wasmGemmF32;

/** Runs `fn` with `gemm` as the evaluator's f32 GEMM (a prover pool's: split across its threads). */
export function withGemm<T>(gemm: GemmF32 | undefined, fn: () => T): T {
  const prev = gemmF32;
  gemmF32 = gemm ?? prev;
  try {
    return fn();
  } finally {
    gemmF32 = prev;
  }
}

/**
 * Exact integer GEMM on the f32 SIMD kernel: out[M×N] = A[M×K]·B[K×N] (A with row stride lda,
 * starting at aOff). Integers below 2^24 are exact in f32, so K is cut into chunks whose
 * partial sums stay below 2^24 (chunk·max|a·b| < 2^24); chunks add up in float64. `keep`: the
 * operand that is a model weight.
 */
export function exactGemm(a: Float32Array, aOff: number, lda: number, b: Float32Array, M: number, N: number, K: number, chunk: number, keep?: "a" | "b"): Float64Array {
  const out = new Float64Array(M * N);
  const part = new Float32Array(M * N);
  for (let k0 = 0; k0 < K; k0 += chunk) {
    const kc = Math.min(chunk, K - k0);
    if (k0 > 0) part.fill(0);
    gemmF32(a, aOff + k0, b, k0 * N, part, 0, M, N, kc, lda, N, N, keep);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + part[i]!;
  }
  return out;
}

/** The K-chunk that keeps f32 partial sums exact for operands bounded by ma and mb. */
export function exactChunk(ma: number, mb: number): number {
  return Math.floor((2 ** 24 - 1) / Math.max(1, ma * mb));
}

/** y[r, n] = Σ_k x[r, k]·wT[k, n] + bias[n] for x [R, K] and the transposed weight wT [K, N]. */
export function dense(x: Int32Array, wT: Float32Array, bias: Int32Array | undefined, R: number, K: number, N: number, chunk: number): Int32Array {
  const acc = exactGemm(Float32Array.from(x), 0, K, wT, R, N, K, chunk, "b");
  const y = new Int32Array(R * N);
  for (let r = 0; r < R; r++) for (let n = 0; n < N; n++) y[r * N + n] = acc[r * N + n]! + (bias ? bias[n]! : 0);
  return y;
}

/** Spatial geometry of a 2-D window op (1-D ops run as H = 1). */
interface Geo2 {
  H: number; W: number; OH: number; OW: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; ph: number; pw: number;
}

function geo2(inSpatial: readonly number[], outSpatial: readonly number[], win: Window): Geo2 {
  const two = inSpatial.length === 1;
  const pick = (a: readonly number[], d: number) => (two ? [d, a[0]!] : [a[0]!, a[1]!]) as [number, number];
  const [H, W] = pick(inSpatial, 1), [OH, OW] = pick(outSpatial, 1);
  const [kh, kw] = pick(win.kernel, 1), [sh, sw] = pick(win.strides, 1);
  const [dh, dw] = pick(win.dilations, 1), [ph, pw] = pick(win.padBegin, 0);
  return { H, W, OH, OW, kh, kw, sh, sw, dh, dw, ph, pw };
}

/**
 * For windows of any rank: per output position p and kernel offset k (both row-major), the
 * input position within a plane, or −1 where the window reads padding. Index [p·K + k].
 */
function windowIndex(inSpatial: readonly number[], outSpatial: readonly number[], win: Window): Int32Array {
  const P = sizeOf(outSpatial), K = sizeOf(win.kernel), r = inSpatial.length, st = stridesOf(inSpatial);
  const out = new Int32Array(P * K);
  const o = new Array<number>(r).fill(0), k = new Array<number>(r).fill(0);
  for (let p = 0; p < P; p++) {
    let t = p;
    for (let d = r - 1; d >= 0; d--) { o[d] = t % outSpatial[d]!; t = Math.floor(t / outSpatial[d]!); }
    for (let q = 0; q < K; q++) {
      let u = q, at = 0;
      for (let d = r - 1; d >= 0; d--) { k[d] = u % win.kernel[d]!; u = Math.floor(u / win.kernel[d]!); }
      for (let d = 0; d < r && at >= 0; d++) {
        const i = o[d]! * win.strides[d]! - win.padBegin[d]! + k[d]! * win.dilations[d]!;
        at = i < 0 || i >= inSpatial[d]! ? -1 : at + i * st[d]!;
      }
      out[p * K + q] = at;
    }
  }
  return out;
}

/**
 * Conv: x [B, C, ...S], w [O, C/group·Πkernel] as f32, y [B, O, ...S'] plus bias. Per batch
 * and group: im2col into f32 columns, then one exact GEMM.
 */
export function conv(
  x: Int32Array, xShape: readonly number[], w: Float32Array, bias: Int32Array | undefined,
  group: number, win: Window, yShape: readonly number[], chunk: number,
): Int32Array {
  const [B, C] = xShape as [number, number], O = yShape[1]!;
  const S = sizeOf(xShape.slice(2)), P = sizeOf(yShape.slice(2)), K = sizeOf(win.kernel);
  const Cg = C / group, Og = O / group, Q = Cg * K;
  const cols = new Float32Array(Q * P);
  // Columns of one batch row and group: the 2-D im2col (1-D as H = 1), or any rank through windowIndex.
  let fill: (off: number) => void;
  if (xShape.length <= 4) {
    const g = geo2(xShape.slice(2), yShape.slice(2), win);
    fill = (off) => im2col(x, off, Cg, g, cols);
  } else {
    const idx = windowIndex(xShape.slice(2), yShape.slice(2), win);
    fill = (off) => {
      for (let c = 0; c < Cg; c++) {
        const base = off + c * S;
        for (let q = 0; q < K; q++) {
          const row = (c * K + q) * P;
          for (let p = 0; p < P; p++) { const at = idx[p * K + q]!; cols[row + p] = at < 0 ? 0 : x[base + at]!; }
        }
      }
    };
  }
  const y = new Int32Array(B * O * P);
  for (let b = 0; b < B; b++) {
    for (let gi = 0; gi < group; gi++) {
      fill((b * C + gi * Cg) * S);
      const acc = exactGemm(w, gi * Og * Q, Q, cols, Og, P, Q, chunk, "a");
      for (let oc = 0; oc < Og; oc++) {
        const ch = gi * Og + oc, bv = bias ? bias[ch]! : 0, yo = (b * O + ch) * P;
        for (let p = 0; p < P; p++) y[yo + p] = acc[oc * P + p]! + bv;
      }
    }
  }
  return y;
}

function im2col(x: Int32Array, off: number, Cg: number, g: Geo2, cols: Float32Array): void {
  const P = g.OH * g.OW;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const base = off + c * g.H * g.W;
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++, row++) {
        const r = row * P;
        for (let oh = 0; oh < g.OH; oh++) {
          const ih = oh * g.sh - g.ph + i * g.dh;
          const rp = r + oh * g.OW;
          if (ih < 0 || ih >= g.H) {
            for (let ow = 0; ow < g.OW; ow++) cols[rp + ow] = 0;
            continue;
          }
          const xr = base + ih * g.W;
          for (let ow = 0; ow < g.OW; ow++) {
            const iw = ow * g.sw - g.pw + j * g.dw;
            cols[rp + ow] = iw < 0 || iw >= g.W ? 0 : x[xr + iw]!;
          }
        }
      }
    }
  }
}

/** Max (padding excluded; `emptyMax` for a window wholly in padding) or sum (padding as 0) over each window of x [B, C, ...S]. */
export function pool(kind: "max" | "sum", x: Int32Array, xShape: readonly number[], win: Window, yShape: readonly number[], emptyMax = 0): Int32Array {
  if (xShape.length > 4) {
    const S = sizeOf(xShape.slice(2)), P = sizeOf(yShape.slice(2)), K = sizeOf(win.kernel);
    const idx = windowIndex(xShape.slice(2), yShape.slice(2), win), planes = xShape[0]! * xShape[1]!;
    const y = new Int32Array(planes * P);
    for (let pl = 0; pl < planes; pl++) {
      for (let p = 0; p < P; p++) {
        let m = -Infinity, sum = 0;
        for (let q = 0; q < K; q++) {
          const at = idx[p * K + q]!;
          if (at < 0) continue;
          const v = x[pl * S + at]!;
          if (v > m) m = v;
          sum += v;
        }
        y[pl * P + p] = kind === "max" ? (m === -Infinity ? emptyMax : m) : sum;
      }
    }
    return y;
  }
  const g = geo2(xShape.slice(2), yShape.slice(2), win);
  const planes = xShape[0]! * xShape[1]!;
  const y = new Int32Array(planes * g.OH * g.OW);
  for (let pl = 0; pl < planes; pl++) {
    const xb = pl * g.H * g.W, yb = pl * g.OH * g.OW;
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        let m = -Infinity, s = 0;
        for (let i = 0; i < g.kh; i++) {
          const ih = oh * g.sh - g.ph + i * g.dh;
          if (ih < 0 || ih >= g.H) continue;
          for (let j = 0; j < g.kw; j++) {
            const iw = ow * g.sw - g.pw + j * g.dw;
            if (iw < 0 || iw >= g.W) continue;
            const v = x[xb + ih * g.W + iw]!;
            if (v > m) m = v;
            s += v;
          }
        }
        y[yb + oh * g.OW + ow] = kind === "max" ? (m === -Infinity ? emptyMax : m) : s;
      }
    }
  }
  return y;
}

/** Strides of `shape` read through numpy broadcasting into `out` (0 on broadcast axes). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const s = stridesOf(shape);
  const r = out.length - shape.length;
  const strides: number[] = [];
  for (let i = 0; i < out.length; i++) strides.push(i < r || shape[i - r] === 1 ? 0 : s[i - r]!);
  return strides;
}

/** y[i] = f(a[i'], b[i']) for every output position, numpy broadcasting. */
export function broadcast2(
  a: Int32Array, aShape: readonly number[], b: Int32Array, bShape: readonly number[], yShape: readonly number[],
  f: (u: number, v: number) => number,
): Int32Array {
  const n = sizeOf(yShape);
  const y = new Int32Array(n);
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) y[i] = f(a[i]!, b[i]!);
    return y;
  }
  const as = broadcastStrides(aShape, yShape), bs = broadcastStrides(bShape, yShape);
  const r = yShape.length, c = new Array<number>(r).fill(0);
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    y[i] = f(a[ia]!, b[ib]!);
    for (let d = r - 1; d >= 0; d--) {
      c[d]!++;
      ia += as[d]!;
      ib += bs[d]!;
      if (c[d]! < yShape[d]!) break;
      ia -= as[d]! * c[d]!;
      ib -= bs[d]! * c[d]!;
      c[d] = 0;
    }
  }
  return y;
}

/** a [..., M, K] @ b [..., K, N] with broadcast batch axes; y has shape yShape [..., M, N]. */
export function matmul2(a: Int32Array, aShape: readonly number[], b: Int32Array, bShape: readonly number[], yShape: readonly number[]): Int32Array {
  const r = yShape.length;
  const M = yShape[r - 2]!, N = yShape[r - 1]!, K = aShape[aShape.length - 1]!;
  const batch = yShape.slice(0, r - 2);
  const nb = sizeOf(batch);
  const aStr = broadcastStrides(aShape.slice(0, -2), batch), bStr = broadcastStrides(bShape.slice(0, -2), batch);
  const y = new Int32Array(nb * M * N);
  const c = new Array<number>(batch.length).fill(0);
  const row = new Float64Array(N);
  for (let t = 0; t < nb; t++) {
    let ao = 0, bo = 0;
    for (let d = 0; d < batch.length; d++) {
      ao += c[d]! * aStr[d]!;
      bo += c[d]! * bStr[d]!;
    }
    ao *= M * K;
    bo *= K * N;
    for (let i = 0; i < M; i++) {
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const av = a[ao + i * K + k]!;
        if (av === 0) continue;
        const br = bo + k * N;
        for (let j = 0; j < N; j++) row[j] = row[j]! + av * b[br + j]!;
      }
      const yo = (t * M + i) * N;
      for (let j = 0; j < N; j++) y[yo + j] = row[j]!;
    }
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++c[d]! < batch[d]!) break;
      c[d] = 0;
    }
  }
  return y;
}

/** Max or sum along `axis` of x (the axis is kept with size 1). */
export function reduceAxis(kind: "max" | "sum", x: Int32Array, shape: readonly number[], axis: number): Int32Array {
  const outer = sizeOf(shape.slice(0, axis)), n = shape[axis]!, inner = sizeOf(shape.slice(axis + 1));
  const y = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let m = -Infinity, s = 0;
      for (let t = 0; t < n; t++) {
        const v = x[(o * n + t) * inner + i]!;
        if (v > m) m = v;
        s += v;
      }
      y[o * inner + i] = kind === "max" ? m : s;
    }
  }
  return y;
}
