// Dense float32 matrix products, the evaluator's hot loops (Conv, MatMul, Gemm).
// Row-major everywhere; results accumulate into `out`, which the caller zeroes or presets.

const COL_BLOCK = 512;

/**
 * out[M×N] += A[M×K] · B[K×N], with row strides lda, ldb, ldo. Four rows of A share each load
 * of B; columns are blocked for cache.
 */
export function gemmNN(
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, out: Float32Array, oOff: number,
  M: number, N: number, K: number, lda = K, ldb = N, ldo = N,
): void {
  for (let j0 = 0; j0 < N; j0 += COL_BLOCK) {
    const j1 = Math.min(N, j0 + COL_BLOCK);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const r0 = oOff + i * ldo, r1 = r0 + ldo, r2 = r1 + ldo, r3 = r2 + ldo;
      const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k]!, x1 = a[a1 + k]!, x2 = a[a2 + k]!, x3 = a[a3 + k]!;
        const bRow = bOff + k * ldb;
        for (let j = j0; j < j1; j++) {
          const y = b[bRow + j]!;
          out[r0 + j]! += x0 * y;
          out[r1 + j]! += x1 * y;
          out[r2 + j]! += x2 * y;
          out[r3 + j]! += x3 * y;
        }
      }
    }
    for (; i < M; i++) {
      const r = oOff + i * ldo, ar = aOff + i * lda;
      for (let k = 0; k < K; k++) {
        const x = a[ar + k]!;
        const bRow = bOff + k * ldb;
        for (let j = j0; j < j1; j++) out[r + j]! += x * b[bRow + j]!;
      }
    }
  }
}

/** out[M×N] += A[M×K] · B[N×K]ᵀ: dot products of contiguous rows, four rows of B at a time. */
export function gemmNT(
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, out: Float32Array, oOff: number,
  M: number, N: number, K: number,
): void {
  for (let i = 0; i < M; i++) {
    const ar = aOff + i * K, orow = oOff + i * N;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = bOff + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = a[ar + k]!;
        s0 += x * b[b0 + k]!;
        s1 += x * b[b1 + k]!;
        s2 += x * b[b2 + k]!;
        s3 += x * b[b3 + k]!;
      }
      out[orow + j]! += s0;
      out[orow + j + 1]! += s1;
      out[orow + j + 2]! += s2;
      out[orow + j + 3]! += s3;
    }
    for (; j < N; j++) {
      const br = bOff + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ar + k]! * b[br + k]!;
      out[orow + j]! += s;
    }
  }
}

/** The transpose of a row-major R×C matrix. */
export function transpose2d(src: Float32Array, off: number, R: number, C: number): Float32Array {
  const t = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) t[c * R + r] = src[off + r * C + c]!;
  return t;
}
