// Row combinations u = Σ_r w_r · M[r] (extension weights, base rows) on the kernels, with the
// matrix resident in kernel memory for the whole opening (or, for a matrix marked resident,
// for as long as it lives: the model's, opened by every proof).
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";

export interface RowCombiner {
  /** Σ_r weights[r] · M[rowStart + r]; weights holds one extension element per row. */
  combine(rowStart: number, weights: Uint32Array): Uint32Array;
}

// Per backend, the kernel copy of each resident matrix; freed when the matrix is collected.
const residents = new WeakMap<FieldBackend, WeakMap<Uint32Array, Buf>>();
const release = new FinalizationRegistry<{ K: FieldBackend; b: Buf }>(({ K, b }) => K.free(b));

function residentCopy(K: FieldBackend, matrix: Uint32Array): Buf {
  let copies = residents.get(K);
  if (!copies) residents.set(K, (copies = new WeakMap()));
  let b = copies.get(matrix);
  if (!b) {
    b = K.from(matrix);
    copies.set(matrix, b);
    release.register(matrix, { K, b });
  }
  return b;
}

/**
 * Runs `fn` with the row-major matrix (rows of `cols` elements) loaded once into the current
 * kernels. `resident`: keep the kernel copy for later calls on the same array (never mutate it).
 */
export function withMatrix<T>(matrix: Uint32Array, cols: number, fn: (c: RowCombiner) => T, resident = false): T {
  const K = fieldBackend();
  const m = resident ? residentCopy(K, matrix) : K.from(matrix);
  try {
    return fn({ combine: (rowStart, weights) => combine(K, K.slice(m, rowStart * cols, (weights.length / 4) * cols), cols, weights) });
  } finally {
    if (!resident) K.free(m);
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
