// The streamed commitment (no code kept, rows encoded in blocks, leaf hashes carried across
// blocks) must be the kept commitment byte for byte: the same leaves, tree and root for any block
// size, and openings (which encode the rows again) identical to those from the kept code, on one
// thread and on a pool.
import { describe, expect, it } from "vitest";
import { Transcript } from "../transcript/index.ts";
import { withKernels } from "../kernels/index.ts";
import { nodePool, poolBackendOf } from "../parallel/index.ts";
import { canStream, chooseParams, commit, commitStreamed, open, verifyOpening, writeOpeningProof, type PcsClaim } from "./index.ts";
import { mleBrute, randomFields, rng } from "./test-helpers.ts";
import { PcsError } from "./errors.ts";
import { BATCH_STREAM } from "./batch.ts";
import { createHash } from "node:crypto";
import { instantiateKernel } from "../kernels/load.ts";
import { wasmBase64 } from "../kernels/generated/sha256.wasm.ts";
import type { Sha256Exports } from "../kernels/sha256.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function setting(seed: number, logN: number, logCols: number) {
  const r = rng(seed), params = chooseParams(logN, { logCols });
  const evals = randomFields(r, 2 ** logN);
  const claims: PcsClaim[] = [1, 5].map((k) => {
    const logSize = 6, offset = k * 2 ** logSize, point = randomFields(r, 4 * logSize);
    return { segment: { offset, logSize }, point, value: mleBrute(evals.subarray(offset, offset + 2 ** logSize), point) };
  });
  return { params, evals, claims };
}

describe("streamed commitment", () => {
  // 2^7 rows: blocks of 16, 32, 64 and 128 rows.
  const { params, evals, claims } = setting(11, 12, 5);
  const kept = commit(params, evals);
  const keptProof = writeOpeningProof(open(new Transcript(), kept, claims), params);

  it("has the kept commitment's leaves, tree and root for every block size", () => {
    for (const rows of [16, 32, 64, 128]) {
      const s = commitStreamed(params, evals, rows);
      expect(s.columns).toBeUndefined();
      expect(s.tree.levels.map(hex)).toEqual(kept.tree.levels.map(hex));
      expect(hex(s.root)).toBe(hex(kept.root));
    }
  });

  it("opens with the kept commitment's bytes (the queried columns encoded again)", () => {
    const s = commitStreamed(params, evals, 16);
    const bytes = writeOpeningProof(open(new Transcript(), s, claims), params);
    expect(hex(bytes)).toBe(hex(keptProof));
    expect(verifyOpening(new Transcript(), params, s.root, claims, bytes)).toEqual({ ok: true });
  });

  it("hashes columns in the kernel's SIMD groups of four and one by one alike (6 columns, 2 blocks)", () => {
    // Codes have 4·2^k columns, so only a direct call reaches the one-by-one path.
    const k = instantiateKernel<Sha256Exports>(wasmBase64);
    const count = 6, rows = 32, block = 16, r = rng(15);
    const m = randomFields(r, rows * count);
    const states = k.exports.heapBase() + 64, at = states + 64 * count, scratch = at + 4 * rows * count + 64, out = scratch + 65536;
    k.memory.grow(4);
    const mem = () => new Uint32Array(k.memory.buffer);
    k.exports.columnsInit(states, 0, count, 0);
    for (let b = 0; b < rows; b += block) {
      mem().set(m.subarray(b * count, (b + block) * count), at / 4);
      k.exports.columnsAbsorb(states, at, count, block, 0, count, scratch);
    }
    k.exports.columnsFinish(states, 0, count, 1 + 4 * rows, out, scratch);
    const got = new Uint8Array(k.memory.buffer, out, 32 * count);
    for (let j = 0; j < count; j++) {
      const col = Uint32Array.from({ length: rows }, (_, i) => m[i * count + j]!);
      const want = createHash("sha256").update(Uint8Array.of(0)).update(new Uint8Array(col.buffer)).digest();
      expect(hex(got.subarray(32 * j, 32 * j + 32))).toBe(want.toString("hex"));
    }
  });

  it("is refused for fewer than 16 rows, and for a block size that is not a power of two from 16", () => {
    const few = setting(13, 8, 5);
    expect(canStream(few.params)).toBe(false);
    expect(() => commitStreamed(few.params, few.evals)).toThrow(PcsError);
    expect(() => commitStreamed(params, evals, 24)).toThrow(/power of two from 16/);
    expect(() => commitStreamed(params, evals, 8)).toThrow(/power of two from 16/);
  });

  it("batches many claims with the first round streamed over blocks of row groups, to the same bytes", () => {
    const r = rng(16), p = chooseParams(12, { logCols: 5 }), m = randomFields(r, 2 ** 12);
    // Two-row segments (a group each) and one-row-or-less ones (groups shared by row).
    const segs = [[6, 0], [6, 1], [6, 5], [3, 3], [3, 9], [2, 100], [6, 7], [4, 33]] as const;
    const many: PcsClaim[] = segs.map(([logSize, k]) => {
      const offset = k * 2 ** logSize, point = randomFields(r, 4 * logSize);
      return { segment: { offset, logSize }, point, value: mleBrute(m.subarray(offset, offset + 2 ** logSize), point) };
    });
    const data = commit(p, m);
    const whole = writeOpeningProof(open(new Transcript(), data, many), p);
    const saved = BATCH_STREAM.words;
    try {
      for (const groups of [1, 2, 3]) {
        BATCH_STREAM.words = 4 * 2 ** p.logCols * groups;
        expect(hex(writeOpeningProof(open(new Transcript(), data, many), p))).toBe(hex(whole));
      }
    } finally {
      BATCH_STREAM.words = saved;
    }
    expect(verifyOpening(new Transcript(), p, data.root, many, whole)).toEqual({ ok: true });
  });

  it("gives the same bytes on a pool of two threads", async () => {
    const big = setting(14, 18, 9);
    const ref = commit(big.params, big.evals);
    const refProof = writeOpeningProof(open(new Transcript(), ref, big.claims), big.params);
    const { pool, ready } = nodePool(2);
    await ready;
    const { root, leaves, bytes } = withKernels(poolBackendOf(pool), () => {
      const s = commitStreamed(big.params, big.evals, 16);
      return { root: s.root, leaves: s.tree.levels[0]!, bytes: writeOpeningProof(open(new Transcript(), s, big.claims), big.params) };
    });
    expect(hex(leaves)).toBe(hex(ref.tree.levels[0]!));
    expect(hex(root)).toBe(hex(ref.root));
    expect(hex(bytes)).toBe(hex(refProof));
  }, 60_000);
});
