import { afterAll, describe, expect, it } from "vitest";
import { chooseParams, commit, open, verifyOpening, writeOpeningProof, type PcsClaim } from "../pcs/index.ts";
import { mleBrute, randomFields, rng } from "../pcs/test-helpers.ts";
import { sha256Batch } from "../hash/index.ts";
import { Transcript } from "../transcript/index.ts";
import { createPool, nodePool, singleThreadPool, webPool, PoolError, type PoolWorker } from "./index.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("worker pool", () => {
  const made: { close(): void }[] = [];
  afterAll(() => made.forEach((p) => p.close()));

  it("hashes message ranges on every thread with the one-thread bytes", async () => {
    const { pool, ready } = nodePool(3);
    await ready;
    expect(pool.size).toBe(3);
    const next = rng(7), len = 333, n = 1000;
    const data = pool.bytes(n * len).map(() => next() & 255);
    const out = pool.bytes(32 * n);
    const jobs = pool.run({ kind: "sha256", data, len, prefix: 1, out, blockMessages: 37 });
    expect(hex(out)).toBe(hex(sha256Batch(data, len, 1)));
    expect(jobs.length).toBe(Math.ceil(n / 37));
    expect(jobs.every((j) => j.worker >= 0 && j.worker < 3 && j.ms >= 0)).toBe(true);
    expect(jobs[0]!.detail).toBe("SHA-256 nodes 0–36");
  });

  it("commits to the same root, columns and tree with 1, 2 and 4 threads", async () => {
    const next = rng(11);
    for (const logN of [10, 15]) {
      const params = chooseParams(logN);
      const evals = randomFields(next, 2 ** logN);
      const ref = commit(params, evals);
      for (const threads of [2, 4]) {
        const { pool, ready } = nodePool(threads);
        await ready;
        const seen = new Set<number>();
        const got = commit(params, evals, { pool, onJob: (j) => seen.add(j.worker) });
        expect(hex(got.root)).toBe(hex(ref.root));
        expect(hex(new Uint8Array(got.columns.buffer))).toBe(hex(new Uint8Array(ref.columns.buffer, ref.columns.byteOffset, ref.columns.byteLength)));
        expect(got.tree.levels.map(hex)).toEqual(ref.tree.levels.map(hex));
        expect(seen.size).toBeGreaterThan(0);
      }
    }
  });

  it("opens a 2^20 commitment (row combinations split over row blocks) to the one-thread bytes", async () => {
    const r = rng(5), params = chooseParams(20);
    const evals = randomFields(r, 2 ** 20);
    // Small segments keep the brute-force values cheap; the proximity and evaluation rows span
    // every row, so those combinations run on the pool.
    const claims: PcsClaim[] = [3, 700].map((k) => {
      const logSize = 10, offset = k * 2 ** logSize, point = randomFields(r, 4 * logSize);
      return { segment: { offset, logSize }, point, value: mleBrute(evals.subarray(offset, offset + 2 ** logSize), point) };
    });
    const ref = writeOpeningProof(open(new Transcript(), commit(params, evals), claims), params);
    for (const threads of [2, 4]) {
      const { pool, ready } = nodePool(threads);
      await ready;
      const data = commit(params, evals, { pool });
      const ran: string[] = [];
      const bytes = writeOpeningProof(open(new Transcript(), data, claims, { pool, onJob: (j) => ran.push(j.detail) }), params);
      expect(hex(bytes)).toBe(hex(ref));
      expect(ran.some((d) => d.startsWith("combine rows 0–"))).toBe(true);
      expect(verifyOpening(new Transcript(), params, data.root, claims, bytes)).toEqual({ ok: true });
    }
  });

  it("reports a failing job as a PoolError and stays usable", async () => {
    const { pool, ready } = nodePool(2);
    await ready;
    // The second message is cut short, so its job's hash call rejects it.
    expect(() => pool.run({ kind: "sha256", data: pool.bytes(100), len: 64, prefix: 0, out: pool.bytes(64), blockMessages: 1 })).toThrow(/parallel: worker \d: hash: batch of 36 bytes/);
    expect(() => pool.run({ kind: "sha256", data: pool.bytes(100), len: 64, prefix: 0, out: pool.bytes(64), blockMessages: 1 })).toThrow(PoolError);
    const out = pool.bytes(64);
    pool.run({ kind: "sha256", data: pool.bytes(128), len: 64, prefix: 0, out, blockMessages: 1 });
    expect(hex(out)).toBe(hex(sha256Batch(new Uint8Array(128), 64, 0)));
  });

  it("a worker that never starts does not block: the caller runs every job; its failure is reported by ready", async () => {
    type Listener = (e: unknown) => void;
    const listeners: Record<string, Listener[]> = {};
    const silent = {
      postMessage() {},
      terminate() {},
      addEventListener(type: string, fn: Listener) { (listeners[type] ??= []).push(fn); },
    };
    const { pool, ready } = webPool(2, () => silent);
    made.push(pool);
    expect(pool.size).toBe(2);
    const data = pool.bytes(64 * 10), out = pool.bytes(32 * 10);
    const jobs = pool.run({ kind: "sha256", data, len: 64, prefix: 0, out, blockMessages: 1 });
    expect(jobs.map((j) => j.worker)).toEqual(new Array(10).fill(0));
    expect(hex(out)).toBe(hex(sha256Batch(data, 64, 0)));
    listeners.error!.forEach((fn) => fn({ message: "no such script" }));
    await expect(ready).rejects.toThrow(/parallel: a pool worker failed to start: no such script/);
  });

  it("falls back to one thread without shared memory, and rejects bad sizes", () => {
    const g = globalThis as { crossOriginIsolated?: boolean };
    const before = g.crossOriginIsolated;
    g.crossOriginIsolated = false;
    try {
      const pool = createPool(4, (): PoolWorker => { throw new Error("must not spawn"); });
      made.push(pool);
      expect(pool.size).toBe(1);
      expect(pool.note).toMatch(/not cross-origin isolated/);
    } finally {
      g.crossOriginIsolated = before;
      if (before === undefined) delete g.crossOriginIsolated;
    }
    expect(() => createPool(0, () => { throw new Error("unused"); })).toThrow(/whole number/);
    expect(singleThreadPool().size).toBe(1);
  });
});
