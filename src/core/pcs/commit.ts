// Commit: lay the 2^n evaluations out as a 2^a × 2^b matrix (row = high bits), RS-encode every
// row, and Merkle-commit to the encoded columns (leaf = SHA256(0x00 ‖ column as u32le words)).
import { LITTLE_ENDIAN } from "../bytes/index.ts";
import { P } from "../field/index.ts";
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
import { PcsError } from "./errors.ts";
import { buildMerkle, hashLeaves, hashNodes, merkleRoot, NODE_PREFIX, LEAF_PREFIX, type MerkleTree } from "./merkle.ts";
import { codeLength, validateParams, type PcsParams } from "./params.ts";

export interface PcsProverData {
  params: PcsParams;
  root: Uint8Array;
  /** The committed evaluations, row-major 2^logRows × 2^logCols. */
  matrix: Uint32Array;
  /**
   * The encoded matrix column-major: column j is words [j·2^logRows, (j+1)·2^logRows), in memory
   * or in a store that reads the columns an opening asks for (a proving key's file). Absent from a
   * streamed commitment (stream.ts): an opening encodes the rows again.
   */
  columns?: Uint32Array | ColumnStore;
  tree: MerkleTree;
  /** Frees kernel memory the data still uses (a pool's commitment keeps its columns there). */
  release?: () => void;
}

/** An encoded matrix kept outside memory: column j (2^logRows words) read when asked for. */
export interface ColumnStore {
  column(j: number): Uint32Array;
}

/** Data of a commitment that kept its code (`commit`, `commitOnGpu`). */
export type KeptPcsData = PcsProverData & { columns: Uint32Array };

/** The u32le bytes of words (a view on little-endian hosts, a copy otherwise). */
export function wordsToBytes(xs: Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(xs.buffer, xs.byteOffset, xs.byteLength);
  const out = new Uint8Array(4 * xs.length);
  const dv = new DataView(out.buffer);
  xs.forEach((x, i) => dv.setUint32(4 * i, x, true));
  return out;
}

/** Leaf digests of opened columns (q columns of `height` words each, back to back). */
export function columnLeaves(columns: Uint32Array, height: number): Uint8Array {
  return hashLeaves(wordsToBytes(columns), 4 * height);
}

/** Kernels that can also hash messages in their own memory (a pool's: on every thread). */
type HashingKernels = FieldBackend & {
  hashMessages?(b: Buf, byteOffset: number, len: number, count: number, prefix: number): Uint8Array;
  /** A view of b valid until b is freed (shared memory: growth never detaches it). */
  stableView?(b: Buf): Uint32Array;
};

/** Merkle levels with fewer nodes are hashed without the kernels' help. */
const MIN_KERNEL_NODES = 2048;

/**
 * Rows up to the last one with a nonzero value. A witness vector is padded to a power of two
 * (vgg16's leaves 119 of its 256 rows empty); the code of a zero row is zero, so those rows are
 * zero-filled instead of encoded. Scanning from the end reads only the zero tail.
 */
export function rowsInUse(evals: Uint32Array, logCols: number): number {
  let i = evals.length - 1;
  while (i >= 0 && evals[i] === 0) i--;
  return (i >> logCols) + 1;
}

/** Zeroes the code of rows [from, rows) (rows of `len` words in `enc`). */
export function zeroRows(K: FieldBackend, enc: Buf, from: number, rows: number, len: number): void {
  if (from < rows) K.view(K.slice(enc, from * len, (rows - from) * len)).fill(0);
}

/** RS-encodes every row into a new row-major code in kernel memory. */
function encodeRows(K: FieldBackend, params: PcsParams, evals: Uint32Array, used: number): Buf {
  const rows = 2 ** params.logRows, len = codeLength(params);
  const enc = K.allocFor(rows * len);
  try {
    if (used > 0) {
      const inp = K.from(evals.subarray(0, used << params.logCols));
      try {
        K.rsEncode(inp, used, params.logCols, params.logBlowup, K.slice(enc, 0, used * len));
      } finally {
        K.free(inp);
      }
    }
    zeroRows(K, enc, used, rows, len);
    return enc;
  } catch (e) {
    K.free(enc);
    throw e;
  }
}

/** The row-major code (taken over: freed) transposed, so each encoded column (a Merkle leaf) is contiguous. */
function transposed(K: FieldBackend, params: PcsParams, enc: Buf): Buf {
  const rows = 2 ** params.logRows, len = codeLength(params);
  try {
    const t = K.allocFor(rows * len);
    K.transpose(enc, rows, len, t);
    return t;
  } finally {
    K.free(enc);
  }
}

/** The tree over leaf digests, its wide node levels hashed in kernel memory when the kernels can. */
export function hashLevels(K: HashingKernels, leaves: Uint8Array): MerkleTree {
  const hash = K.hashMessages;
  if (!hash) return buildMerkle(leaves);
  return buildMerkle(leaves, (level) => {
    const nodes = level.length / 64;
    if (nodes < MIN_KERNEL_NODES) return hashNodes(level);
    const b = K.from(new Uint32Array(level.buffer, level.byteOffset, level.length / 4));
    try {
      return hash.call(K, b, 0, 64, nodes, NODE_PREFIX);
    } finally {
      K.free(b);
    }
  });
}

/**
 * The commitment to `evals` from their row-major code `enc` in kernel memory (taken over): the
 * column-major code and its tree. Kernels whose views stay valid (a pool's shared memory) keep
 * the code where it is, and the data frees it on release(); others copy it out.
 */
export function commitEncoded(params: PcsParams, evals: Uint32Array, enc: Buf): KeptPcsData {
  const K: HashingKernels = fieldBackend();
  const rows = 2 ** params.logRows, len = codeLength(params);
  const code = transposed(K, params, enc);
  let kept = false;
  try {
    const columns = K.stableView ? K.stableView(code) : K.read(code);
    const tree = hashLevels(K, K.hashMessages ? K.hashMessages(code, 0, 4 * rows, len, LEAF_PREFIX) : columnLeaves(columns, rows));
    const data: KeptPcsData = { params, root: merkleRoot(tree), matrix: evals, columns, tree };
    if (!K.stableView) return data;
    kept = true;
    let freed = false;
    return { ...data, release: () => { if (!freed) { freed = true; K.free(code); } } };
  } finally {
    if (!kept) K.free(code);
  }
}

/** Checks a commitment's parameters and its 2^logN canonical evaluations (every commit path). */
export function checkCommitInput(params: PcsParams, evals: Uint32Array, live = evals.length): void {
  validateParams(params);
  if (evals.length !== 2 ** params.logN) throw new PcsError(`commit: ${evals.length} values for a 2^${params.logN} commitment`);
  // Words from `live` on are known to be zero (an empty tail). A branch-free maximum first: the
  // check reads every word of the witness in every proof.
  let max = 0;
  for (let i = 0; i < live; i++) max = Math.max(max, evals[i]!);
  if (max < P) return;
  const i = evals.findIndex((v) => v >= P);
  throw new PcsError(`commit: value ${evals[i]} at index ${i} is not a canonical field element`);
}

/**
 * Commits to 2^logN evaluations on the current kernels (fieldBackend(): a pool's splits the
 * encoding, the transposition and the hashing across its threads; the bytes are the same).
 */
export function commit(params: PcsParams, evals: Uint32Array): KeptPcsData {
  const used = rowsInUse(evals, params.logCols);
  checkCommitInput(params, evals, used << params.logCols);
  return commitEncoded(params, evals, encodeRows(fieldBackend(), params, evals, used));
}
