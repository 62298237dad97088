// The prover's side of window relations (circuit/windows.ts): per-axis matrices of the relation
// with the output position fixed at a point, and contractions of a tensor against them, on the
// wasm kernels. Nothing here is committed; the verifier evaluates the same relations in O(bits).
import { type Axis, sourceOf } from "../../circuit/windows.ts";
import { fieldBackend, type Buf, type FieldBackend } from "../../kernels/index.ts";
import { eqTable } from "../../poly/index.ts";
import { EXT_ONE } from "../../field/index.ts";

/** R[k][i] = Σ_o eq(r_o, o)·[i = o·stride + k·dilation − pad]: 2^kernelLog rows × 2^inLog ext columns. */
export function axisMatrix(a: Axis, rO: Uint32Array): Uint32Array {
  const eq = eqTable(rO);
  const cols = 2 ** a.inLog;
  const out = new Uint32Array(4 * (2 ** a.kernelLog) * cols);
  for (let k = 0; k < a.kernel; k++) {
    for (let o = 0; o < a.out; o++) {
      const i = sourceOf(a, o, k);
      if (i >= 0) out.set(eq.subarray(4 * o, 4 * o + 4), 4 * (k * cols + i));
    }
  }
  return out;
}

/** Σ_k eq(ρ_k, k)·R[k][·]: the relation at (r_o, ρ_k) as a vector over the input axis. */
export function axisVector(a: Axis, matrix: Uint32Array, rhoK: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  const rows = 2 ** a.kernelLog, cols = 2 ** a.inLog;
  const m = K.from(matrix), w = K.from(eqTable(rhoK)), out = K.alloc(4 * cols);
  try {
    K.combineRowsExt(m, rows, cols, w, out);
    return K.read(out);
  } finally {
    K.free(m); K.free(w); K.free(out);
  }
}

/** The tensor product of per-axis vectors (the first axis is the highest), left in kernel memory. */
export function outerProductBuf(vectors: readonly Uint32Array[], K: FieldBackend = fieldBackend()): Buf {
  let acc = K.from(Uint32Array.of(1, 0, 0, 0)), n = 1;
  try {
    for (const v of vectors) {
      const m = v.length / 4, vb = K.from(v), next = K.allocFor(4 * n * m);
      K.extOuter(acc, n, vb, m, next);
      K.free(vb);
      K.free(acc);
      acc = next;
      n *= m;
    }
    return acc;
  } catch (e) {
    K.free(acc);
    throw e;
  }
}

/** The tensor product of per-axis vectors (the first axis is the highest). */
export function outerProduct(vectors: readonly Uint32Array[], K: FieldBackend = fieldBackend()): Uint32Array {
  const b = outerProductBuf(vectors, K);
  try {
    return K.read(b);
  } finally {
    K.free(b);
  }
}

/**
 * T'(lead, k_1..k_d) = Σ_i Π_j R_j(k_j, i_j)·T(lead, i_1..i_d): T is `lead` blocks over the
 * padded input axes (base or ext); the result is ext over (lead, kernel axes), axes contracted
 * first to last.
 */
export function contractWindow(T: Uint32Array, ext: boolean, lead: number, axes: readonly Axis[], matrices: readonly Uint32Array[], K: FieldBackend = fieldBackend()): Uint32Array {
  const bufs: Buf[] = [];
  try {
    let cur = K.from(T), curExt = ext;
    bufs.push(cur);
    const dims: number[] = []; // current sizes of the window axes (input, then kernel)
    for (const a of axes) dims.push(2 ** a.inLog);
    for (let j = 0; j < axes.length; j++) {
      const a = axes[j]!, S = 2 ** a.inLog, Kp = 2 ** a.kernelLog;
      let inner = 1, outer = lead;
      for (let d = j + 1; d < dims.length; d++) inner *= dims[d]!;
      for (let d = 0; d < j; d++) outer *= dims[d]!;
      const next = K.allocFor(4 * outer * Kp * inner), R = K.from(matrices[j]!);
      bufs.push(next, R);
      if (inner > 1) {
        // Per block: next[b] (Kp × inner) = R (Kp × S) · cur[b] (S × inner), one batched call.
        K.matMulBatch(R, 0, cur, curExt, S * inner, Kp, S, inner, outer, next, Kp * inner);
      } else {
        // The last axis: next (outer × Kp) = cur (outer × S) · Rᵀ (S × Kp).
        const Rt = K.alloc(4 * S * Kp);
        bufs.push(Rt);
        const rv = K.view(R), tv = K.view(Rt);
        for (let k = 0; k < Kp; k++) for (let i = 0; i < S; i++) for (let c = 0; c < 4; c++) tv[4 * (i * Kp + k) + c] = rv[4 * (k * S + i) + c]!;
        if (!curExt) {
          const e = K.allocFor(4 * outer * S);
          bufs.push(e);
          K.baseScaleExt(cur, EXT_ONE, e, outer * S);
          cur = e;
        }
        K.matMulBatch(cur, 0, Rt, true, 0, outer, S, Kp, 1, next, 0);
      }
      cur = next;
      curExt = true;
      dims[j] = Kp;
    }
    return K.read(cur);
  } finally {
    for (const b of bufs) K.free(b);
  }
}
