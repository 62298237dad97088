// The streamed commitment: the same root, leaves and openings as `commit`, without the code in
// memory. Rows are encoded a block at a time and every column's leaf hash absorbs each block
// (the hash state carries over), so the 4× code of a large witness (2 GiB for 2^27 entries at
// rate 1/4) is never held; an opening encodes the rows again and keeps only the queried columns.
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
import { wasmColumnHasher } from "../kernels/sha256.ts";
import type { BufColumnHasher } from "../parallel/backend.ts";
import { checkCommitInput, hashLevels, type PcsProverData } from "./commit.ts";
import { PcsError } from "./errors.ts";
import { LEAF_PREFIX, merkleRoot } from "./merkle.ts";
import { codeLength, type PcsParams } from "./params.ts";

/** Words of code per block: 64 MiB, so a block costs little beside the witness itself. */
const BLOCK_CODE_WORDS = 1 << 24;

/** Whether a commitment can be streamed: its rows come in blocks of 16 or more. */
export function canStream(params: PcsParams): boolean {
  return params.logRows >= 4;
}

/** Rows per block: a power of two from 16 up, the code block near BLOCK_CODE_WORDS. */
export function blockRows(params: PcsParams): number {
  const fit = Math.floor(Math.log2(BLOCK_CODE_WORDS / codeLength(params)));
  return 2 ** Math.min(params.logRows, Math.max(4, fit));
}

type Kernels = FieldBackend & { columnHasher?(count: number, prefix: number): BufColumnHasher };

/** Calls `fn` with each block of encoded rows (row-major in kernel memory, valid during the call). */
function forEachCodeBlock(K: FieldBackend, params: PcsParams, evals: Uint32Array, B: number, fn: (code: Buf, firstRow: number, rows: number) => void): void {
  const cols = 2 ** params.logCols, len = codeLength(params);
  const inp = K.allocFor(B * cols);
  try {
    const code = K.allocFor(B * len);
    try {
      for (let r = 0; r < 2 ** params.logRows; r += B) {
        K.write(inp, evals.subarray(r * cols, (r + B) * cols));
        K.rsEncode(inp, B, params.logCols, params.logBlowup, code);
        fn(code, r, B);
      }
    } finally {
      K.free(code);
    }
  } finally {
    K.free(inp);
  }
}

/**
 * `commit` without keeping the code (`columns` absent): the same root and leaves, for any
 * `rowsPerBlock` (a power of two from 16 to the row count).
 */
export function commitStreamed(params: PcsParams, evals: Uint32Array, rowsPerBlock = blockRows(params)): PcsProverData & { columns?: undefined } {
  checkCommitInput(params, evals);
  if (!canStream(params)) throw new PcsError(`commitStreamed: 2^${params.logRows} rows; a streamed commitment needs at least 16`);
  const B = rowsPerBlock;
  if (!Number.isInteger(Math.log2(B)) || B < 16 || B > 2 ** params.logRows) throw new PcsError(`commitStreamed: blocks of ${B} rows; give a power of two from 16 to ${2 ** params.logRows}`);
  const K: Kernels = fieldBackend();
  const len = codeLength(params), rows = 2 ** params.logRows;
  let leaves: Uint8Array;
  if (K.columnHasher) {
    // The pool's kernels hash each block where it was encoded.
    const h = K.columnHasher(len, LEAF_PREFIX);
    try {
      forEachCodeBlock(K, params, evals, B, (code) => h.absorb(code, B));
      leaves = h.finish(1 + 4 * rows);
    } finally {
      h.release();
    }
  } else {
    const h = wasmColumnHasher(len, LEAF_PREFIX);
    forEachCodeBlock(K, params, evals, B, (code) => h.absorb(K.read(code), B));
    leaves = h.finish(1 + 4 * rows);
  }
  const tree = hashLevels(K, leaves);
  return { params, root: merkleRoot(tree), matrix: evals, tree };
}

/** Columns `indices` of the code of `evals` (column-major, one after another), encoded again. */
export function reencodedColumns(params: PcsParams, evals: Uint32Array, indices: readonly number[]): Uint32Array {
  const K = fieldBackend(), len = codeLength(params), rows = 2 ** params.logRows;
  const out = new Uint32Array(indices.length * rows);
  forEachCodeBlock(K, params, evals, blockRows(params), (code, r0, B) => {
    const block = K.view(code);
    indices.forEach((j, k) => {
      for (let r = 0; r < B; r++) out[k * rows + r0 + r] = block[r * len + j]!;
    });
  });
  return out;
}
