// Row combinations u = Σ_r w_r · M[r] (extension weights, base rows) on the kernels, with the
// matrix resident in kernel memory for the whole opening.
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
import { add } from "../field/koalabear.ts";
import type { PoolUse, WorkerPool, JobRecord } from "../parallel/index.ts";

export interface RowCombiner {
  /** Σ_r weights[r] · M[rowStart + r]; weights holds one extension element per row. */
  combine(rowStart: number, weights: Uint32Array): Uint32Array;
}

/** Combinations smaller than this (matrix words) run on the calling thread. */
const MIN_PARALLEL_WORDS = 1 << 18;

/**
 * Runs `fn` with the row-major matrix (rows of `cols` elements) loaded once into the kernels, or,
 * with a pool, left in shared memory for the threads to combine blocks of rows from.
 */
export function withMatrix<T>(matrix: Uint32Array, cols: number, fn: (c: RowCombiner) => T, use: PoolUse = {}): T {
  const { pool } = use;
  if (pool && pool.size > 1) {
    const shared = pool.shared(matrix), onJob = use.onJob ?? (() => {});
    return fn({ combine: (rowStart, weights) => combineParallel(pool, shared, cols, rowStart, weights, onJob) });
  }
  const K = fieldBackend();
  const m = K.from(matrix);
  try {
    return fn({ combine: (rowStart, weights) => combine(K, K.slice(m, rowStart * cols, (weights.length / 4) * cols), cols, weights) });
  } finally {
    K.free(m);
  }
}

/** Row blocks combined on every thread; the partial sums added in block order. */
function combineParallel(pool: WorkerPool, matrix: Uint32Array, cols: number, rowStart: number, weights: Uint32Array, onJob: (j: JobRecord) => void): Uint32Array {
  const rows = weights.length / 4;
  if (rows * cols < MIN_PARALLEL_WORDS) {
    const K = fieldBackend(), m = K.from(matrix.subarray(rowStart * cols, (rowStart + rows) * cols));
    try {
      return combine(K, m, cols, weights);
    } finally {
      K.free(m);
    }
  }
  const blockRows = pool.block(rows), jobs = Math.ceil(rows / blockRows), width = 4 * cols;
  const partials = pool.u32(jobs * width);
  pool.run({ kind: "combineRows", matrix, cols, rowStart, weights: pool.shared(weights), partials, blockRows }).forEach(onJob);
  const out = partials.slice(0, width);
  for (let j = 1; j < jobs; j++) {
    for (let i = 0, at = j * width; i < width; i++) out[i] = add(out[i]!, partials[at + i]!);
  }
  return new Uint32Array(out);
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
