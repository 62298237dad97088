// Commit: lay the 2^n evaluations out as a 2^a × 2^b matrix (row = high bits), RS-encode every
// row, and Merkle-commit to the encoded columns (leaf = SHA256(0x00 ‖ column as u32le words)).
import { P } from "../field/index.ts";
import { fieldBackend } from "../kernels/index.ts";
import { PcsError } from "./errors.ts";
import { buildMerkle, hashLeaves, hashNodes, merkleRoot, NODE_PREFIX, LEAF_PREFIX, type MerkleTree } from "./merkle.ts";
import type { JobRecord, PoolUse, WorkerPool } from "../parallel/index.ts";
import { codeLength, validateParams, type PcsParams } from "./params.ts";

export interface PcsProverData {
  params: PcsParams;
  root: Uint8Array;
  /** The committed evaluations, row-major 2^logRows × 2^logCols. */
  matrix: Uint32Array;
  /** The encoded matrix column-major: column j is words [j·2^logRows, (j+1)·2^logRows). */
  columns: Uint32Array;
  tree: MerkleTree;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

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

/** RS-encodes every row, then transposes so each encoded column (a Merkle leaf) is contiguous. */
function encodeColumns(params: PcsParams, evals: Uint32Array): Uint32Array {
  const K = fieldBackend();
  const rows = 2 ** params.logRows, len = codeLength(params);
  const enc = K.alloc(rows * len);
  try {
    const inp = K.from(evals);
    try {
      K.rsEncode(inp, rows, params.logCols, params.logBlowup, enc);
    } finally {
      K.free(inp);
    }
    const t = K.alloc(rows * len);
    try {
      K.transpose(enc, rows, len, t);
      return K.read(t);
    } finally {
      K.free(t);
    }
  } finally {
    K.free(enc);
  }
}

/** A pool splits the encoding and hashing across its threads (same bytes for any size). */
export type CommitOptions = PoolUse;

/** Merkle levels with fewer nodes are hashed on the calling thread. */
const MIN_PARALLEL_NODES = 2048;

/** The same commitment as the one-thread path, with row blocks, leaf ranges and wide levels split. */
function commitParallel(params: PcsParams, evals: Uint32Array, pool: WorkerPool, onJob: (j: JobRecord) => void): { matrix: Uint32Array; columns: Uint32Array; tree: MerkleTree } {
  const rows = 2 ** params.logRows, len = codeLength(params);
  const shared = pool.shared(evals);
  const columns = pool.u32(rows * len);
  pool.run({ kind: "rsEncode", evals: shared, rows, logCols: params.logCols, logBlowup: params.logBlowup, out: columns, blockRows: pool.block(rows) }).forEach(onJob);
  const leaves = pool.bytes(32 * len);
  pool.run({ kind: "sha256", data: wordsToBytes(columns), len: 4 * rows, prefix: LEAF_PREFIX, out: leaves, blockMessages: pool.block(len) }).forEach(onJob);
  const levels: Uint8Array[] = [leaves];
  for (let level = leaves; level.length > 32;) {
    const nodes = level.length / 64;
    let next: Uint8Array;
    if (nodes >= MIN_PARALLEL_NODES) {
      next = pool.bytes(32 * nodes);
      pool.run({ kind: "sha256", data: level, len: 64, prefix: NODE_PREFIX, out: next, blockMessages: pool.block(nodes) }).forEach(onJob);
    } else {
      next = hashNodes(level);
    }
    levels.push(next);
    level = next;
  }
  return { matrix: shared, columns, tree: { depth: levels.length - 1, levels } };
}

/** Checks a commitment's parameters and its 2^logN canonical evaluations (every commit path). */
export function checkCommitInput(params: PcsParams, evals: Uint32Array): void {
  validateParams(params);
  if (evals.length !== 2 ** params.logN) throw new PcsError(`commit: ${evals.length} values for a 2^${params.logN} commitment`);
  for (let i = 0; i < evals.length; i++) {
    if (evals[i]! >= P) throw new PcsError(`commit: value ${evals[i]} at index ${i} is not a canonical field element`);
  }
}

export function commit(params: PcsParams, evals: Uint32Array, opts: CommitOptions = {}): PcsProverData {
  checkCommitInput(params, evals);
  const rows = 2 ** params.logRows;
  if (opts.pool && opts.pool.size > 1) {
    // The shared copy of the matrix stays with the data, so the opening's workers can read it.
    const { matrix, columns, tree } = commitParallel(params, evals, opts.pool, opts.onJob ?? (() => {}));
    return { params, root: merkleRoot(tree), matrix, columns, tree };
  }
  const columns = encodeColumns(params, evals);
  const tree = buildMerkle(columnLeaves(columns, rows));
  return { params, root: merkleRoot(tree), matrix: evals, columns, tree };
}
