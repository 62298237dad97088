// SHA-256 Merkle tree with domain separation (PROTOCOL.md §6):
// leaf = SHA256(0x00 ‖ leaf bytes), node = SHA256(0x01 ‖ left ‖ right).
// Multi-openings send each needed sibling once: level by level, in increasing index order,
// skipping siblings the verifier can compute from the other opened leaves.
import { sha256Batch } from "../hash/index.ts";
import { PcsError, Rejection } from "./errors.ts";

export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

export interface MerkleTree {
  depth: number;
  /** levels[0]: the 2^depth leaf digests; levels[depth]: the 32-byte root. */
  levels: Uint8Array[];
}

/** Digests of 2^d leaves of `leafLen` bytes each, laid out back to back. */
export function hashLeaves(data: Uint8Array, leafLen: number): Uint8Array {
  return sha256Batch(data, leafLen, LEAF_PREFIX);
}

/** Digests of the parents of a level (pairs of 32-byte digests). */
export function hashNodes(level: Uint8Array): Uint8Array {
  return sha256Batch(level, 64, NODE_PREFIX);
}

/** Builds the tree over 2^depth leaf digests (`hashLevel`: another way to compute hashNodes). */
export function buildMerkle(leafDigests: Uint8Array, hashLevel: (level: Uint8Array) => Uint8Array = hashNodes): MerkleTree {
  const count = leafDigests.length / 32;
  if (!Number.isInteger(count) || count < 1 || (count & (count - 1)) !== 0) {
    throw new PcsError(`merkle: ${leafDigests.length} bytes of leaf digests is not 32·2^d`);
  }
  const levels = [leafDigests];
  while (levels[levels.length - 1]!.length > 32) levels.push(hashLevel(levels[levels.length - 1]!));
  return { depth: levels.length - 1, levels };
}

export function merkleRoot(tree: MerkleTree): Uint8Array {
  return tree.levels[tree.depth]!;
}

/** Sorted distinct indices (the verifier deduplicates squeezed query indices). */
export function distinctSorted(indices: readonly number[]): number[] {
  // Indices are below 2^32: a Float64Array sorts numerically without a comparator.
  const sorted = Float64Array.from(indices).sort(), out: number[] = [];
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) out.push(sorted[k]!);
  return out;
}

/**
 * The tree from the leaves up for the given sorted distinct indices: per level, the nodes on the
 * paths, sorted; a node needs its sibling sent unless the sibling is on the paths too
 * (needsSibling), in proof order. Shared by prover and verifier so both agree on the order by
 * construction.
 */
function walk(depth: number, leaves: readonly number[]): (readonly number[])[] {
  const levels: (readonly number[])[] = [];
  let idx = leaves;
  for (let level = 0; level < depth; level++) {
    levels.push(idx);
    idx = parentsOf(idx);
  }
  return levels;
}

/** Whether idx[k] (idx sorted, distinct) needs its sibling: the sibling is its neighbour in idx if present. */
function needsSibling(idx: readonly number[], k: number): boolean {
  const i = idx[k]!;
  return i & 1 ? k === 0 || idx[k - 1] !== i - 1 : k + 1 === idx.length || idx[k + 1] !== i + 1;
}

/** The parents of sorted distinct indices, sorted and distinct (siblings share one). */
function parentsOf(idx: readonly number[]): number[] {
  const parents: number[] = [];
  for (let k = 0; k < idx.length; k++) {
    const p = idx[k]! >> 1;
    if (parents.length === 0 || parents[parents.length - 1] !== p) parents.push(p);
  }
  return parents;
}

/** Number of sibling digests a multi-opening of these leaves carries. */
export function siblingCount(depth: number, sortedLeaves: readonly number[]): number {
  return siblingsOf(walk(depth, sortedLeaves));
}

function siblingsOf(levels: readonly (readonly number[])[]): number {
  let n = 0;
  for (const idx of levels) for (let k = 0; k < idx.length; k++) if (needsSibling(idx, k)) n++;
  return n;
}

/** Sibling digests (32 bytes each, concatenated) opening the sorted distinct leaf indices. */
export function openMulti(tree: MerkleTree, sortedLeaves: readonly number[]): Uint8Array {
  const levels = walk(tree.depth, sortedLeaves);
  const bytes = new Uint8Array(32 * siblingsOf(levels));
  let at = 0;
  for (let level = 0; level < levels.length; level++) {
    const idx = levels[level]!, digests = tree.levels[level]!;
    for (let k = 0; k < idx.length; k++) {
      if (!needsSibling(idx, k)) continue;
      const j = idx[k]! ^ 1;
      bytes.set(digests.subarray(32 * j, 32 * j + 32), at);
      at += 32;
    }
  }
  return bytes;
}

/**
 * Checks that `leafDigests` (32 bytes each, in the order of `sortedLeaves`) sit at those
 * indices under `root`. Work is bounded by |leaves|·depth hashes; throws Rejection.
 */
export function verifyMulti(root: Uint8Array, depth: number, sortedLeaves: readonly number[], leafDigests: Uint8Array, siblings: Uint8Array): void {
  if (leafDigests.length !== 32 * sortedLeaves.length) throw new Rejection(`merkle: ${leafDigests.length / 32} leaf digests for ${sortedLeaves.length} leaves`);
  for (let k = 0; k < sortedLeaves.length; k++) {
    const i = sortedLeaves[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= 2 ** depth || (k > 0 && i <= sortedLeaves[k - 1]!)) {
      throw new Rejection(`merkle: leaf indices must be sorted, distinct and below 2^${depth}`);
    }
  }
  const levels = walk(depth, sortedLeaves), expected = siblingsOf(levels);
  if (siblings.length !== 32 * expected) throw new Rejection(`merkle: ${siblings.length / 32} sibling digests where the opening needs ${expected}`);
  let known = new Map<number, Uint8Array>();
  sortedLeaves.forEach((i, k) => known.set(i, leafDigests.subarray(32 * k, 32 * k + 32)));
  let s = 0;
  for (const idx of levels) {
    // Pairs of children, hashed in one batch per level.
    const parents = parentsOf(idx);
    const slot = new Map(parents.map((p, k) => [p, k]));
    const pairs = new Uint8Array(64 * parents.length);
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const own = known.get(i)!;
      const p = slot.get(i >> 1)!;
      pairs.set(own, 64 * p + 32 * (i & 1));
      if (needsSibling(idx, k)) pairs.set(siblings.subarray(32 * s, 32 * ++s), 64 * p + 32 * ((i & 1) ^ 1));
    }
    const digests = hashNodes(pairs);
    const next = new Map<number, Uint8Array>();
    parents.forEach((p, k) => next.set(p, digests.subarray(32 * k, 32 * k + 32)));
    known = next;
  }
  const top = known.get(0);
  if (!top || !equalBytes(top, root)) throw new Rejection("merkle: opened leaves do not hash to the committed root");
}

/** Whether two byte strings are equal (without an early exit). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
