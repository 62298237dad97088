// KoalaBear (p = 2^31 − 2^24 + 1) and F_p^4 = F_p[X]/(X^4 − 3) bulk kernels over flat memory.
// Pointers are byte offsets into this instance's memory, counts are in elements. Base vectors
// are u32 words; extension vectors are 4 words per element, interleaved (c0..c3). All inputs and
// outputs are canonical (< p); Montgomery form appears only inside a kernel (see _mont.ts).
// The TypeScript side (../wasm.ts) owns the memory: it allocates every buffer in an arena above
// heapBase() and calls these kernels on buffers that stay resident across calls.

import { P, R1, R2, R3, mm, addm, subm, mulc, toMont, vmm, vadd, vsub, hsum, mulX, emm, emulC, vToMont, redc64, dot4 } from "./_mont";

export function heapBase(): usize {
  return __heap_base;
}

// ======================= base-field vectors =======================

export function vecAdd(a: usize, b: usize, out: usize, n: u32): void {
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 4 <= m; i += 4) {
    const o = i << 2;
    v128.store(out + o, vadd(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < m; i++) {
    const o = i << 2;
    store<u32>(out + o, addm(load<u32>(a + o), load<u32>(b + o)));
  }
}

export function vecSub(a: usize, b: usize, out: usize, n: u32): void {
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 4 <= m; i += 4) {
    const o = i << 2;
    v128.store(out + o, vsub(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < m; i++) {
    const o = i << 2;
    store<u32>(out + o, subm(load<u32>(a + o), load<u32>(b + o)));
  }
}

/** out = a ⊙ b (canonical). */
export function vecMul(a: usize, b: usize, out: usize, n: u32): void {
  let i: usize = 0;
  const m = <usize>n;
  const r2 = i32x4.splat(R2);
  for (; i + 4 <= m; i += 4) {
    const o = i << 2;
    v128.store(out + o, vmm(vmm(v128.load(a + o), v128.load(b + o)), r2));
  }
  for (; i < m; i++) {
    const o = i << 2;
    store<u32>(out + o, mulc(load<u32>(a + o), load<u32>(b + o)));
  }
}

/**
 * out = a ⊙ b · 2^-32: one Montgomery product per element, the cheapest multiplication there is.
 * Its throughput is the "wasm multiply rate" the benchmarks divide by.
 */
export function vecMulRaw(a: usize, b: usize, out: usize, n: u32): void {
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 4 <= m; i += 4) {
    const o = i << 2;
    v128.store(out + o, vmm(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < m; i++) {
    const o = i << 2;
    store<u32>(out + o, mm(load<u32>(a + o), load<u32>(b + o)));
  }
}

/** out = c · a for a canonical scalar c. */
export function vecScale(a: usize, c: u32, out: usize, n: u32): void {
  const cm = toMont(c);
  const cv = i32x4.splat(cm);
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 4 <= m; i += 4) {
    const o = i << 2;
    v128.store(out + o, vmm(v128.load(a + o), cv));
  }
  for (; i < m; i++) {
    const o = i << 2;
    store<u32>(out + o, mm(load<u32>(a + o), cm));
  }
}

/** Σ a_i·b_i (canonical). */
export function vecDot(a: usize, b: usize, n: u32): u32 {
  let acc = i32x4.splat(0);
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 4 <= m; i += 4) {
    const o = i << 2;
    acc = vadd(acc, vmm(v128.load(a + o), v128.load(b + o)));
  }
  let s = hsum(acc);
  for (; i < m; i++) {
    const o = i << 2;
    s = addm(s, mm(load<u32>(a + o), load<u32>(b + o)));
  }
  return mm(s, R2);
}

// ======================= extension vectors =======================
// (extension add/sub are vecAdd/vecSub over 4n words)

/** out = a ⊙ b, extension × extension. */
export function extVecMul(a: usize, b: usize, out: usize, n: u32): void {
  const r2 = i32x4.splat(R2);
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 4;
    v128.store(out + o, vmm(emm(v128.load(a + o), v128.load(b + o)), r2));
  }
}

/** out = a ⊙ b, extension a × base b. */
export function extVecMulBase(a: usize, b: usize, out: usize, n: u32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const bm = toMont(load<u32>(b + (i << 2)));
    v128.store(out + (i << 4), vmm(v128.load(a + (i << 4)), i32x4.splat(bm)));
  }
}

/** out = c · a for one extension constant c (4 words at cPtr). */
export function extVecScale(a: usize, cPtr: usize, out: usize, n: u32): void {
  const c0 = vToMont(v128.load(cPtr));
  const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 4;
    v128.store(out + o, emulC(v128.load(a + o), c0, c1, c2, c3));
  }
}

/** out = c · a for an extension constant c and a base vector a (out is an extension vector). */
export function baseVecScaleExt(a: usize, cPtr: usize, out: usize, n: u32): void {
  const c0 = vToMont(v128.load(cPtr));
  for (let i: usize = 0; i < <usize>n; i++) {
    const x = load<u32>(a + (i << 2));
    v128.store(out + (i << 4), vmm(c0, i32x4.splat(x)));
  }
}

/**
 * LogUp denominators in one pass: out_i = a − Σ_c k_c·col_c[i] for `width` (1–3) base columns,
 * with a, k_0..k_2 extension constants at consts (four words each, a first).
 */
export function lookupDenominators(c0: usize, c1: usize, c2: usize, width: u32, consts: usize, n: u32, out: usize): void {
  const a = v128.load(consts);
  const k0 = vToMont(v128.load(consts + 16)), k1 = vToMont(v128.load(consts + 32)), k2 = vToMont(v128.load(consts + 48));
  if (width == 1) {
    for (let i: usize = 0; i < <usize>n; i++) v128.store(out + (i << 4), vsub(a, vmm(k0, i32x4.splat(load<u32>(c0 + (i << 2))))));
  } else if (width == 2) {
    for (let i: usize = 0; i < <usize>n; i++) {
      const s = vadd(vmm(k0, i32x4.splat(load<u32>(c0 + (i << 2)))), vmm(k1, i32x4.splat(load<u32>(c1 + (i << 2)))));
      v128.store(out + (i << 4), vsub(a, s));
    }
  } else {
    for (let i: usize = 0; i < <usize>n; i++) {
      const o = i << 2;
      const s = vadd(vadd(vmm(k0, i32x4.splat(load<u32>(c0 + o))), vmm(k1, i32x4.splat(load<u32>(c1 + o)))), vmm(k2, i32x4.splat(load<u32>(c2 + o))));
      v128.store(out + (i << 4), vsub(a, s));
    }
  }
}

/** Σ a_i·b_i over extension vectors, written as one extension element at outPtr. */
export function extDot(a: usize, b: usize, n: u32, outPtr: usize): void {
  let acc = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 4;
    acc = vadd(acc, emm(v128.load(a + o), v128.load(b + o)));
  }
  v128.store(outPtr, vmm(acc, i32x4.splat(R2)));
}

/** Σ a_i·b_i with a extension, b base, written at outPtr. */
export function extDotBase(a: usize, b: usize, n: u32, outPtr: usize): void {
  let acc = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>n; i++) {
    const x = load<u32>(b + (i << 2));
    acc = vadd(acc, vmm(v128.load(a + (i << 4)), i32x4.splat(x)));
  }
  v128.store(outPtr, vmm(acc, i32x4.splat(R2)));
}

/** Σ a_i over an extension vector, written at outPtr. */
export function extSum(a: usize, n: u32, outPtr: usize): void {
  let acc = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>n; i++) acc = vadd(acc, v128.load(a + (i << 4)));
  v128.store(outPtr, acc);
}

/**
 * out[j] = Σ_i w_i · M[i][j]: the extension combination (weights w, `rows` extension elements)
 * of the rows of a row-major base matrix M (rows × cols). out has `cols` extension elements.
 */
export function combineRows(m: usize, rows: u32, cols: u32, w: usize, out: usize): void {
  combineRowsStrided(m, rows, cols, cols, w, out);
}

/** combineRows over `cols` columns of a matrix whose rows are `stride` words apart (a column block). */
export function combineRowsStrided(m: usize, rows: u32, cols: u32, stride: u32, w: usize, out: usize): void {
  const nc = <usize>cols, ns = <usize>stride;
  memory.fill(out, 0, nc << 4);
  // Rows four at a time: the four 64-bit products per lane are summed (< 4p² < 2^64, whose high
  // word stays below 2p) and reduced once, and `out` is read and written once per four rows.
  let i: usize = 0;
  for (; i + 4 <= <usize>rows; i += 4) {
    const w0 = vToMont(v128.load(w + (i << 4))), w1 = vToMont(v128.load(w + ((i + 1) << 4)));
    const w2 = vToMont(v128.load(w + ((i + 2) << 4))), w3 = vToMont(v128.load(w + ((i + 3) << 4)));
    const row0 = m + ((i * ns) << 2), row1 = row0 + (ns << 2), row2 = row1 + (ns << 2), row3 = row2 + (ns << 2);
    for (let j: usize = 0; j < nc; j++) {
      const o = out + (j << 4), c = j << 2;
      const x0 = i32x4.splat(load<u32>(row0 + c)), x1 = i32x4.splat(load<u32>(row1 + c));
      const x2 = i32x4.splat(load<u32>(row2 + c)), x3 = i32x4.splat(load<u32>(row3 + c));
      v128.store(o, vadd(v128.load(o), dot4(w0, x0, w1, x1, w2, x2, w3, x3)));
    }
  }
  for (; i + 2 <= <usize>rows; i += 2) {
    const w0 = vToMont(v128.load(w + (i << 4))), w1 = vToMont(v128.load(w + ((i + 1) << 4)));
    const row0 = m + ((i * ns) << 2), row1 = row0 + (ns << 2);
    for (let j: usize = 0; j < nc; j++) {
      const o = out + (j << 4);
      const x0 = i32x4.splat(load<u32>(row0 + (j << 2))), x1 = i32x4.splat(load<u32>(row1 + (j << 2)));
      const t0 = i64x2.add(i64x2.extmul_low_i32x4_u(w0, x0), i64x2.extmul_low_i32x4_u(w1, x1));
      const t1 = i64x2.add(i64x2.extmul_high_i32x4_u(w0, x0), i64x2.extmul_high_i32x4_u(w1, x1));
      v128.store(o, vadd(v128.load(o), redc64(t0, t1)));
    }
  }
  for (; i < <usize>rows; i++) {
    const wi = vToMont(v128.load(w + (i << 4)));
    const row = m + ((i * ns) << 2);
    for (let j: usize = 0; j < nc; j++) {
      const o = out + (j << 4);
      const x = load<u32>(row + (j << 2));
      v128.store(o, vadd(v128.load(o), vmm(wi, i32x4.splat(x))));
    }
  }
}

/** Same with an extension matrix M (rows × cols extension elements). */
export function combineRowsExt(m: usize, rows: u32, cols: u32, w: usize, out: usize): void {
  combineRowsExtStrided(m, rows, cols, cols, w, out);
}

/** combineRowsExt over a column block: rows are `stride` extension elements apart. */
export function combineRowsExtStrided(m: usize, rows: u32, cols: u32, stride: u32, w: usize, out: usize): void {
  const nc = <usize>cols, ns = <usize>stride;
  memory.fill(out, 0, nc << 4);
  for (let i: usize = 0; i < <usize>rows; i++) {
    const c0 = vToMont(v128.load(w + (i << 4)));
    const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
    const row = m + ((i * ns) << 4);
    for (let j: usize = 0; j < nc; j++) {
      const o = out + (j << 4);
      v128.store(o, vadd(v128.load(o), emulC(v128.load(row + (j << 4)), c0, c1, c2, c3)));
    }
  }
}

/**
 * Batched products out_t = A_t · B_t for t < batch: A_t extension (M × S), B_t base or extension
 * (S × N), out_t extension (M × N), all row-major; consecutive t are aStride, bStride, oStride
 * bytes apart (a stride of 0 shares the operand). Each output row is a combineRows of B_t.
 */
export function matMulBatch(a: usize, aStride: usize, b: usize, bExt: bool, bStride: usize, M: u32, S: u32, N: u32, batch: u32,
  out: usize, oStride: usize): void {
  for (let t: usize = 0; t < <usize>batch; t++) {
    const at = a + t * aStride, bt = b + t * bStride, ot = out + t * oStride;
    for (let m: usize = 0; m < <usize>M; m++) {
      const w = at + ((m * <usize>S) << 4), o = ot + ((m * <usize>N) << 4);
      if (bExt) combineRowsExtStrided(bt, S, N, N, w, o);
      else combineRowsStrided(bt, S, N, N, w, o);
    }
  }
}

/** out (cols × rows) = transpose of the row-major u32 matrix a (rows × cols); no aliasing. */
export function transpose(a: usize, rows: u32, cols: u32, out: usize): void {
  transposeInto(a, rows, cols, out, rows);
}

/**
 * Transposes a block of `rows` rows into a taller column-major matrix: out[j·outRows + i] =
 * a[i·cols + j]. With out offset by the block's first row, row blocks transpose independently.
 */
export function transposeInto(a: usize, rows: u32, cols: u32, out: usize, outRows: u32): void {
  const R = <usize>rows, C = <usize>cols, S = <usize>outRows;
  const B: usize = 16;
  for (let i0: usize = 0; i0 < R; i0 += B) {
    const i1 = i0 + B < R ? i0 + B : R;
    for (let j0: usize = 0; j0 < C; j0 += B) {
      const j1 = j0 + B < C ? j0 + B : C;
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<u32>(out + ((j * S + i) << 2), load<u32>(a + ((i * C + j) << 2)));
        }
      }
    }
  }
}

/** Zeroes n words (a bulk fill: JS fills of shared memory go byte by byte). */
export function zeroWords(dst: usize, n: u32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/** Copies n words (regions may overlap). */
export function copyWords(src: usize, dst: usize, n: u32): void {
  memory.copy(dst, src, <usize>n << 2);
}

// ======================= NTT =======================
// Twiddle table layout (shared by every size): for each butterfly span h = 2^s, the h words at
// word offset h − 1 hold ω_{2h}^j · 2^32 mod p for j < h (ω_{2h} the 2h-th root of unity,
// PROTOCOL.md §1 convention: ω_k = (3^127)^(2^(24−k))). A table filled up to logMax serves
// every NTT of size ≤ 2^logMax. Forward and inverse transforms use separate tables.

/** Fills the table for spans 1 … 2^(logMax−1) from `root`, a canonical 2^logMax-th root of unity. */
export function fillTwiddles(tw: usize, logMax: u32, root: u32): void {
  if (logMax == 0) return;
  let w = root; // ω of order 2h for the current span h, starting at h = 2^(logMax−1)
  for (let s: i32 = <i32>logMax - 1; s >= 0; s--) {
    const h: usize = (<usize>1) << <usize>s;
    const base = tw + ((h - 1) << 2);
    const wm = toMont(w);
    let x = R1;
    for (let j: usize = 0; j < h; j++) {
      store<u32>(base + (j << 2), x);
      x = mm(x, wm);
    }
    w = mulc(w, w);
  }
}

// @ts-ignore: decorator
@inline function rev(i: u32, bits: u32): u32 {
  let x = i;
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  x = (x >>> 16) | (x << 16);
  return bits == 0 ? 0 : x >>> (32 - bits);
}

function bitrevSimple(a: usize, logN: u32): void {
  const n: u32 = 1 << logN;
  for (let i: u32 = 0; i < n; i++) {
    const j = rev(i, logN);
    if (i < j) {
      const pi = a + (<usize>i << 2), pj = a + (<usize>j << 2);
      const t = load<u32>(pi);
      store<u32>(pi, load<u32>(pj));
      store<u32>(pj, t);
    }
  }
}

/**
 * In-place bit-reversal permutation. Index i = (hi, mid, lo) with 2-bit hi and lo, so
 * rev(i) = (rev lo, rev mid, rev hi): the 4×4 block of words at rows hi (stride n/4), columns lo
 * of block `mid` is transposed (rows taken in rev order) into block `rev mid` — four 16-byte
 * loads and stores per 16 words, with SIMD shuffles.
 */
// @ts-ignore: decorator
@inline function rev4x4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  // Rows in rev2 order (r0, r2, r1, r3); column c goes to target row rev2(c).
  const a = r0, b = r2, c = r1, d = r3;
  const ab01 = v128.shuffle<u32>(a, b, 0, 4, 1, 5), ab23 = v128.shuffle<u32>(a, b, 2, 6, 3, 7);
  const cd01 = v128.shuffle<u32>(c, d, 0, 4, 1, 5), cd23 = v128.shuffle<u32>(c, d, 2, 6, 3, 7);
  const col0 = v128.shuffle<u32>(ab01, cd01, 0, 1, 4, 5), col1 = v128.shuffle<u32>(ab01, cd01, 2, 3, 6, 7);
  const col2 = v128.shuffle<u32>(ab23, cd23, 0, 1, 4, 5), col3 = v128.shuffle<u32>(ab23, cd23, 2, 3, 6, 7);
  v128.store(dst, col0);
  v128.store(dst + 2 * stride, col1);
  v128.store(dst + stride, col2);
  v128.store(dst + 3 * stride, col3);
}

// @ts-ignore: decorator
@inline function swapBlocks(a: usize, mid: u32, rmid: u32, stride: usize): void {
  const src = a + (<usize>mid << 4), dst = a + (<usize>rmid << 4);
  const s0 = v128.load(src), s1 = v128.load(src + stride), s2 = v128.load(src + 2 * stride), s3 = v128.load(src + 3 * stride);
  if (rmid == mid) {
    rev4x4(s0, s1, s2, s3, src, stride);
  } else {
    const d0 = v128.load(dst), d1 = v128.load(dst + stride), d2 = v128.load(dst + 2 * stride), d3 = v128.load(dst + 3 * stride);
    rev4x4(s0, s1, s2, s3, dst, stride);
    rev4x4(d0, d1, d2, d3, src, stride);
  }
}

/**
 * Bit reversal in place. The middle bits are blocked again (mid = (mh, mm, ml), 3-bit mh and ml)
 * so that 8 × 8 blocks on each side, a few KiB, are swapped together: both sides stream.
 */
export function bitrevBase(a: usize, logN: u32): void {
  if (logN < 5) { bitrevSimple(a, logN); return; }
  const mb = logN - 4;
  const stride: usize = (<usize>1 << <usize>(logN - 2)) << 2; // bytes between rows hi
  if (mb < 6) {
    for (let mid: u32 = 0; mid < (<u32>1 << mb); mid++) {
      const rmid = rev(mid, mb);
      if (rmid >= mid) swapBlocks(a, mid, rmid, stride);
    }
    return;
  }
  const U: u32 = 3;
  const mmBits = mb - 2 * U;
  const hs = mb - U;
  for (let mm: u32 = 0; mm < (<u32>1 << mmBits); mm++) {
    const rmm = rev(mm, mmBits);
    if (rmm < mm) continue;
    for (let mh: u32 = 0; mh < 8; mh++) {
      const rmh = rev(mh, U);
      for (let ml: u32 = 0; ml < 8; ml++) {
        const mid = (mh << hs) | (mm << U) | ml;
        const rmid = (rev(ml, U) << hs) | (rmm << U) | rmh;
        if (rmm == mm && rmid < mid) continue;
        swapBlocks(a, mid, rmid, stride);
      }
    }
  }
}

function bitrevExtSimple(a: usize, logN: u32): void {
  const n: u32 = 1 << logN;
  for (let i: u32 = 0; i < n; i++) {
    const j = rev(i, logN);
    if (i < j) {
      const pi = a + (<usize>i << 4), pj = a + (<usize>j << 4);
      const t = v128.load(pi);
      v128.store(pi, v128.load(pj));
      v128.store(pj, t);
    }
  }
}

/** Bit reversal of 16-byte elements, blocked: i = (hi, mid, lo) with 3-bit hi and lo. */
function bitrevExt(a: usize, logN: u32): void {
  if (logN < 8) { bitrevExtSimple(a, logN); return; }
  const U: u32 = 3;
  const mb = logN - 2 * U;
  const hs = logN - U;
  for (let mid: u32 = 0; mid < (<u32>1 << mb); mid++) {
    const rmid = rev(mid, mb);
    if (rmid < mid) continue;
    for (let hi: u32 = 0; hi < 8; hi++) {
      const rhi = rev(hi, U);
      for (let lo: u32 = 0; lo < 8; lo++) {
        const i = (hi << hs) | (mid << U) | lo;
        const j = (rev(lo, U) << hs) | (rmid << U) | rhi;
        if (rmid == mid && j <= i) continue;
        const pi = a + (<usize>i << 4), pj = a + (<usize>j << 4);
        const t = v128.load(pi);
        v128.store(pi, v128.load(pj));
        v128.store(pj, t);
      }
    }
  }
}

/** One radix-2 DIT stage of span h over the whole base vector a (n words). */
// @ts-ignore: decorator
@inline function stageBase(a: usize, n: usize, h: usize, tw: usize): void {
  const twh = tw + ((h - 1) << 2);
  if (h >= 4) {
    for (let k: usize = 0; k < n; k += h << 1) {
      const p0 = a + (k << 2), p1 = p0 + (h << 2);
      for (let j: usize = 0; j < h; j += 4) {
        const o = j << 2;
        const u = v128.load(p0 + o);
        const v = vmm(v128.load(p1 + o), v128.load(twh + o));
        v128.store(p0 + o, vadd(u, v));
        v128.store(p1 + o, vsub(u, v));
      }
    }
  } else {
    for (let k: usize = 0; k < n; k += h << 1) {
      const p0 = a + (k << 2), p1 = p0 + (h << 2);
      for (let j: usize = 0; j < h; j++) {
        const o = j << 2;
        const u = load<u32>(p0 + o);
        const v = mm(load<u32>(p1 + o), load<u32>(twh + o));
        store<u32>(p0 + o, addm(u, v));
        store<u32>(p1 + o, subm(u, v));
      }
    }
  }
}

// Stages with 2h ≤ BLOCK run block by block (a block of 2^13 words stays in L1/L2), the rest
// over the whole vector.
const LOG_BLOCK: u32 = 12;
const LOG_BLOCK2: u32 = 16;

/** One radix-4 butterfly (two stages) on lanes at offset o of the four quarters, twiddles w1 (first stage), w2, w3. */
// @ts-ignore: decorator
@inline function radix4(p0: usize, p1: usize, p2: usize, p3: usize, o: usize, w1: v128, w2: v128, w3: v128): void {
  const a0 = v128.load(p0 + o), a2 = v128.load(p2 + o);
  const t1 = vmm(v128.load(p1 + o), w1), t3 = vmm(v128.load(p3 + o), w1);
  const b0 = vadd(a0, t1), b1 = vsub(a0, t1), b2 = vadd(a2, t3), b3 = vsub(a2, t3);
  const u2 = vmm(b2, w2), u3 = vmm(b3, w3);
  v128.store(p0 + o, vadd(b0, u2));
  v128.store(p2 + o, vsub(b0, u2));
  v128.store(p1 + o, vadd(b1, u3));
  v128.store(p3 + o, vsub(b1, u3));
}

/** Spans h and 2h in one pass over the data (h ≥ 4): 4 loads, 4 stores per 4 butterfly pairs. */
// @ts-ignore: decorator
@inline function stage2Base(a: usize, n: usize, h: usize, tw: usize): void {
  const tw1 = tw + ((h - 1) << 2), tw2 = tw + (((h << 1) - 1) << 2);
  const hb = h << 2;
  for (let k: usize = 0; k < n; k += h << 2) {
    const p0 = a + (k << 2), p1 = p0 + hb, p2 = p1 + hb, p3 = p2 + hb;
    for (let j: usize = 0; j < h; j += 4) {
      const o = j << 2;
      const w1 = v128.load(tw1 + o), w2 = v128.load(tw2 + o), w3 = v128.load(tw2 + hb + o);
      radix4(p0, p1, p2, p3, o, w1, w2, w3);
    }
  }
}

/** Spans h0, 2h0, … below `end` over n words: pairs of stages while they fit, then one. */
// @ts-ignore: decorator
@inline function stageRun(a: usize, n: usize, h0: usize, end: usize, tw: usize): void {
  let h = h0;
  while (h < end) {
    if (h >= 4 && (h << 1) < end) {
      stage2Base(a, n, h, tw);
      h <<= 2;
    } else {
      stageBase(a, n, h, tw);
      h <<= 1;
    }
  }
}

/** Spans 1 and 2 together (a radix-4 pass), four words per v128: 12 SIMD ops per 4 elements. */
// @ts-ignore: decorator
@inline function firstTwoStages(a: usize, n: usize, tw: usize): void {
  const w4 = load<u32>(tw + 8); // span 2, j = 1: ω_4 (Montgomery form)
  const tv = i32x4.replace_lane(i32x4.splat(R1), 3, w4);
  for (let k: usize = 0; k < n; k += 4) {
    const p = a + (k << 2);
    const x = v128.load(p);
    const y = v128.shuffle<u32>(x, x, 1, 0, 3, 2);
    const b = vmm(v128.shuffle<u32>(vadd(x, y), vsub(x, y), 0, 4, 2, 6), tv);
    const u = v128.shuffle<u32>(b, b, 0, 1, 0, 1), v = v128.shuffle<u32>(b, b, 2, 3, 2, 3);
    v128.store(p, v128.shuffle<u32>(vadd(u, v), vsub(u, v), 0, 1, 6, 7));
  }
}

/** DIT stages from span h0 to n/2 on a bit-reversed base vector of 2^logN words. */
function stagesBase(a: usize, logN: u32, h0: usize, tw: usize): void {
  const n: usize = (<usize>1) << <usize>logN;
  // Level 1: blocks that stay in L1 (radix-2, which keeps more in registers); level 2: blocks
  // that stay in L2 (radix-4 passes); then the remaining stages over the whole vector (radix-4).
  const b1: usize = logN > LOG_BLOCK ? (<usize>1) << <usize>LOG_BLOCK : n;
  const b2: usize = logN > LOG_BLOCK2 ? (<usize>1) << <usize>LOG_BLOCK2 : n;
  for (let c: usize = 0; c < n; c += b2) {
    const base2 = a + (c << 2);
    for (let b: usize = 0; b < b2; b += b1) {
      let h = h0;
      if (h == 1 && b1 >= 4) {
        firstTwoStages(base2 + (b << 2), b1, tw);
        h = 4;
      }
      for (; h < b1; h <<= 1) stageBase(base2 + (b << 2), b1, h, tw);
    }
    stageRun(base2, b2, b1 > h0 ? b1 : h0, b2, tw);
  }
  stageRun(a, n, b2 > h0 ? b2 : h0, n, tw);
}

/** In-place NTT of 2^logN base words, natural order in and out: a_j ← Σ_i a_i·ω^(ij). */
export function nttBase(a: usize, logN: u32, tw: usize): void {
  bitrevBase(a, logN);
  stagesBase(a, logN, 1, tw);
}

// @ts-ignore: decorator
@inline function stageExt(a: usize, n: usize, h: usize, tw: usize): void {
  const twh = tw + ((h - 1) << 2);
  for (let k: usize = 0; k < n; k += h << 1) {
    const p0 = a + (k << 4), p1 = p0 + (h << 4);
    for (let j: usize = 0; j < h; j++) {
      const o = j << 4;
      const u = v128.load(p0 + o);
      const v = vmm(v128.load(p1 + o), v128.load32_splat(twh + (j << 2)));
      v128.store(p0 + o, vadd(u, v));
      v128.store(p1 + o, vsub(u, v));
    }
  }
}

/** Spans h and 2h in one pass over an extension vector. */
// @ts-ignore: decorator
@inline function stage2Ext(a: usize, n: usize, h: usize, tw: usize): void {
  const tw1 = tw + ((h - 1) << 2), tw2 = tw + (((h << 1) - 1) << 2);
  const hb = h << 4;
  for (let k: usize = 0; k < n; k += h << 2) {
    const p0 = a + (k << 4), p1 = p0 + hb, p2 = p1 + hb, p3 = p2 + hb;
    for (let j: usize = 0; j < h; j++) {
      const o = j << 4, ow = j << 2;
      const w1 = v128.load32_splat(tw1 + ow), w2 = v128.load32_splat(tw2 + ow), w3 = v128.load32_splat(tw2 + (h << 2) + ow);
      radix4(p0, p1, p2, p3, o, w1, w2, w3);
    }
  }
}

// @ts-ignore: decorator
@inline function stageRunExt(a: usize, n: usize, h0: usize, end: usize, tw: usize): void {
  let h = h0;
  while (h < end) {
    if ((h << 1) < end) {
      stage2Ext(a, n, h, tw);
      h <<= 2;
    } else {
      stageExt(a, n, h, tw);
      h <<= 1;
    }
  }
}

const LOG_BLOCK_EXT: u32 = 10;
const LOG_BLOCK_EXT2: u32 = 14;

function stagesExt(a: usize, logN: u32, h0: usize, tw: usize): void {
  const n: usize = (<usize>1) << <usize>logN;
  const b1: usize = logN > LOG_BLOCK_EXT ? (<usize>1) << <usize>LOG_BLOCK_EXT : n;
  const b2: usize = logN > LOG_BLOCK_EXT2 ? (<usize>1) << <usize>LOG_BLOCK_EXT2 : n;
  for (let c: usize = 0; c < n; c += b2) {
    const base2 = a + (c << 4);
    for (let b: usize = 0; b < b2; b += b1) {
      for (let h = h0; h < b1; h <<= 1) stageExt(base2 + (b << 4), b1, h, tw);
    }
    stageRunExt(base2, b2, b1 > h0 ? b1 : h0, b2, tw);
  }
  stageRunExt(a, n, b2 > h0 ? b2 : h0, n, tw);
}

/** In-place NTT of an extension vector (coordinate-wise), natural order in and out. */
export function nttExt(a: usize, logN: u32, tw: usize): void {
  bitrevExt(a, logN);
  stagesExt(a, logN, 1, tw);
}

/**
 * Reed–Solomon encoding of `rows` base rows of 2^logM words each (row-major at `inp`) at rate
 * 2^-logRate: each row, read as coefficients, is evaluated on the subgroup of order
 * 2^(logM+logRate) in natural order (= zero-pad and NTT). Output rows are 2^(logM+logRate)
 * words, row-major at `out` (no aliasing). The first logRate stages of the zero-padded
 * transform only copy, so they are replaced by writing each coefficient 2^logRate times.
 */
export function rsEncodeRows(inp: usize, rows: u32, logM: u32, logRate: u32, out: usize, tw: usize): void {
  const m: usize = (<usize>1) << <usize>logM;
  const c: usize = (<usize>1) << <usize>logRate;
  const logN = logM + logRate;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const src = inp + ((r * m) << 2);
    const dst = out + ((r * m * c) << 2);
    if (c == 4) {
      for (let i: usize = 0; i < m; i++) {
        v128.store(dst + (<usize>rev(<u32>i, logM) << 4), v128.load32_splat(src + (i << 2)));
      }
    } else {
      for (let i: usize = 0; i < m; i++) {
        const x = load<u32>(src + (i << 2));
        const d = dst + ((<usize>rev(<u32>i, logM) * c) << 2);
        for (let k: usize = 0; k < c; k++) store<u32>(d + (k << 2), x);
      }
    }
    stagesBase(dst, logN, c, tw);
  }
}

/** The same for rows of extension elements (2^logM elements each, interleaved). */
export function rsEncodeExtRows(inp: usize, rows: u32, logM: u32, logRate: u32, out: usize, tw: usize): void {
  const m: usize = (<usize>1) << <usize>logM;
  const c: usize = (<usize>1) << <usize>logRate;
  const logN = logM + logRate;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const src = inp + ((r * m) << 4);
    const dst = out + ((r * m * c) << 4);
    for (let i: usize = 0; i < m; i++) {
      const x = v128.load(src + (i << 4));
      const d = dst + ((<usize>rev(<u32>i, logM) * c) << 4);
      for (let k: usize = 0; k < c; k++) v128.store(d + (k << 4), x);
    }
    stagesExt(dst, logN, c, tw);
  }
}

// ======================= multilinear: eq tables and folding =======================

/**
 * eq(r, x) for every x ∈ {0,1}^n (x_i = bit i of the index): 2^n extension elements at out.
 * r is n extension elements at rPtr. Built in place, last variable first, O(2^n).
 */
export function eqTable(rPtr: usize, n: u32, out: usize): void {
  v128.store(out, i32x4.replace_lane(i32x4.splat(0), 0, 1));
  expandEq(rPtr, n, out);
}

/** c · eq(r, x) for every x (c one extension element at cPtr): a block of a larger eq table. */
export function eqTableFrom(rPtr: usize, n: u32, cPtr: usize, out: usize): void {
  v128.store(out, v128.load(cPtr));
  expandEq(rPtr, n, out);
}

/** eqTableFrom for `count` tables described at `list` by four words each: r, n, c, out. One call for many small tables. */
export function eqTableList(list: usize, count: u32): void {
  for (let t: usize = 0; t < <usize>count; t++) {
    const d = list + (t << 4);
    eqTableFrom(load<u32>(d), load<u32>(d + 4), load<u32>(d + 8), load<u32>(d + 12));
  }
}

function expandEq(rPtr: usize, n: u32, out: usize): void {
  let size: usize = 1;
  for (let v: i32 = <i32>n - 1; v >= 0; v--) {
    const c0 = vToMont(v128.load(rPtr + (<usize>v << 4)));
    const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
    for (let y: isize = <isize>size - 1; y >= 0; y--) {
      const t = v128.load(out + (<usize>y << 4));
      const hi = emulC(t, c0, c1, c2, c3);
      v128.store(out + (<usize>y << 5) + 16, hi);
      v128.store(out + (<usize>y << 5), vsub(t, hi));
    }
    size <<= 1;
  }
}

/**
 * Fixes variable 0 of a base multilinear table (2m words) to the extension value r:
 * out[i] = in[2i] + r·(in[2i+1] − in[2i]), m extension elements (no aliasing).
 */
export function foldBase(inp: usize, m: u32, rPtr: usize, out: usize): void {
  const c0 = vToMont(v128.load(rPtr));
  const zero = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const a = load<u32>(inp + (i << 3)), b = load<u32>(inp + (i << 3) + 4);
    const v = vmm(c0, i32x4.splat(subm(b, a)));
    v128.store(out + (i << 4), vadd(v, i32x4.replace_lane(zero, 0, a)));
  }
}

/** Same for an extension table (2m elements); out may be the input itself (in-place folding). */
export function foldExt(inp: usize, m: u32, rPtr: usize, out: usize): void {
  const c0 = vToMont(v128.load(rPtr));
  const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
  for (let i: usize = 0; i < <usize>m; i++) {
    const a = v128.load(inp + (i << 5)), b = v128.load(inp + (i << 5) + 16);
    v128.store(out + (i << 4), vadd(a, emulC(vsub(b, a), c0, c1, c2, c3)));
  }
}

// ======================= sumcheck rounds for products =======================
// For tables over m pairs (x_0 = 0, 1), s(t) = Σ_i Π_k f_k(t, i) with f(t) = f0 + t(f1 − f0).
// Degree 2 writes s(0), s(2); degree 3 writes s(0), s(2), s(3), each an extension element at out.
// Tables are ordered extension first (E) then base (B): every pairwise product is one Montgomery
// reduction, so the sums carry 2^-32 (degree 2) or 2^-64 (degree 3), fixed once at the end.

// @ts-ignore: decorator
@inline function storeBaseSum(out: usize, s: u32, fix: u32): void {
  v128.store(out, i32x4.replace_lane(i32x4.splat(0), 0, mm(s, fix)));
}

/** Stores a round's sums at 0, 2, 3 whose terms took two Montgomery products (R⁻²): one more by R³ makes them canonical. */
// @ts-ignore: decorator
@inline function storeSums3(out: usize, s0: v128, s2: v128, s3: v128): void {
  const r3 = i32x4.splat(R3);
  v128.store(out, vmm(s0, r3));
  v128.store(out + 16, vmm(s2, r3));
  v128.store(out + 32, vmm(s3, r3));
}

export function round2BB(f: usize, g: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0);
  let i: usize = 0;
  const n = <usize>m;
  for (; i + 4 <= n; i += 4) {
    const o = i << 3;
    const fa = v128.load(f + o), fb = v128.load(f + o + 16);
    const ga = v128.load(g + o), gb = v128.load(g + o + 16);
    const f0 = v128.shuffle<u32>(fa, fb, 0, 2, 4, 6), f1 = v128.shuffle<u32>(fa, fb, 1, 3, 5, 7);
    const g0 = v128.shuffle<u32>(ga, gb, 0, 2, 4, 6), g1 = v128.shuffle<u32>(ga, gb, 1, 3, 5, 7);
    const f2 = vadd(f1, vsub(f1, f0)), g2 = vadd(g1, vsub(g1, g0));
    s0 = vadd(s0, vmm(f0, g0));
    s2 = vadd(s2, vmm(f2, g2));
  }
  let t0 = hsum(s0), t2 = hsum(s2);
  for (; i < n; i++) {
    const o = i << 3;
    const f0 = load<u32>(f + o), f1 = load<u32>(f + o + 4);
    const g0 = load<u32>(g + o), g1 = load<u32>(g + o + 4);
    t0 = addm(t0, mm(f0, g0));
    t2 = addm(t2, mm(addm(f1, subm(f1, f0)), addm(g1, subm(g1, g0))));
  }
  storeBaseSum(out, t0, R2);
  storeBaseSum(out + 16, t2, R2);
}

export function round2EB(f: usize, g: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const f0 = v128.load(f + (i << 5)), f1 = v128.load(f + (i << 5) + 16);
    const g0 = load<u32>(g + (i << 3)), g1 = load<u32>(g + (i << 3) + 4);
    const f2 = vadd(f1, vsub(f1, f0));
    const g2 = addm(g1, subm(g1, g0));
    s0 = vadd(s0, vmm(f0, i32x4.splat(g0)));
    s2 = vadd(s2, vmm(f2, i32x4.splat(g2)));
  }
  const r2 = i32x4.splat(R2);
  v128.store(out, vmm(s0, r2));
  v128.store(out + 16, vmm(s2, r2));
}

export function round2EE(f: usize, g: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const o = i << 5;
    const f0 = v128.load(f + o), f1 = v128.load(f + o + 16);
    const g0 = v128.load(g + o), g1 = v128.load(g + o + 16);
    const f2 = vadd(f1, vsub(f1, f0)), g2 = vadd(g1, vsub(g1, g0));
    s0 = vadd(s0, emm(f0, g0));
    s2 = vadd(s2, emm(f2, g2));
  }
  const r2 = i32x4.splat(R2);
  v128.store(out, vmm(s0, r2));
  v128.store(out + 16, vmm(s2, r2));
}

export function round3BBB(f: usize, g: usize, h: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  let i: usize = 0;
  const n = <usize>m;
  for (; i + 4 <= n; i += 4) {
    const o = i << 3;
    const fa = v128.load(f + o), fb = v128.load(f + o + 16);
    const ga = v128.load(g + o), gb = v128.load(g + o + 16);
    const ha = v128.load(h + o), hb = v128.load(h + o + 16);
    const f0 = v128.shuffle<u32>(fa, fb, 0, 2, 4, 6), f1 = v128.shuffle<u32>(fa, fb, 1, 3, 5, 7);
    const g0 = v128.shuffle<u32>(ga, gb, 0, 2, 4, 6), g1 = v128.shuffle<u32>(ga, gb, 1, 3, 5, 7);
    const h0 = v128.shuffle<u32>(ha, hb, 0, 2, 4, 6), h1 = v128.shuffle<u32>(ha, hb, 1, 3, 5, 7);
    const df = vsub(f1, f0), dg = vsub(g1, g0), dh = vsub(h1, h0);
    const f2 = vadd(f1, df), g2 = vadd(g1, dg), h2 = vadd(h1, dh);
    const f3 = vadd(f2, df), g3 = vadd(g2, dg), h3 = vadd(h2, dh);
    s0 = vadd(s0, vmm(vmm(f0, g0), h0));
    s2 = vadd(s2, vmm(vmm(f2, g2), h2));
    s3 = vadd(s3, vmm(vmm(f3, g3), h3));
  }
  let t0 = hsum(s0), t2 = hsum(s2), t3 = hsum(s3);
  for (; i < n; i++) {
    const o = i << 3;
    const f0 = load<u32>(f + o), f1 = load<u32>(f + o + 4);
    const g0 = load<u32>(g + o), g1 = load<u32>(g + o + 4);
    const h0 = load<u32>(h + o), h1 = load<u32>(h + o + 4);
    const df = subm(f1, f0), dg = subm(g1, g0), dh = subm(h1, h0);
    const f2 = addm(f1, df), g2 = addm(g1, dg), h2 = addm(h1, dh);
    t0 = addm(t0, mm(mm(f0, g0), h0));
    t2 = addm(t2, mm(mm(f2, g2), h2));
    t3 = addm(t3, mm(mm(addm(f2, df), addm(g2, dg)), addm(h2, dh)));
  }
  storeBaseSum(out, t0, R3);
  storeBaseSum(out + 16, t2, R3);
  storeBaseSum(out + 32, t3, R3);
}

export function round3EBB(f: usize, g: usize, h: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const f0 = v128.load(f + (i << 5)), f1 = v128.load(f + (i << 5) + 16);
    const o = i << 3;
    const g0 = load<u32>(g + o), g1 = load<u32>(g + o + 4);
    const h0 = load<u32>(h + o), h1 = load<u32>(h + o + 4);
    const df = vsub(f1, f0), dg = subm(g1, g0), dh = subm(h1, h0);
    const f2 = vadd(f1, df), g2 = addm(g1, dg), h2 = addm(h1, dh);
    const f3 = vadd(f2, df), g3 = addm(g2, dg), h3 = addm(h2, dh);
    s0 = vadd(s0, vmm(f0, i32x4.splat(mm(g0, h0))));
    s2 = vadd(s2, vmm(f2, i32x4.splat(mm(g2, h2))));
    s3 = vadd(s3, vmm(f3, i32x4.splat(mm(g3, h3))));
  }
  storeSums3(out, s0, s2, s3);
}

export function round3EEB(f: usize, g: usize, h: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const o = i << 5;
    const f0 = v128.load(f + o), f1 = v128.load(f + o + 16);
    const g0 = v128.load(g + o), g1 = v128.load(g + o + 16);
    const h0 = load<u32>(h + (i << 3)), h1 = load<u32>(h + (i << 3) + 4);
    const df = vsub(f1, f0), dg = vsub(g1, g0), dh = subm(h1, h0);
    const f2 = vadd(f1, df), g2 = vadd(g1, dg), h2 = addm(h1, dh);
    const f3 = vadd(f2, df), g3 = vadd(g2, dg), h3 = addm(h2, dh);
    s0 = vadd(s0, vmm(emm(f0, g0), i32x4.splat(h0)));
    s2 = vadd(s2, vmm(emm(f2, g2), i32x4.splat(h2)));
    s3 = vadd(s3, vmm(emm(f3, g3), i32x4.splat(h3)));
  }
  storeSums3(out, s0, s2, s3);
}

/**
 * Σ over m pairs of Π_j t_j(x) at x = 0, 2, 3, …, count (count ≥ 2 tables; the caller bounds it):
 * `desc` holds two words per table, its pointer and 1 if extension (pairs of 16-byte elements) or
 * 0 if base (pairs of words). Writes count extension values to out. The values at each node are
 * lo + x·(hi − lo), by additions; a product of count factors took count − 1 Montgomery products,
 * so the sums are scaled by R^count at the end.
 */
export function roundProductN(desc: usize, count: u32, m: u32, out: usize): void {
  const n = <usize>count;
  for (let q: usize = 0; q < n; q++) v128.store(out + (q << 4), i32x4.splat(0));
  for (let i: usize = 0; i < <usize>m; i++) {
    for (let q: usize = 0; q < n; q++) {
      const x: u32 = q == 0 ? 0 : <u32>q + 1;
      let prod = i32x4.splat(0);
      for (let j: usize = 0; j < n; j++) {
        const ptr = <usize>load<u32>(desc + (j << 3)), ext = load<u32>(desc + (j << 3) + 4) != 0;
        if (ext) {
          const lo = v128.load(ptr + (i << 5)), diff = vsub(v128.load(ptr + (i << 5) + 16), lo);
          let v = lo;
          for (let k: u32 = 0; k < x; k++) v = vadd(v, diff);
          prod = j == 0 ? v : emm(prod, v);
        } else {
          const lo = load<u32>(ptr + (i << 3)), diff = subm(load<u32>(ptr + (i << 3) + 4), lo);
          let v = lo;
          for (let k: u32 = 0; k < x; k++) v = addm(v, diff);
          prod = j == 0 ? i32x4(<i32>v, 0, 0, 0) : vmm(prod, i32x4.splat(v));
        }
      }
      v128.store(out + (q << 4), vadd(v128.load(out + (q << 4)), prod));
    }
  }
  let rn: u32 = R2; // R^count: R^(k+1) = mm(R^k, R^2)
  for (let k: u32 = 2; k < count; k++) rn = mm(rn, R2);
  const fix = i32x4.splat(rn);
  for (let q: usize = 0; q < n; q++) v128.store(out + (q << 4), vmm(v128.load(out + (q << 4)), fix));
}

export function round3EEE(f: usize, g: usize, h: usize, m: u32, out: usize): void {
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const o = i << 5;
    const f0 = v128.load(f + o), f1 = v128.load(f + o + 16);
    const g0 = v128.load(g + o), g1 = v128.load(g + o + 16);
    const h0 = v128.load(h + o), h1 = v128.load(h + o + 16);
    const df = vsub(f1, f0), dg = vsub(g1, g0), dh = vsub(h1, h0);
    const f2 = vadd(f1, df), g2 = vadd(g1, dg), h2 = vadd(h1, dh);
    const f3 = vadd(f2, df), g3 = vadd(g2, dg), h3 = vadd(h2, dh);
    s0 = vadd(s0, emm(emm(f0, g0), h0));
    s2 = vadd(s2, emm(emm(f2, g2), h2));
    s3 = vadd(s3, emm(emm(f3, g3), h3));
  }
  storeSums3(out, s0, s2, s3);
}

// Silence "unused import" for constants only referenced in some builds.
export const MODULUS: u32 = P;

// ======================= fused fold + next sumcheck round (products of 2 or 3) =======================
// Folds every table at r (variable 0 bound) and, in the same pass, evaluates the next round of
// the product over the folded tables: the folded values are written once and never re-read.
// Inputs are base (ext = 0) or extension tables of m pairs; outputs are m extension elements each
// (an extension input may be its own output). The next round's s(0), s(2)[, s(3)] go to evalOut
// (nothing is written there when m = 1: no round is left).

// @ts-ignore: decorator
@inline function foldAt(p: usize, ext: bool, idx: usize, c0: v128, c1: v128, c2: v128, c3: v128): v128 {
  if (ext) {
    const a = v128.load(p + (idx << 5)), b = v128.load(p + (idx << 5) + 16);
    return vadd(a, emulC(vsub(b, a), c0, c1, c2, c3));
  }
  const a = load<u32>(p + (idx << 3)), b = load<u32>(p + (idx << 3) + 4);
  return vadd(vmm(c0, i32x4.splat(subm(b, a))), i32x4.replace_lane(i32x4.splat(0), 0, a));
}

export function foldRound2(f: usize, fExt: bool, g: usize, gExt: bool, m: u32, rPtr: usize, outF: usize, outG: usize, evalOut: usize): void {
  const c0 = vToMont(v128.load(rPtr));
  const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
  const half = <usize>(m >> 1);
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0);
  for (let i: usize = 0; i < half; i++) {
    const F0 = foldAt(f, fExt, 2 * i, c0, c1, c2, c3), F1 = foldAt(f, fExt, 2 * i + 1, c0, c1, c2, c3);
    const G0 = foldAt(g, gExt, 2 * i, c0, c1, c2, c3), G1 = foldAt(g, gExt, 2 * i + 1, c0, c1, c2, c3);
    v128.store(outF + (i << 5), F0); v128.store(outF + (i << 5) + 16, F1);
    v128.store(outG + (i << 5), G0); v128.store(outG + (i << 5) + 16, G1);
    s0 = vadd(s0, emm(F0, G0));
    s2 = vadd(s2, emm(vadd(F1, vsub(F1, F0)), vadd(G1, vsub(G1, G0))));
  }
  if (m & 1) {
    const last = <usize>m - 1;
    v128.store(outF + (last << 4), foldAt(f, fExt, last, c0, c1, c2, c3));
    v128.store(outG + (last << 4), foldAt(g, gExt, last, c0, c1, c2, c3));
  }
  if (half > 0) {
    const r2 = i32x4.splat(R2);
    v128.store(evalOut, vmm(s0, r2));
    v128.store(evalOut + 16, vmm(s2, r2));
  }
}

export function foldRound3(f: usize, fExt: bool, g: usize, gExt: bool, h: usize, hExt: bool, m: u32, rPtr: usize,
  outF: usize, outG: usize, outH: usize, evalOut: usize): void {
  const c0 = vToMont(v128.load(rPtr));
  const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
  const half = <usize>(m >> 1);
  let s0 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
  for (let i: usize = 0; i < half; i++) {
    const F0 = foldAt(f, fExt, 2 * i, c0, c1, c2, c3), F1 = foldAt(f, fExt, 2 * i + 1, c0, c1, c2, c3);
    const G0 = foldAt(g, gExt, 2 * i, c0, c1, c2, c3), G1 = foldAt(g, gExt, 2 * i + 1, c0, c1, c2, c3);
    const H0 = foldAt(h, hExt, 2 * i, c0, c1, c2, c3), H1 = foldAt(h, hExt, 2 * i + 1, c0, c1, c2, c3);
    v128.store(outF + (i << 5), F0); v128.store(outF + (i << 5) + 16, F1);
    v128.store(outG + (i << 5), G0); v128.store(outG + (i << 5) + 16, G1);
    v128.store(outH + (i << 5), H0); v128.store(outH + (i << 5) + 16, H1);
    const dF = vsub(F1, F0), dG = vsub(G1, G0), dH = vsub(H1, H0);
    const F2 = vadd(F1, dF), G2 = vadd(G1, dG), H2 = vadd(H1, dH);
    s0 = vadd(s0, emm(emm(F0, G0), H0));
    s2 = vadd(s2, emm(emm(F2, G2), H2));
    s3 = vadd(s3, emm(emm(vadd(F2, dF), vadd(G2, dG)), vadd(H2, dH)));
  }
  if (m & 1) {
    const last = <usize>m - 1;
    v128.store(outF + (last << 4), foldAt(f, fExt, last, c0, c1, c2, c3));
    v128.store(outG + (last << 4), foldAt(g, gExt, last, c0, c1, c2, c3));
    v128.store(outH + (last << 4), foldAt(h, hExt, last, c0, c1, c2, c3));
  }
  if (half > 0) {
    storeSums3(evalOut, s0, s2, s3);
  }
}

// ======================= tensor products =======================

/** out[i·m + j] = a[i]·b[j] (extension vectors of n and m elements; out has n·m). */
export function extOuter(a: usize, n: u32, b: usize, m: u32, out: usize): void {
  const rowBytes = <usize>m << 4;
  // b[j] once in Montgomery form per j; a walked with the stride of a row of out.
  for (let j: usize = 0; j < <usize>m; j++) {
    const c0 = vToMont(v128.load(b + (j << 4)));
    const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
    let o = out + (j << 4);
    for (let i: usize = 0; i < <usize>n; i++) {
      v128.store(o, emulC(v128.load(a + (i << 4)), c0, c1, c2, c3));
      o += rowBytes;
    }
  }
}

// ======================= GKR layer (LogUp fraction tree) =======================

/**
 * One layer up the fraction tree over h entries: np = p0·q1 + p1·q0, nq = q0·q1 (extension; p0,
 * p1 base when !pExt), the halves being the lower and upper halves of the layer below.
 */
export function gkrLayer(p0: usize, p1: usize, q0: usize, q1: usize, pExt: bool, h: u32, np: usize, nq: usize): void {
  const r2 = i32x4.splat(R2);
  for (let i: usize = 0; i < <usize>h; i++) {
    const o = i << 4;
    const c = v128.load(q0 + o), d = v128.load(q1 + o);
    let t: v128;
    if (pExt) {
      t = vadd(emm(v128.load(p0 + o), d), emm(v128.load(p1 + o), c));
    } else {
      const w = i << 2;
      t = vadd(vmm(d, i32x4.splat(load<u32>(p0 + w))), vmm(c, i32x4.splat(load<u32>(p1 + w))));
    }
    v128.store(np + o, vmm(t, r2));
    v128.store(nq + o, vmm(emm(c, d), r2));
  }
}

// ======================= fused GKR round (LogUp fraction layers) =======================

/**
 * One round of a fraction layer's sumcheck with the eq factor split off (Gruen): over m pairs,
 * t(X) = Σ_i S_i·F_i(X) with F = p0·q1 + p1·q0 + λ·q0·q1 on pair i (entries 2i, 2i+1) of each
 * table, at X = 0 and 2, and at X = 1 only when `withOne` (the caller usually derives t(1) from
 * the claim). Writes [t(0), t(2), t(1) or 0] at out. S holds m extension elements (eq of the
 * variables above this round's); q0, q1 are extension tables, p0, p1 extension (pExt) or base.
 * Every F carries one 2^-32 (λ enters in Montgomery form), the product with S a second: fixed
 * once by R3.
 */
export function gkrRound(S: usize, p0: usize, p1: usize, q0: usize, q1: usize, pExt: bool, m: u32, lamPtr: usize, withOne: bool, out: usize): void {
  const lam = vToMont(v128.load(lamPtr));
  const l1 = mulX(lam), l2 = mulX(l1), l3 = mulX(l2);
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0);
  for (let i: usize = 0; i < <usize>m; i++) {
    const o = i << 5;
    const e = v128.load(S + (i << 4));
    const a0 = v128.load(q0 + o), a1 = v128.load(q0 + o + 16), a2 = vsub(vadd(a1, a1), a0);
    const b0 = v128.load(q1 + o), b1 = v128.load(q1 + o + 16), b2 = vsub(vadd(b1, b1), b0);
    let c0: v128, c1: v128, c2: v128;
    if (pExt) {
      const x0 = v128.load(p0 + o), x1 = v128.load(p0 + o + 16), x2 = vsub(vadd(x1, x1), x0);
      const y0 = v128.load(p1 + o), y1 = v128.load(p1 + o + 16), y2 = vsub(vadd(y1, y1), y0);
      c0 = vadd(emm(x0, b0), emm(y0, a0));
      c2 = vadd(emm(x2, b2), emm(y2, a2));
      c1 = withOne ? vadd(emm(x1, b1), emm(y1, a1)) : i32x4.splat(0);
    } else {
      const w = i << 3;
      const x0 = load<u32>(p0 + w), x1 = load<u32>(p0 + w + 4), x2 = subm(addm(x1, x1), x0);
      const y0 = load<u32>(p1 + w), y1 = load<u32>(p1 + w + 4), y2 = subm(addm(y1, y1), y0);
      c0 = vadd(vmm(b0, i32x4.splat(x0)), vmm(a0, i32x4.splat(y0)));
      c2 = vadd(vmm(b2, i32x4.splat(x2)), vmm(a2, i32x4.splat(y2)));
      c1 = withOne ? vadd(vmm(b1, i32x4.splat(x1)), vmm(a1, i32x4.splat(y1))) : i32x4.splat(0);
    }
    s0 = vadd(s0, emm(e, vadd(c0, emulC(emm(a0, b0), lam, l1, l2, l3))));
    s2 = vadd(s2, emm(e, vadd(c2, emulC(emm(a2, b2), lam, l1, l2, l3))));
    if (withOne) s1 = vadd(s1, emm(e, vadd(c1, emulC(emm(a1, b1), lam, l1, l2, l3))));
  }
  storeSums3(out, s0, s2, s1);
}

/**
 * Folds p0, p1, q0, q1 at r (outputs: m extension elements each) and returns the next round's
 * gkrRound over the m/2 folded pairs with S (m/2 elements) at evalOut (nothing when m = 1): a
 * fold and a round in one pass.
 */
export function gkrFoldRound(S: usize, p0: usize, p1: usize, q0: usize, q1: usize, pExt: bool, m: u32, rPtr: usize, lamPtr: usize, withOne: bool,
  oP0: usize, oP1: usize, oQ0: usize, oQ1: usize, evalOut: usize): void {
  const c0 = vToMont(v128.load(rPtr));
  const c1 = mulX(c0), c2 = mulX(c1), c3 = mulX(c2);
  const lam = vToMont(v128.load(lamPtr));
  const l1 = mulX(lam), l2 = mulX(l1), l3 = mulX(l2);
  const half = <usize>(m >> 1);
  let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0);
  for (let i: usize = 0; i < half; i++) {
    const j = 2 * i, o = i << 5;
    const e = v128.load(S + (i << 4));
    const x0 = foldAt(p0, pExt, j, c0, c1, c2, c3), x1 = foldAt(p0, pExt, j + 1, c0, c1, c2, c3);
    const y0 = foldAt(p1, pExt, j, c0, c1, c2, c3), y1 = foldAt(p1, pExt, j + 1, c0, c1, c2, c3);
    const a0 = foldAt(q0, true, j, c0, c1, c2, c3), a1 = foldAt(q0, true, j + 1, c0, c1, c2, c3);
    const b0 = foldAt(q1, true, j, c0, c1, c2, c3), b1 = foldAt(q1, true, j + 1, c0, c1, c2, c3);
    v128.store(oP0 + o, x0); v128.store(oP0 + o + 16, x1);
    v128.store(oP1 + o, y0); v128.store(oP1 + o + 16, y1);
    v128.store(oQ0 + o, a0); v128.store(oQ0 + o + 16, a1);
    v128.store(oQ1 + o, b0); v128.store(oQ1 + o + 16, b1);
    const x2 = vsub(vadd(x1, x1), x0), y2 = vsub(vadd(y1, y1), y0), a2 = vsub(vadd(a1, a1), a0), b2 = vsub(vadd(b1, b1), b0);
    s0 = vadd(s0, emm(e, vadd(vadd(emm(x0, b0), emm(y0, a0)), emulC(emm(a0, b0), lam, l1, l2, l3))));
    s2 = vadd(s2, emm(e, vadd(vadd(emm(x2, b2), emm(y2, a2)), emulC(emm(a2, b2), lam, l1, l2, l3))));
    if (withOne) s1 = vadd(s1, emm(e, vadd(vadd(emm(x1, b1), emm(y1, a1)), emulC(emm(a1, b1), lam, l1, l2, l3))));
  }
  if (m & 1) {
    const last = <usize>m - 1, o = last << 4;
    v128.store(oP0 + o, foldAt(p0, pExt, last, c0, c1, c2, c3));
    v128.store(oP1 + o, foldAt(p1, pExt, last, c0, c1, c2, c3));
    v128.store(oQ0 + o, foldAt(q0, true, last, c0, c1, c2, c3));
    v128.store(oQ1 + o, foldAt(q1, true, last, c0, c1, c2, c3));
  }
  if (half > 0) {
    storeSums3(evalOut, s0, s2, s1);
  }
}

/**
 * gkrFoldRound for `count` trees of m pairs each, described at `list` by 12 words per tree:
 * S, p0, p1, q0, q1, pExt, oP0, oP1, oQ0, oQ1, weight, slot (the tree's sums, scratch). Writes
 * Σ_t weight_t·sums_t (three extension elements) at out: one call, one message, for many trees.
 */
export function gkrFoldRoundList(list: usize, count: u32, m: u32, rPtr: usize, lamPtr: usize, withOne: bool, out: usize): void {
  for (let t: usize = 0; t < <usize>count; t++) {
    const d = list + t * 48;
    gkrFoldRound(load<u32>(d), load<u32>(d + 4), load<u32>(d + 8), load<u32>(d + 12), load<u32>(d + 16), load<u32>(d + 20) != 0, m, rPtr, lamPtr, withOne,
      load<u32>(d + 24), load<u32>(d + 28), load<u32>(d + 32), load<u32>(d + 36), load<u32>(d + 44));
  }
  weighSums(list, count, m > 1, out);
}

/** Σ_t weight_t·slot_t over a list's trees (zeros when the round has no sums) into out. */
function weighSums(list: usize, count: u32, any: bool, out: usize): void {
  let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0);
  if (any) {
    for (let t: usize = 0; t < <usize>count; t++) {
      const d = list + t * 48, w = vToMont(v128.load(load<u32>(d + 40))), s = <usize>load<u32>(d + 44);
      a0 = vadd(a0, emm(w, v128.load(s)));
      a1 = vadd(a1, emm(w, v128.load(s + 16)));
      a2 = vadd(a2, emm(w, v128.load(s + 32)));
    }
  }
  v128.store(out, a0);
  v128.store(out + 16, a1);
  v128.store(out + 32, a2);
}

/** gkrLayer for `count` trees of h entries each, described at `list` by 8 words: p0, p1, q0, q1, pExt, np, nq, unused. */
export function gkrLayerList(list: usize, count: u32, h: u32): void {
  for (let t: usize = 0; t < <usize>count; t++) {
    const d = list + t * 32;
    gkrLayer(load<u32>(d), load<u32>(d + 4), load<u32>(d + 8), load<u32>(d + 12), load<u32>(d + 16) != 0, h, load<u32>(d + 20), load<u32>(d + 24));
  }
}

/** gkrRound for `count` trees of m pairs each, described as for gkrFoldRoundList (the outputs unused); the weighted sum at out. */
export function gkrRoundList(list: usize, count: u32, m: u32, lamPtr: usize, withOne: bool, out: usize): void {
  for (let t: usize = 0; t < <usize>count; t++) {
    const d = list + t * 48;
    gkrRound(load<u32>(d), load<u32>(d + 4), load<u32>(d + 8), load<u32>(d + 12), load<u32>(d + 16), load<u32>(d + 20) != 0, m, lamPtr, withOne, load<u32>(d + 44));
  }
  weighSums(list, count, true, out);
}

// ======================= reduction comparison (benchmarks only) =======================
// Scalar element-wise products with three reductions, so bench/field.ts can show the choice:
// Montgomery (a·b·2^-32: one reduction, as when one operand is in Montgomery form), Barrett and
// u64 `%` (canonical a·b). Scalar `%` is competitive on CPUs with a fast divider, but only
// Montgomery vectorizes (wasm SIMD has no 64-bit division), and the SIMD kernels use it.

const MU: u64 = 2164392967; // floor(2^62 / p)

export function benchMulMontScalar(a: usize, b: usize, out: usize, n: u32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    store<u32>(out + o, mm(load<u32>(a + o), load<u32>(b + o)));
  }
}

export function benchMulBarrettScalar(a: usize, b: usize, out: usize, n: u32): void {
  const p: u64 = 2130706433;
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    const t = <u64>load<u32>(a + o) * <u64>load<u32>(b + o);
    const q = ((t >> 30) * MU) >> 32;
    let r = t - q * p;
    r = select<u64>(r - p, r, r >= p);
    r = select<u64>(r - p, r, r >= p);
    store<u32>(out + o, <u32>r);
  }
}

export function benchMulRemScalar(a: usize, b: usize, out: usize, n: u32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    store<u32>(out + o, <u32>((<u64>load<u32>(a + o) * <u64>load<u32>(b + o)) % 2130706433));
  }
}
