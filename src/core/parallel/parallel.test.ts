// The pool and its backend: every split kernel call gives the one-thread bits (the wasm kernels,
// themselves checked against the TS reference) for 2 and 4 threads, at sizes that do split and
// with ranges that do not divide evenly; commitments and openings keep their bytes; failures,
// silent workers and missing shared memory are handled.
import { afterAll, describe, expect, it } from "vitest";
import { chooseParams, commit, layoutSegments, open, verifyOpening, writeOpeningProof, type PcsClaim } from "../pcs/index.ts";
import { pipelinedCommit } from "../pcs/pipeline.ts";
import { mleBrute, randomFields, rng } from "../pcs/test-helpers.ts";
import { sha256Batch } from "../hash/index.ts";
import { Transcript } from "../transcript/index.ts";
import { wasmBackend, wasmGemmF32, withKernels, type Buf, type FieldBackend } from "../kernels/index.ts";
import { createPool, nodePool, poolBackendOf, singleThreadPool, webPool, PoolError, type PoolWorker, type PoolBackend } from "./index.ts";
import { tsWorker } from "./node-pool.ts";
import { ranges } from "./backend.ts";
import { poolGemm } from "./gemm.ts";
import { CLAIMS, CONTROL_WORDS, NJOBS } from "./protocol.ts";

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
/** A short fingerprint of words (failures print digests, not megabytes). */
const words = (a: Uint32Array) => hex(sha256Batch(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), a.byteLength)) + `/${a.length}`;

/** Runs `fn` on both backends with the same inputs (copied in) and returns both outputs. */
function both(W: FieldBackend, B: PoolBackend, inputs: Uint32Array[], outWords: number, fn: (K: FieldBackend, ins: Buf[], out: Buf) => Uint32Array | void) {
  return [W, B].map((K) => {
    const ins = inputs.map((x) => K.from(x)), out = K.alloc(outWords);
    try {
      const r = fn(K, ins, out);
      return { ret: r ? words(r) : "", out: words(K.read(out)), ins: ins.map((b) => words(K.read(b))) };
    } finally {
      [...ins, out].forEach((b) => K.free(b));
    }
  });
}

describe("worker pool", () => {
  const made: { close(): void }[] = [];
  afterAll(() => made.forEach((p) => p.close()));

  it("ranges cover the total once, aligned", () => {
    expect(ranges(100, 3, 16)).toEqual([[0, 48], [48, 96], [96, 100]]);
    expect(ranges(5, 8)).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    expect(ranges(0, 4)).toEqual([]);
  });

  for (const threads of [2, 4]) {
    it(`every split kernel equals the one-thread kernels (${threads} threads)`, async () => {
      const { pool, ready } = nodePool(threads);
      await ready;
      const B = poolBackendOf(pool), W = wasmBackend(), r = rng(threads);
      const E = (n: number) => 4 * n;
      const base = (n: number) => randomFields(r, n), ext = (n: number) => randomFields(r, E(n));
      const c = randomFields(r, 4), eqPoint = ext(15);
      // Odd sizes: the last range is short.
      const n = (1 << 16) + 37, m = (1 << 13) + 5;
      // Batched GKR rounds of `trees` trees of m pairs (every other one with base numerators): many
      // small trees go several to a job, large ones in ranges.
      const gkrTreeCases = (trees: number, m: number): typeof cases => {
        const pExt = (t: number) => t % 2 === 0;
        // S (one element per pair), p0, p1, q0, q1.
        const inputs = Array.from({ length: trees }, (_, t) => [ext(m), pExt(t) ? ext(2 * m) : base(2 * m), pExt(t) ? ext(2 * m) : base(2 * m), ext(2 * m), ext(2 * m)]).flat();
        const tables = (ins: Buf[]) => Array.from({ length: trees }, (_, t) => ({ tables: ins.slice(5 * t, 5 * t + 5), pExt: pExt(t), weight: eqPoint.subarray(4 * (t % 15), 4 * (t % 15) + 4) }));
        const layerArgs = (ins: Buf[], K: FieldBackend, o: Buf) => Array.from({ length: trees }, (_, t) => ({
          p0: ins[5 * t + 1]!, p1: ins[5 * t + 2]!, q0: ins[5 * t + 3]!, q1: ins[5 * t + 4]!, pExt: pExt(t),
          np: K.slice(o, 2 * t * E(2 * m), E(2 * m)), nq: K.slice(o, (2 * t + 1) * E(2 * m), E(2 * m)),
        }));
        return [
          [`gkrLayers ${trees} trees of ${2 * m}`, inputs, E(4 * m * trees), (K, ins, o) => K.gkrLayers(layerArgs(ins, K, o), 2 * m)],
          ...[false, true].flatMap((one): typeof cases => [
            [`gkrRounds ${trees} trees of ${m}${one ? " with t(1)" : ""}`, inputs, 0, (K, ins) => K.gkrRounds(tables(ins), m, c, one)],
            [`gkrFoldRounds ${trees} trees of ${m}${one ? " with t(1)" : ""}`, inputs, E(4 * m * trees), (K, ins, o) =>
              K.gkrFoldRounds(tables(ins).map((t, i) => ({ ...t, outs: [0, 1, 2, 3].map((j) => K.slice(o, (4 * i + j) * E(m), E(m))) })), m, c, eqPoint.subarray(0, 4), one)],
          ]),
        ];
      };
      const cases: [string, Uint32Array[], number, (K: FieldBackend, i: Buf[], o: Buf) => Uint32Array | void][] = [
        ["add", [base(n), base(n)], n, (K, [a, b], o) => K.add(a!, b!, o, n)],
        ["sub", [base(n), base(n)], n, (K, [a, b], o) => K.sub(a!, b!, o, n)],
        ["mul", [base(n), base(n)], n, (K, [a, b], o) => K.mul(a!, b!, o, n)],
        ["extAdd", [ext(m * 2), ext(m * 2)], E(m * 2), (K, [a, b], o) => K.extAdd(a!, b!, o, m * 2)],
        ["extMul", [ext(m * 2), ext(m * 2)], E(m * 2), (K, [a, b], o) => K.extMul(a!, b!, o, m * 2)],
        ["extMul in place", [ext(m * 2), ext(m * 2)], 0, (K, [a, b]) => K.extMul(a!, b!, a!, m * 2)],
        ["extMulBase", [ext(m * 2), base(m * 2)], E(m * 2), (K, [a, b], o) => K.extMulBase(a!, b!, o, m * 2)],
        ["extScale", [ext(m * 2)], E(m * 2), (K, [a], o) => K.extScale(a!, c, o, m * 2)],
        ["baseScaleExt", [base(m * 2)], E(m * 2), (K, [a], o) => K.baseScaleExt(a!, c, o, m * 2)],
        ["lookupDenominators", [base(m * 2), base(m * 2), base(m * 2)], E(m * 2), (K, [a, b, d], o) => K.lookupDenominators([a!, b!, d!], c, [eqPoint.subarray(0, 4), c, eqPoint.subarray(4, 8)], m * 2, o)],
        ["lookupDenominators, one column", [base(m * 2)], E(m * 2), (K, [a], o) => K.lookupDenominators([a!], c, [eqPoint.subarray(0, 4)], m * 2, o)],
        ["lookupDenominatorsMany", [base(m * 2), base(m * 2), base(m * 2)], E(m * 2 + 300), (K, [a, b, d], o) => K.lookupDenominatorsMany([
          // One long item of three columns (split in ranges), then 60 short ones of one to three.
          { columns: [a!, b!, d!], n: m * 2, out: K.slice(o, 0, E(m * 2)) },
          ...Array.from({ length: 60 }, (_, i) => ({ columns: [a!, b!, d!].slice(0, 1 + (i % 3)).map((x) => K.slice(x, i, 5)), n: 5, out: K.slice(o, E(m * 2 + 5 * i), E(5)) }))],
          c, [eqPoint.subarray(0, 4), c, eqPoint.subarray(4, 8)])],
        ["extDot", [ext(m * 2), ext(m * 2)], 0, (K, [a, b]) => K.extDot(a!, b!, m * 2)],
        ["extDotBase", [ext(m * 2), base(m * 2)], 0, (K, [a, b]) => K.extDotBase(a!, b!, m * 2)],
        ["extSum", [ext(m * 2)], 0, (K, [a]) => K.extSum(a!, m * 2)],
        ["extDotBaseMany", [ext(m * 2), base(m * 2)], 0, (K, [a, b]) => K.extDotBaseMany([
          // One long dot (split in ranges) and 1100 short ones (a job each, over two batches).
          { a: a!, b: b!, n: m * 2 },
          ...Array.from({ length: 1100 }, (_, i) => ({ a: K.slice(a!, 4 * (i % 97), 4 * (17 + (i % 5))), b: K.slice(b!, i % 89, 17 + (i % 5)), n: 17 + (i % 5) }))])],
        ["combineRows", [base(37 * 1100), ext(37)], E(1100), (K, [a, w], o) => K.combineRows(a!, 37, 1100, w!, o)],
        ["combineRowsMany", [base(60 * 1100), ext(60)], E(13 * 1100), (K, [a, w], o) => K.combineRowsMany(
          // Twelve small combinations (one job each) and one of 48 rows (split by columns).
          [...Array.from({ length: 12 }, (_, i) => ({ m: K.slice(a!, 1100 * i, 1100), rows: 1, w: K.slice(w!, 4 * i, 4), out: K.slice(o, E(1100 * i), E(1100)) })),
            { m: K.slice(a!, 1100 * 12, 1100 * 48), rows: 48, w: K.slice(w!, 48, 4 * 48), out: K.slice(o, E(1100 * 12), E(1100)) }], 1100)],
        ["combineRowsExt", [ext(9 * 4000), ext(9)], E(4000), (K, [a, w], o) => K.combineRowsExt(a!, 9, 4000, w!, o)],
        ["extOuter", [ext(5000), ext(3)], E(15000), (K, [a, b], o) => K.extOuter(a!, 5000, b!, 3, o)],
        ["matMulBatch shared A", [ext(3 * 40), base(9 * 40 * 100)], E(9 * 3 * 100), (K, [a, b], o) => K.matMulBatch(a!, 0, b!, false, 4000, 3, 40, 100, 9, o, 300)],
        ["matMulBatch one product", [ext(70 * 30), ext(30 * 40)], E(70 * 40), (K, [a, b], o) => K.matMulBatch(a!, 0, b!, true, 0, 70, 30, 40, 1, o, 0)],
        ["transpose", [base(300 * 257)], 300 * 257, (K, [a], o) => K.transpose(a!, 300, 257, o)],
        ["rsEncode", [base(37 << 10)], 37 << 12, (K, [a], o) => K.rsEncode(a!, 37, 10, 2, o)],
        ["rsEncodeExt", [ext(11 << 10)], E(11 << 12), (K, [a], o) => K.rsEncodeExt(a!, 11, 10, 2, o)],
        ["eqTable 2^15", [], E(1 << 15), (K, _i, o) => K.eqTable(eqPoint, o)],
        ["eqTable 2^15 scaled", [], E(1 << 15), (K, _i, o) => K.eqTable(eqPoint, o, c)],
        ["eqTables 40 × 2^9 and 2^15", [], E(40 * 512 + (1 << 15)), (K, _i, o) => K.eqTables([
          ...Array.from({ length: 40 }, (_, i) => ({ r: eqPoint.subarray(4 * (i % 6), 4 * (i % 6) + 36), out: K.slice(o, E(512 * i), E(512)), scale: i % 2 ? c : undefined })),
          { r: eqPoint, out: K.slice(o, E(40 * 512), E(1 << 15)), scale: c }])],
        ["foldBase", [base(2 * m)], E(m), (K, [a], o) => K.foldBase(a!, m, c, o)],
        ["foldExt", [ext(2 * m)], E(m), (K, [a], o) => K.foldExt(a!, m, c, o)],
        ["foldExt in place", [ext(2 * m)], 0, (K, [a]) => K.foldExt(a!, m, c, a!)],
        ["roundProduct EB", [ext(2 * m), base(2 * m)], 0, (K, [a, b]) => K.roundProduct([{ buf: b!, ext: false }, { buf: a!, ext: true }], m)],
        ["roundProduct EEB", [ext(2 * m), ext(2 * m), base(2 * m)], 0, (K, [a, b, d]) => K.roundProduct([{ buf: a!, ext: true }, { buf: b!, ext: true }, { buf: d!, ext: false }], m)],
        ["roundProduct EBBB", [ext(2 * m), base(2 * m), base(2 * m), base(2 * m)], 0, (K, [a, b, d, e]) => K.roundProduct([{ buf: b!, ext: false }, { buf: a!, ext: true }, { buf: d!, ext: false }, { buf: e!, ext: false }], m)],
        ["roundProduct 6 tables", [ext(2 * m), base(2 * m), ext(2 * m), base(2 * m), base(2 * m), ext(2 * m)], 0, (K, ins) => K.roundProduct(ins.map((buf, j) => ({ buf, ext: [true, false, true, false, false, true][j]! })), m)],
        ["roundProduct BBB", [base(2 * m), base(2 * m), base(2 * m)], 0, (K, [a, b, d]) => K.roundProduct([{ buf: a!, ext: false }, { buf: b!, ext: false }, { buf: d!, ext: false }], m)],
        ["gkrLayer E", [ext(m * 2), ext(m * 2), ext(m * 2), ext(m * 2)], E(4 * m), (K, [a, b, q, w], o) => K.gkrLayer(a!, b!, q!, w!, true, 2 * m, K.slice(o, 0, E(2 * m)), K.slice(o, E(2 * m), E(2 * m)))],
        ["gkrLayer B", [base(m * 2), base(m * 2), ext(m * 2), ext(m * 2)], E(4 * m), (K, [a, b, q, w], o) => K.gkrLayer(a!, b!, q!, w!, false, 2 * m, K.slice(o, 0, E(2 * m)), K.slice(o, E(2 * m), E(2 * m)))],
        ["gkrRound E", [ext(m), ext(2 * m), ext(2 * m), ext(2 * m), ext(2 * m)], 0, (K, [e, a, b, q, w]) => K.gkrRound(e!, a!, b!, q!, w!, true, m, c)],
        ["gkrRound B with t(1)", [ext(m), base(2 * m), base(2 * m), ext(2 * m), ext(2 * m)], 0, (K, [e, a, b, q, w]) => K.gkrRound(e!, a!, b!, q!, w!, false, m, c, true)],
        ["gkrFoldRound E with t(1)", [ext(m), ext(2 * m), ext(2 * m), ext(2 * m), ext(2 * m)], E(4 * m), (K, ins, o) =>
          K.gkrFoldRound(ins, true, m, c, eqPoint.subarray(0, 4), [0, 1, 2, 3].map((j) => K.slice(o, j * E(m), E(m))), true)],
        ["gkrFoldRound B", [ext(m), base(2 * m), base(2 * m), ext(2 * m), ext(2 * m)], E(4 * m), (K, ins, o) =>
          K.gkrFoldRound(ins, false, m, c, eqPoint.subarray(0, 4), [0, 1, 2, 3].map((j) => K.slice(o, j * E(m), E(m))))],
        ["foldRoundProduct 2", [ext(2 * m), base(2 * m)], E(2 * m), (K, [a, b], o) => K.foldRoundProduct([{ buf: a!, ext: true }, { buf: b!, ext: false }], m, c, [K.slice(o, 0, E(m)), K.slice(o, E(m), E(m))])],
        ["foldRoundProduct 3", [ext(2 * m), base(2 * m), ext(2 * m)], E(3 * m), (K, [a, b, d], o) =>
          K.foldRoundProduct([{ buf: a!, ext: true }, { buf: b!, ext: false }, { buf: d!, ext: true }], m, c, [0, 1, 2].map((j) => K.slice(o, j * E(m), E(m))))],
        ...gkrTreeCases(20, 256), ...gkrTreeCases(3, m),
      ];
      for (const [name, inputs, outWords, fn] of cases) {
        const [one, many] = both(W, B, inputs, outWords, fn);
        expect(many, name).toEqual(one);
      }
      const msgs = randomFields(r, 250 * 300);
      const b = B.from(msgs);
      try {
        const bytes = new Uint8Array(msgs.buffer);
        expect(hex(B.hashMessages(b, 0, 1000, 300, 0))).toBe(hex(sha256Batch(bytes, 1000, 0)));
        expect(hex(B.hashMessages(b, 4, 64, 1000, -1))).toBe(hex(sha256Batch(bytes.subarray(4, 4 + 64000), 64)));
      } finally {
        B.free(b);
      }
      const act = pool.activity();
      expect(act.reduce((s, a) => s + a.jobs, 0)).toBeGreaterThan(cases.length);
      expect(act.every((a) => a.worker >= 0 && a.worker < threads && a.ms >= 0)).toBe(true);
    }, 60_000);
  }

  it("commits and opens (row-side batching) with the one-thread bytes on 2 and 4 threads", async () => {
    const r = rng(5), params = chooseParams(20);
    const evals = randomFields(r, 2 ** 20);
    const claims: PcsClaim[] = [3, 700].map((k) => {
      const logSize = 10, offset = k * 2 ** logSize, point = randomFields(r, 4 * logSize);
      return { segment: { offset, logSize }, point, value: mleBrute(evals.subarray(offset, offset + 2 ** logSize), point) };
    });
    const refData = commit(params, evals);
    const ref = writeOpeningProof(open(new Transcript(), refData, claims), params);
    for (const threads of [2, 4]) {
      const { pool, ready } = nodePool(threads);
      await ready;
      const B = poolBackendOf(pool);
      const { data, bytes } = withKernels(B, () => {
        const data = commit(params, evals);
        return { data, bytes: writeOpeningProof(open(new Transcript(), data, claims), params) };
      });
      expect(hex(data.root)).toBe(hex(refData.root));
      expect(data.tree.levels.map(hex)).toEqual(refData.tree.levels.map(hex));
      expect(words(data.columns)).toBe(words(refData.columns));
      expect(hex(bytes)).toBe(hex(ref));
      expect(verifyOpening(new Transcript(), params, data.root, claims, bytes)).toEqual({ ok: true });
      // Every thread takes part. A worker the OS leaves unscheduled through a whole commit (other
      // test files share the cores) gets its jobs taken by the others: commit again, a few times.
      const ran = new Set(pool.activity().map((a) => a.worker));
      for (let k = 0; k < 5 && ran.size < threads; k++) {
        withKernels(B, () => commit(params, evals).release?.());
        for (const a of pool.activity()) ran.add(a.worker);
      }
      expect(ran.size).toBe(threads);
    }
  }, 60_000);

  it("a submitted batch runs while the caller works, is settled before the next, and reports its failure at settle", async () => {
    const { pool, ready } = nodePool(2);
    made.push(pool);
    await ready;
    const B = poolBackendOf(pool), n = 1 << 16;
    const x = B.from(randomFields(rng(9), n)), y = B.alloc(n), z = B.alloc(n);
    const copy = (from: Buf, to: Buf) => ranges(n, 4).map(([f, t]) => ({ fn: "copyWords" as const, args: [B.local.ptr(from) + 4 * f, B.local.ptr(to) + 4 * f, t - f] }));
    pool.submit(copy(x, y));
    // The next batch settles the submitted one first: y is whole before it is copied on.
    pool.run(copy(y, z));
    expect(pool.busyWithSubmitted()).toBe(false);
    expect(words(B.read(z))).toBe(words(B.read(x)));
    // A failing job of a submitted batch is reported where it is settled, and the pool goes on.
    const bad = { fn: "copyWords" as const, args: [0, 0x7ff00000, 1 << 20] };
    pool.submit([bad, bad]);
    expect(() => pool.settle()).toThrow(PoolError);
    pool.settle();
    pool.run(copy(x, z));
    expect(words(B.read(z))).toBe(words(B.read(x)));
  });

  it("fillWith: other work runs beside a batch of several jobs, its kernel calls on the calling thread; it cannot start a batch", () => {
    // A pool whose worker never starts: the batch waits for the caller, so the filler's steps
    // run whatever the timing (on a real pool the workers may finish a batch before a step).
    const pool = createPool(2, () => ({ postMessage() {}, terminate() {} }));
    made.push(pool);
    const B = poolBackendOf(pool), W = wasmBackend(), n = 1 << 20, m = 1 << 14;
    // The batch: an extension product big enough to split.
    const a = randomFields(rng(21), 4 * n), small = randomFields(rng(22), 4 * m);
    const [x, out] = [B.from(a), B.alloc(4 * n)], [s, sOut] = [B.from(small), B.alloc(4 * m)];
    let steps = 0;
    const refused: unknown[] = [];
    pool.batchStats();
    pool.fillWith(() => {
      if (steps === 2) return false;
      steps++;
      // Split into jobs outside a fill (2^14 ≥ the split size); inside, on this thread alone.
      B.extMul(s, s, sOut, m);
      try { pool.run([{ fn: "copyWords", args: [B.local.ptr(s), B.local.ptr(sOut), 4] }, { fn: "copyWords", args: [B.local.ptr(s), B.local.ptr(sOut), 4] }]); } catch (e) { refused.push(e); }
      try { B.hashMessages(s, 0, 64, 4, -1); } catch (e) { refused.push(e); }
      return true;
    }, () => B.extMul(x, x, out, n));
    expect(steps).toBe(2);
    expect(refused).toHaveLength(4);
    expect(refused.every((e) => e instanceof PoolError)).toBe(true);
    // The filler's calls made no batch of their own: only the driving product's.
    expect(pool.batchStats().batches).toBe(1);
    const ref = (data: Uint32Array, count: number) => {
      const [i, o] = [W.from(data), W.alloc(4 * count)];
      W.extMul(i, i, o, count);
      const r = W.read(o);
      W.free(i); W.free(o);
      return words(r);
    };
    expect(words(B.read(out))).toBe(ref(a, n));
    expect(words(B.read(sOut))).toBe(ref(small, m));
    // Outside fillWith the pool is as before: the small product splits again.
    B.extMul(s, s, sOut, m);
    expect(pool.batchStats().batches).toBe(1);
    // A filler that throws: the batch is finished first (it writes the caller's memory), then the
    // error reaches the caller, and the pool goes on.
    B.write(out, new Uint32Array(4 * n));
    expect(() => pool.fillWith(() => { throw new Error("step failed"); }, () => B.extMul(x, x, out, n))).toThrow("step failed");
    expect(words(B.read(out))).toBe(ref(a, n));
    B.extMul(s, s, sOut, m);
    expect(words(B.read(sOut))).toBe(ref(small, m));
    [x, out, s, sOut].forEach((b) => B.free(b));
  });

  it("a commitment encoded while its segments arrive, in any order, has commit()'s bytes; abort frees it", async () => {
    const { pool, ready } = nodePool(2);
    made.push(pool);
    await ready;
    const B = poolBackendOf(pool), r = rng(13);
    // Segments of many sizes, some sharing a row, some spanning several; a gap left unwritten (zero).
    const tensors = [15, 14, 14, 12, 11, 9, 9, 8, 6, 3, 1].map((l, i) => ({ name: `t${i}`, length: 2 ** l - (i % 3) }));
    const map = layoutSegments(tensors, 16);
    const params = chooseParams(map.logN);
    const data = tensors.map((t) => randomFields(r, t.length));
    const flat = new Uint32Array(2 ** map.logN);
    map.segments.forEach((s, i) => flat.set(data[i]!, s.offset));
    const refData = commit(params, flat);
    // Count the batches handed to the workers in the background (the point of the pipeline).
    let submitted = 0;
    const submit = B.rsEncodeSubmit;
    B.rsEncodeSubmit = (...a) => { submitted++; submit(...a); };
    for (const order of [[...map.segments.keys()], [...map.segments.keys()].reverse(), [3, 0, 9, 1, 5, 10, 2, 8, 4, 7, 6]]) {
      const got = withKernels(B, () => {
        const piped = pipelinedCommit(B, params, map);
        for (const i of order) {
          const s = map.segments[i]!;
          piped.evals.set(data[i]!, s.offset);
          piped.written(s.offset);
        }
        const d = piped.finish();
        const out = { root: hex(d.root), columns: words(d.columns), matrix: words(d.matrix) };
        d.release?.();
        return out;
      });
      expect(got).toEqual({ root: hex(refData.root), columns: words(refData.columns), matrix: words(flat) });
    }
    expect(submitted).toBeGreaterThanOrEqual(3);
    // A proof that fails before its commitment gives the memory back.
    const before = B.local.arenaBytes();
    withKernels(B, () => {
      const piped = pipelinedCommit(B, params, map);
      piped.evals.set(data[0]!, map.segments[0]!.offset);
      piped.written(map.segments[0]!.offset);
      piped.abort();
      piped.abort();
    });
    expect(B.local.arenaBytes()).toBe(before);
    // A background batch that fails is reported, and the commitment's memory is freed.
    B.rsEncodeSubmit = () => pool.submit([{ fn: "copyWords", args: [0, 0x7ff00000, 1 << 20] }, { fn: "copyWords", args: [0, 0x7ff00000, 1 << 20] }]);
    // (It surfaces when the batch is settled: at the next hand-over, or at the end; the prover
    // then aborts the commitment.)
    withKernels(B, () => {
      const piped = pipelinedCommit(B, params, map);
      expect(() => {
        for (const [i, s] of map.segments.entries()) {
          piped.evals.set(data[i]!, s.offset);
          piped.written(s.offset);
        }
        piped.finish();
      }).toThrow(PoolError);
      piped.abort();
    });
    expect(B.local.arenaBytes()).toBe(before);
    B.rsEncodeSubmit = submit;
  });

  it("the evaluator's f32 GEMM split by rows gives the one-thread floats, with strides, offsets and kept weights", async () => {
    const { pool, ready } = nodePool(2);
    made.push(pool);
    await ready;
    const gemm = poolGemm(pool), r = rng(5);
    // Floats whose sums round (not small integers): a different summation order would show.
    const floats = (n: number) => Float32Array.from({ length: n }, () => (r() % 2001) / 37 - 27);
    for (const [M, N, K] of [[64, 200, 96], [37, 70, 150], [130, 9, 300], [5, 900, 200], [8, 64, 4]] as const) {
      const lda = K + 3, ldb = N + 1, ldo = N + 5, aOff = 7, bOff = 11, oOff = 2;
      const a = floats(aOff + M * lda), b = floats(bOff + K * ldb), init = floats(oOff + M * ldo);
      const want = init.slice();
      wasmGemmF32(a, aOff, b, bOff, want, oOff, M, N, K, lda, ldb, ldo);
      for (const keep of [undefined, "a", "b"] as const) {
        // Twice: the second call finds the kept operand in the pool's memory.
        for (let k = 0; k < 2; k++) {
          const got = init.slice();
          gemm(a, aOff, b, bOff, got, oOff, M, N, K, lda, ldb, ldo, keep);
          expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
        }
      }
    }
  });

  it("hashes columns that lie past 2 GiB of the shared memory (job words are i32; addresses are not)", () => {
    // A pool of its own: its memory grows past 2 GiB, which the shared nodePool(2) must not.
    const pool = createPool(2, () => {
      const w = tsWorker(new URL("./node-worker.ts", import.meta.url).href)!;
      w.unref();
      return w as unknown as PoolWorker;
    });
    try {
      const B = poolBackendOf(pool);
      // Untouched pages cost no RAM: the filler only moves the next buffer past 2^31.
      const filler = B.allocFor(2 ** 29 + 1024);
      const len = 4096, count = 8, data = new Uint8Array(len * count).map((_, i) => (i * 131 + 7) & 255);
      const b = B.from(new Uint32Array(data.buffer));
      expect(B.local.ptr(b)).toBeGreaterThan(2 ** 31);
      expect(hex(B.hashMessages(b, 0, len, count, 0))).toBe(hex(sha256Batch(data, len, 0)));
      B.free(b);
      B.free(filler);
    } finally {
      pool.close();
    }
  }, 60_000);

  it("reports a failing job as a PoolError and stays usable", async () => {
    const { pool, ready } = nodePool(2);
    await ready;
    // A copy far past the end of the memory traps in whichever thread runs it.
    const bad = { fn: "copyWords" as const, args: [0, 0x7ff00000, 1 << 20] };
    expect(() => pool.run([bad, bad, bad])).toThrow(/parallel: worker \d: .*out of bounds/);
    expect(() => pool.run([bad, bad])).toThrow(PoolError);
    const B = poolBackendOf(pool), x = B.from(Uint32Array.of(1, 2, 3, 4)), y = B.alloc(4);
    // One backend, so one allocator, per pool memory: a second would hand out the same bytes.
    expect(poolBackendOf(pool)).toBe(B);
    pool.run([{ fn: "copyWords", args: [B.local.ptr(x), B.local.ptr(y), 2] }, { fn: "copyWords", args: [B.local.ptr(x) + 8, B.local.ptr(y) + 8, 2] }]);
    expect(Array.from(B.read(y))).toEqual([1, 2, 3, 4]);
    expect(() => pool.run(Array.from({ length: 2000 }, () => bad))).toThrow(/2000 jobs in one batch/);
  });

  it("a worker that takes a job and dies is reported, not waited for forever", async () => {
    const { Worker } = await import("node:worker_threads");
    // A ghost: on init it claims the first job of its block in the next batch, then never finishes it.
    const ghost = `const { parentPort } = require("node:worker_threads");
      parentPort.once("message", (m) => {
        const c = new Int32Array(m.state, 0, ${CONTROL_WORDS});
        for (;;) {
          const w = Atomics.load(c, ${CLAIMS + 1}), n = Atomics.load(c, ${NJOBS});
          if ((w >>> 16) !== 0 && (w >>> 16) === (n >>> 16) && (w & 0xffff) < (n & 0xffff) && Atomics.compareExchange(c, ${CLAIMS + 1}, w, w + 1) === w) break;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      });`;
    const pool = createPool(2, () => { const w = new Worker(ghost, { eval: true }); w.unref(); return w as unknown as PoolWorker; });
    made.push(pool);
    pool.stallMs = 200;
    // The first job (the caller's) is long enough for the ghost to take the second.
    const B = poolBackendOf(pool), n = 1 << 22, x = B.alloc(n), y = B.alloc(n);
    const copy = (words: number) => ({ fn: "copyWords" as const, args: [B.local.ptr(x), B.local.ptr(y), words] });
    await new Promise((r) => setTimeout(r, 300)); // the ghost starts and spins on the claim word
    // Until the ghost gets a job (the caller may take both when the ghost is descheduled).
    let error: unknown;
    for (let attempt = 0; attempt < 50 && !error; attempt++) {
      try { pool.run([copy(n), copy(4)]); } catch (e) { error = e; }
    }
    expect(error).toBeInstanceOf(PoolError);
    expect((error as Error).message).toMatch(/parallel: no pool thread finished a job for 0.2 s \(1 of 2 copyWords jobs outstanding\); a worker stopped/);
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
    const B = poolBackendOf(pool), W = wasmBackend(), r = rng(3);
    const [one, many] = both(W, B, [randomFields(r, 1 << 18)], 1 << 20, (K, [a], o) => K.rsEncode(a!, 64, 12, 2, o));
    expect(many).toEqual(one);
    expect(pool.activity().map((a) => a.worker)).toEqual([0]);
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
      expect(() => poolBackendOf(pool)).toThrow(/one-thread pool has no shared memory/);
    } finally {
      g.crossOriginIsolated = before;
      if (before === undefined) delete g.crossOriginIsolated;
    }
    expect(() => createPool(0, () => { throw new Error("unused"); })).toThrow(/whole number/);
    // A machine that cannot reserve the shared memory proves on one thread, and says why.
    const Memory = WebAssembly.Memory;
    (WebAssembly as { Memory: unknown }).Memory = function () { throw new RangeError("could not allocate memory"); };
    try {
      const pool = createPool(2, (): PoolWorker => { throw new Error("must not spawn"); });
      expect(pool.size).toBe(1);
      expect(pool.note).toBe("one thread: the shared memory could not be reserved (could not allocate memory)");
    } finally {
      (WebAssembly as { Memory: unknown }).Memory = Memory;
    }
    expect(singleThreadPool().size).toBe(1);
  });

  // Linux only (the pool reads /proc): elsewhere there is nothing to check.
  it.runIf(process.platform === "linux")("keeps its threads at full priority and lowers the process's other threads", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const nice = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
    await nodePool(2).ready;
    const before = new Set(readdirSync("/proc/self/task"));
    const { ready } = nodePool(3);
    await ready;
    const tasks = readdirSync("/proc/self/task");
    const fresh = tasks.filter((t) => !before.has(t)), old = tasks.filter((t) => before.has(t) && t !== String(process.pid));
    // The calling thread and the two new workers prove. Each worker also started a module-loader
    // thread (tsx), and V8's and libuv's threads were there before: none of those prove.
    expect(nice(String(process.pid))).toBe(0);
    expect(fresh.filter((t) => nice(t) === 0)).toHaveLength(2);
    expect(fresh.filter((t) => nice(t) === 19)).toHaveLength(fresh.length - 2);
    // An earlier pool's worker proves too.
    expect(old.filter((t) => nice(t) === 0).length).toBeGreaterThanOrEqual(1);
    expect(old.filter((t) => nice(t) === 19).length).toBeGreaterThan(0);
  });
});
