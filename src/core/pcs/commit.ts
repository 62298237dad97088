// Commit: lay the 2^n evaluations out as a 2^a × 2^b matrix (row = high bits), RS-encode every
// row, and Merkle-commit to the encoded columns (leaf = SHA256(0x00 ‖ column as u32le words)).
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
  /** The encoded matrix column-major: column j is words [j·2^logRows, (j+1)·2^logRows). */
  columns: Uint32Array;
  tree: MerkleTree;
  /** Frees kernel memory the data still uses (a pool's commitment keeps its columns there). */
  release?: () => void;
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

/** Kernels that can also hash messages in their own memory (a pool's: on every thread). */
type HashingKernels = FieldBackend & {
  hashMessages?(b: Buf, byteOffset: number, len: number, count: number, prefix: number): Uint8Array;
  /** A view of b valid until b is freed (shared memory: growth never detaches it). */
  stableView?(b: Buf): Uint32Array;
};

/** Merkle levels with fewer nodes are hashed without the kernels' help. */
const MIN_KERNEL_NODES = 2048;

/**
 * RS-encodes every row, transposes so each encoded column (a Merkle leaf) is contiguous, and
 * hashes the leaves, all in kernel memory; returns the column-major code and the tree.
 */
function encodeAndHash(params: PcsParams, evals: Uint32Array): { columns: Uint32Array; tree: MerkleTree; release?: () => void } {
  const K: HashingKernels = fieldBackend();
  const rows = 2 ** params.logRows, len = codeLength(params);
  let enc: Buf | undefined = K.alloc(rows * len), t: Buf | undefined;
  let release: (() => void) | undefined;
  try {
    const inp = K.from(evals);
    try {
      K.rsEncode(inp, rows, params.logCols, params.logBlowup, enc);
    } finally {
      K.free(inp);
    }
    t = K.alloc(rows * len);
    K.transpose(enc, rows, len, t);
    K.free(enc);
    enc = undefined;
    // Where views stay valid, the code stays in kernel memory until the data is released.
    const kept = t, columns = K.stableView ? K.stableView(t) : K.read(t);
    if (K.stableView) {
      t = undefined;
      let freed = false;
      release = () => { if (!freed) { freed = true; K.free(kept); } };
    }
    const hash = K.hashMessages?.bind(K);
    if (!hash) return { columns, tree: buildMerkle(columnLeaves(columns, rows)), release };
    const leaves = hash(kept, 0, 4 * rows, len, LEAF_PREFIX);
    const tree = buildMerkle(leaves, (level) => {
      const nodes = level.length / 64;
      if (nodes < MIN_KERNEL_NODES) return hashNodes(level);
      const b = K.from(new Uint32Array(level.buffer, level.byteOffset, level.length / 4));
      try {
        return hash(b, 0, 64, nodes, NODE_PREFIX);
      } finally {
        K.free(b);
      }
    });
    return { columns, tree, release };
  } catch (e) {
    release?.();
    throw e;
  } finally {
    if (enc) K.free(enc);
    if (t) K.free(t);
  }
}

/** Checks a commitment's parameters and its 2^logN canonical evaluations (every commit path). */
export function checkCommitInput(params: PcsParams, evals: Uint32Array): void {
  validateParams(params);
  if (evals.length !== 2 ** params.logN) throw new PcsError(`commit: ${evals.length} values for a 2^${params.logN} commitment`);
  for (let i = 0; i < evals.length; i++) {
    if (evals[i]! >= P) throw new PcsError(`commit: value ${evals[i]} at index ${i} is not a canonical field element`);
  }
}

/**
 * Commits to 2^logN evaluations on the current kernels (fieldBackend(): a pool's splits the
 * encoding, the transposition and the hashing across its threads; the bytes are the same).
 */
export function commit(params: PcsParams, evals: Uint32Array): PcsProverData {
  checkCommitInput(params, evals);
  const { columns, tree, release } = encodeAndHash(params, evals);
  return { params, root: merkleRoot(tree), matrix: evals, columns, tree, ...(release ? { release } : {}) };
}
