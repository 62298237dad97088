// Row combinations u = Σ_r w_r · M[r] (extension weights, base rows) on the kernels, with the
// matrix resident in kernel memory for the whole opening (or, for a matrix marked resident,
// for as long as it lives: the model's, opened by every proof).
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
import { inKernels, keepResident } from "../kernels/resident.ts";

export interface RowCombiner {
  /** Σ_r weights[r] · M[rowStart + r]; weights holds one extension element per row. */
  combine(rowStart: number, weights: Uint32Array): Uint32Array;
  /** The same combination into `out` (cols extension elements of the current kernels). */
  combineInto(rowStart: number, weights: Uint32Array, out: Buf): void;
  /** Several combinations at once (one kernel batch on a pool); an item whose rows and row point are in `known` is copied from there. */
  combineIntoMany(items: readonly { rowStart: number; weights: Uint32Array; rowPoint?: Uint32Array; out: Buf }[]): void;
}

/** The key of Σ_r eq(rowPoint, r)·M[rowStart + r] in a map of combinations made elsewhere. */
export function rowKey(rowStart: number, rowPoint: Uint32Array): string {
  // Each word as two UTF-16 code units: exact, and far quicker than joining decimal strings.
  const halves = new Uint16Array(rowPoint.buffer, rowPoint.byteOffset, 2 * rowPoint.length);
  return `${rowStart}:${String.fromCharCode.apply(null, halves as unknown as number[])}`;
}

/**
 * Runs `fn` with the row-major matrix (rows of `cols` elements) loaded once into the current
 * kernels. `resident`: keep the kernel copy for later calls on the same array (never mutate it).
 */
export function withMatrix<T>(matrix: Uint32Array, cols: number, fn: (c: RowCombiner) => T, resident = false, known?: ReadonlyMap<string, Uint32Array>): T {
  const K = fieldBackend();
  // A matrix already in kernel memory (the pipelined witness vector, lent) is used where it is.
  const { buf: m, owned } = resident ? { buf: keepResident(K, matrix), owned: false } : inKernels(K, matrix);
  try {
    return fn(new MatrixRows(K, m, cols, known));
  } finally {
    if (owned) K.free(m);
  }
}

/** The RowCombiner of a matrix loaded into kernel memory. */
class MatrixRows implements RowCombiner {
  constructor(private readonly K: FieldBackend, private readonly m: Buf, private readonly cols: number, private readonly known: ReadonlyMap<string, Uint32Array> | undefined) {}

  private rowsOf(rowStart: number, weights: Uint32Array): Buf {
    return this.K.slice(this.m, rowStart * this.cols, (weights.length / 4) * this.cols);
  }

  combine(rowStart: number, weights: Uint32Array): Uint32Array {
    return combine(this.K, this.rowsOf(rowStart, weights), this.cols, weights);
  }

  combineInto(rowStart: number, weights: Uint32Array, out: Buf): void {
    combineInto(this.K, this.rowsOf(rowStart, weights), this.cols, weights, out);
  }

  combineIntoMany(asked: readonly { rowStart: number; weights: Uint32Array; rowPoint?: Uint32Array; out: Buf }[]): void {
    const { K, known } = this;
    const items: typeof asked[number][] = [];
    let words = 0;
    for (const x of asked) {
      const g = known && x.rowPoint && known.get(rowKey(x.rowStart, x.rowPoint));
      if (g) K.write(x.out, g);
      else { items.push(x); words += x.weights.length; }
    }
    if (items.length === 0) return;
    // Every weight vector in one buffer.
    const all = new Uint32Array(words);
    let at = 0;
    for (const x of items) { all.set(x.weights, at); at += x.weights.length; }
    const w = K.from(all);
    try {
      const calls: { m: Buf; rows: number; w: Buf; out: Buf }[] = [];
      at = 0;
      for (const x of items) {
        calls.push({ m: this.rowsOf(x.rowStart, x.weights), rows: x.weights.length / 4, w: K.slice(w, at, x.weights.length), out: x.out });
        at += x.weights.length;
      }
      K.combineRowsMany(calls, this.cols);
    } finally {
      K.free(w);
    }
  }
}

function combine(K: FieldBackend, m: Buf, cols: number, weights: Uint32Array): Uint32Array {
  const out = K.allocFor(4 * cols);
  try {
    combineInto(K, m, cols, weights, out);
    return K.read(out);
  } finally {
    K.free(out);
  }
}

function combineInto(K: FieldBackend, m: Buf, cols: number, weights: Uint32Array, out: Buf): void {
  const w = K.from(weights);
  try {
    K.combineRows(m, weights.length / 4, cols, w, out);
  } finally {
    K.free(w);
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
