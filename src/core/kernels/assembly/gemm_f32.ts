// Float32 matrix product with 128-bit SIMD: the evaluator's Conv/MatMul/Gemm inner loop.
// Pointers are byte offsets into this instance's memory; matrices are packed row-major.
// The TypeScript side (../gemm-f32.ts) copies operands in and the result out.

export function heapBase(): usize {
  return __heap_base;
}

/** out[M×N] += A[M×K] · B[K×N], all packed row-major. */
export function gemm(a: usize, b: usize, out: usize, panel: usize, M: i32, N: i32, K: i32): void {
  gemmStrided(a, K, b, N, out, N, panel, M, N, K);
}

/**
 * out[M×N] += A[M×K] · B[K×N] with row strides lda, ldb, ldo (in floats). B is walked in panels
 * of 8 columns, packed k-major into `panel` (8·K floats of scratch) so the 4×8 register tile
 * reads it sequentially. Every output element sums its products in k order whatever the rows
 * around it: a block of rows computed alone gives the same floats (the prover's pool splits M).
 */
export function gemmStrided(a: usize, lda: i32, b: usize, ldb: i32, out: usize, ldo: i32, panel: usize, M: i32, N: i32, K: i32): void {
  const rowA = <usize>lda << 2, rowB = <usize>ldb << 2, rowO = <usize>ldo << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    // pack B[:, j..j+8]
    let src = b + (<usize>j << 2), dst = panel;
    for (let k = 0; k < K; k++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rowB;
      dst += 32;
    }
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const a0 = a + <usize>i * rowA, a1 = a0 + rowA, a2 = a1 + rowA, a3 = a2 + rowA;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let p = panel;
      for (let k = 0; k < K; k++) {
        const ko = <usize>k << 2;
        const b0 = v128.load(p), b1 = v128.load(p, 16);
        const x0 = f32x4.splat(load<f32>(a0 + ko)), x1 = f32x4.splat(load<f32>(a1 + ko));
        const x2 = f32x4.splat(load<f32>(a2 + ko)), x3 = f32x4.splat(load<f32>(a3 + ko));
        c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        p += 32;
      }
      const o0 = out + <usize>i * rowO + (<usize>j << 2), o1 = o0 + rowO, o2 = o1 + rowO, o3 = o2 + rowO;
      v128.store(o0, f32x4.add(v128.load(o0), c00)); v128.store(o0, f32x4.add(v128.load(o0, 16), c01), 16);
      v128.store(o1, f32x4.add(v128.load(o1), c10)); v128.store(o1, f32x4.add(v128.load(o1, 16), c11), 16);
      v128.store(o2, f32x4.add(v128.load(o2), c20)); v128.store(o2, f32x4.add(v128.load(o2, 16), c21), 16);
      v128.store(o3, f32x4.add(v128.load(o3), c30)); v128.store(o3, f32x4.add(v128.load(o3, 16), c31), 16);
    }
    for (; i < M; i++) {
      const ar = a + <usize>i * rowA;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let p = panel;
      for (let k = 0; k < K; k++) {
        const x = f32x4.splat(load<f32>(ar + (<usize>k << 2)));
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(p)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(p, 16)));
        p += 32;
      }
      const o = out + <usize>i * rowO + (<usize>j << 2);
      v128.store(o, f32x4.add(v128.load(o), c0));
      v128.store(o, f32x4.add(v128.load(o, 16), c1), 16);
    }
  }
  // remaining columns, one at a time
  for (; j < N; j++) {
    for (let i = 0; i < M; i++) {
      const ar = a + <usize>i * rowA;
      let s: f32 = 0;
      let bp = b + (<usize>j << 2);
      for (let k = 0; k < K; k++) {
        s += load<f32>(ar + (<usize>k << 2)) * load<f32>(bp);
        bp += rowB;
      }
      const o = out + <usize>i * rowO + (<usize>j << 2);
      store<f32>(o, load<f32>(o) + s);
    }
  }
}
