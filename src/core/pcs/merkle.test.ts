import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildMerkle, distinctSorted, hashLeaves, merkleRoot, openMulti, siblingCount, verifyMulti } from "./merkle.ts";
import { Rejection } from "./errors.ts";

// Independent reference: the textbook recursive definition with node:crypto.
const H = (...parts: Uint8Array[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();
function refRoot(leaves: Uint8Array[]): Buffer {
  let level = leaves.map((l) => H(Uint8Array.of(0), l));
  while (level.length > 1) level = level.flatMap((_, i) => (i % 2 ? [] : [H(Uint8Array.of(1), level[i]!, level[i + 1]!)]));
  return level[0]!;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

function tree(depth: number, leafLen: number, seed: number) {
  const r = rng(seed);
  const data = Uint8Array.from({ length: leafLen << depth }, () => r() >>> 24);
  const leaves = Array.from({ length: 1 << depth }, (_, i) => data.subarray(i * leafLen, (i + 1) * leafLen));
  const digests = hashLeaves(data, leafLen);
  return { data, leaves, digests, t: buildMerkle(digests), r };
}

function pick(digests: Uint8Array, idx: number[]): Uint8Array {
  const out = new Uint8Array(32 * idx.length);
  idx.forEach((i, k) => out.set(digests.subarray(32 * i, 32 * i + 32), 32 * k));
  return out;
}

describe("merkle", () => {
  it("root matches the textbook definition (depths 0..6, several leaf sizes)", () => {
    for (let depth = 0; depth <= 6; depth++) {
      for (const len of [1, 64, 300]) {
        const { leaves, t } = tree(depth, len, depth * 31 + len);
        expect(Buffer.from(merkleRoot(t))).toEqual(refRoot(leaves));
      }
    }
  });

  it("multi-openings verify and deduplicate siblings", () => {
    const depth = 8;
    const { digests, t, r } = tree(depth, 40, 5);
    for (let trial = 0; trial < 30; trial++) {
      const idx = distinctSorted(Array.from({ length: 1 + (r() % 60) }, () => r() % 256));
      const sib = openMulti(t, idx);
      expect(sib.length).toBe(32 * siblingCount(depth, idx));
      expect(sib.length).toBeLessThanOrEqual(32 * idx.length * depth);
      expect(() => verifyMulti(merkleRoot(t), depth, idx, pick(digests, idx), sib)).not.toThrow();
    }
    // Every leaf opened: nothing to send.
    const all = Array.from({ length: 256 }, (_, i) => i);
    expect(openMulti(t, all).length).toBe(0);
    expect(() => verifyMulti(merkleRoot(t), depth, all, digests, new Uint8Array(0))).not.toThrow();
    // Two sibling leaves: one path of depth − 1 nodes.
    expect(siblingCount(depth, [6, 7])).toBe(depth - 1);
    expect(siblingCount(depth, [5])).toBe(depth);
  });

  it("rejects a changed leaf, path node, root, index or a wrong sibling count", () => {
    const depth = 7;
    const { digests, t } = tree(depth, 33, 9);
    const idx = [3, 17, 18, 100, 127];
    const leaves = pick(digests, idx);
    const sib = openMulti(t, idx);
    const root = merkleRoot(t);
    const flip = (b: Uint8Array, at: number): Uint8Array => { const c = b.slice(); c[at]! ^= 1; return c; };
    const rejects = (f: () => void, why: RegExp): void => {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(Rejection);
      expect((err as Rejection).reason).toMatch(why);
    };
    for (let at = 0; at < leaves.length; at += 37) rejects(() => verifyMulti(root, depth, idx, flip(leaves, at), sib), /root/);
    for (let at = 0; at < sib.length; at += 29) rejects(() => verifyMulti(root, depth, idx, leaves, flip(sib, at)), /root/);
    rejects(() => verifyMulti(flip(root, 31), depth, idx, leaves, sib), /root/);
    rejects(() => verifyMulti(root, depth, [3, 17, 19, 100, 127], leaves, sib), /root/);
    rejects(() => verifyMulti(root, depth, idx, leaves, sib.subarray(32)), /needs/);
    rejects(() => verifyMulti(root, depth, idx, leaves, new Uint8Array(sib.length + 32)), /needs/);
    rejects(() => verifyMulti(root, depth, [17, 3, 18, 100, 127], leaves, sib), /sorted/);
    rejects(() => verifyMulti(root, depth, [3, 17, 18, 100, 128], leaves, sib), /below/);
    rejects(() => verifyMulti(root, depth, idx, leaves.subarray(32), sib), /leaf digests/);
    rejects(() => verifyMulti(root, depth, [], new Uint8Array(0), new Uint8Array(0)), /root/);
  });

  it("a leaf hash is not a node hash (domain separation)", () => {
    // A 64-byte leaf equal to two child digests must not give the parent's digest.
    const { digests, t } = tree(1, 64, 3);
    const fake = hashLeaves(digests, 64);
    expect(Buffer.from(fake)).not.toEqual(Buffer.from(merkleRoot(t)));
  });
});
