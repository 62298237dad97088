// Row combinations u = Σ_r w_r · M[r] (extension weights, base rows) on the kernels, with the
// matrix resident in kernel memory for the whole opening.
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";

export interface RowCombiner {
  /** Σ_r weights[r] · M[rowStart + r]; weights holds one extension element per row. */
  combine(rowStart: number, weights: Uint32Array): Uint32Array;
}

/** Runs `fn` with the row-major matrix (rows of `cols` elements) loaded once into the kernels. */
export function withMatrix<T>(matrix: Uint32Array, cols: number, fn: (c: RowCombiner) => T): T {
  const K = fieldBackend();
  const m = K.from(matrix);
  try {
    return fn({ combine: (rowStart, weights) => combine(K, K.slice(m, rowStart * cols, (weights.length / 4) * cols), cols, weights) });
  } finally {
    K.free(m);
  }
}

function combine(K: FieldBackend, m: Buf, cols: number, weights: Uint32Array): Uint32Array {
  const w = K.from(weights), out = K.alloc(4 * cols);
  try {
    K.combineRows(m, weights.length / 4, cols, w, out);
    return K.read(out);
  } finally {
    K.free(w);
    K.free(out);
  }
}

/** Σ_i weights[i] · column_k[i] for each of the opened columns (`height` base elements each). */
export function combineColumns(columns: Uint32Array, height: number, weights: Uint32Array): Uint32Array {
  const K = fieldBackend();
  const c = K.from(columns), w = K.from(weights);
  const q = columns.length / height;
  const out = new Uint32Array(4 * q);
  try {
    for (let k = 0; k < q; k++) out.set(K.extDotBase(w, K.slice(c, k * height, height), height), 4 * k);
    return out;
  } finally {
    K.free(c);
    K.free(w);
  }
}
