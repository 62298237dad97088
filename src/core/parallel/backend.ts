// The FieldBackend of a pool: buffers live in the pool's shared memory, and every bulk call big
// enough to pay for a batch is split into calls on disjoint ranges that the pool's threads run.
// Field arithmetic is exact, so partial sums added in any grouping give the same canonical value:
// results are bit for bit those of one thread, for any number of threads.
import { EXT_ONE, vecAdd, type Ext } from "../field/index.ts";
import { checkDenominators, createWasmBackend, GKR_LIST_WORDS, MAX_PRODUCT, writeGkrList, type Buf, type FieldBackend, type GkrLayerArgs, type GkrTables, type Table, type WasmFieldBackend } from "../kernels/index.ts";
import { countFieldOps } from "../kernels/field-ops.ts";
import { weighted } from "../kernels/batched.ts";
import { PoolError, type WorkerPool } from "./pool.ts";
import { MAX_JOBS, type Job, type KernelFn } from "./protocol.ts";
import { COLUMN_STATE_BYTES } from "../kernels/sha256.ts";

/** Jobs per thread: a few, so a descheduled thread delays the batch by one small job. */
const JOBS_PER_THREAD = 4;
/** Below these sizes a call runs on the calling thread (elements, pairs or words as named; a GKR
 * round touches five tables per pair, so fewer pairs pay for a batch). Measured on two cores: a
 * fold of 2^11 pairs or a GKR round of 2^10 split no faster than they run on one thread. */
const MIN = { base: 1 << 14, ext: 1 << 12, pairs: 1 << 11, gkrPairs: 1 << 10, matrix: 1 << 14, eqVars: 12, hashBytes: 1 << 15 };

/** [from, to) ranges covering `total` in about `jobs` blocks whose starts are multiples of `align`. */
export function ranges(total: number, jobs: number, align = 1): [number, number][] {
  const block = Math.max(align, Math.ceil(total / jobs / align) * align);
  const out: [number, number][] = [];
  for (let from = 0; from < total; from += block) out.push([from, Math.min(total, from + block)]);
  return out;
}

export interface PoolBackend extends FieldBackend {
  readonly pool: WorkerPool;
  /** The same kernels on one thread over the same memory (the shared instance's own backend). */
  readonly local: WasmFieldBackend;
  /** A view of b valid until b is freed: the memory is shared, so growth never detaches it. */
  stableView(b: Buf): Uint32Array;
  /** SHA-256 of `count` messages of `len` bytes at `b` (u32 words), each after `prefix` if ≥ 0; 32·count bytes. */
  hashMessages(b: Buf, byteOffset: number, len: number, count: number, prefix: number): Uint8Array;
  /** Leaves of a code whose rows arrive in blocks, hashed where the blocks are (pcs/stream.ts). */
  columnHasher(count: number, prefix: number): BufColumnHasher;
  /**
   * RS-encodes rows [from, to) of every range (rsEncode's layout) in the background on the pool's
   * workers (WorkerPool.submit): the caller goes on, and settle()s before reading `out`.
   */
  rsEncodeSubmit(rows: Buf, ranges: readonly [number, number][], logM: number, logRate: number, out: Buf): void;
  /** Whether background work submitted earlier is still running. */
  submittedBusy(): boolean;
  /** Works on background work submitted earlier until it is done. */
  settle(): void;
}

/** ColumnHasher (kernels/sha256.ts) over blocks in kernel memory; release() frees its states. */
export interface BufColumnHasher {
  absorb(block: Buf, rows: number): void;
  finish(total: number): Uint8Array;
  release(): void;
}

/** The pool's backend (field operations counted once, here, for every thread). */
function poolBackend(pool: WorkerPool): PoolBackend {
  if (!pool.kernels) throw new PoolError("a one-thread pool has no shared memory; use the ordinary kernels");
  const L = createWasmBackend(pool.kernels, false);
  const jobsFor = (n: number, min: number) => Math.min(pool.size * JOBS_PER_THREAD, Math.floor(n / min));
  const p = (b: Buf) => L.ptr(b);
  const run = (fn: KernelFn, rs: [number, number][], args: (from: number, to: number, job: number) => number[]) =>
    pool.run(rs.map(([a, b], j): Job => ({ fn, args: args(a, b, j) })));
  // Jobs past what one batch holds go in further batches.
  const runAll = (jobs: readonly Job[]) => {
    for (let at = 0; at < jobs.length; at += MAX_JOBS) pool.run(jobs.slice(at, at + MAX_JOBS));
  };
  // A batched call's items of `total` units together: each at least `MIN.ext` or an even share of
  // the total per job; an item twice that long is split in ranges, a shorter one is one job.
  const shareOf = (total: number) => Math.max(MIN.ext, Math.ceil(total / (pool.size * JOBS_PER_THREAD)));
  const itemRanges = (n: number, share: number): [number, number][] => (n >= 2 * share ? ranges(n, Math.ceil(n / share), 16) : [[0, n]]);

  // Scratch in shared memory for one batch at a time: constants in, partial sums out.
  const CONST_WORDS = 1024, scratch = L.alloc(CONST_WORDS + 12 * MAX_JOBS), constAt = p(scratch), partAt = constAt + 4 * CONST_WORDS;
  const withWords = <T>(words: Uint32Array, fn: (ptr: number) => T): T => {
    if (words.length > CONST_WORDS) {
      const b = L.from(words);
      try { return fn(p(b)); } finally { L.free(b); }
    }
    L.write(scratch, words);
    return fn(constAt);
  };
  const partials = <T>(jobs: number, words: number, fn: (ptr: number) => void, sum: (parts: Uint32Array) => T): T => {
    fn(partAt);
    return sum(L.view(scratch).subarray(CONST_WORDS, CONST_WORDS + jobs * words));
  };
  // Extension addition is coordinate-wise: the jobs' partial sums add as base-field words.
  const sumExts = (parts: Uint32Array, width: number): Uint32Array => {
    let out: Uint32Array = parts.slice(0, width);
    for (let at = width; at < parts.length; at += width) out = vecAdd(out, parts.subarray(at, at + width));
    return out;
  };
  const overlaps = (a: Buf, aWords: number, b: Buf, bWords: number) => p(a) < p(b) + 4 * bWords && p(b) < p(a) + 4 * aWords;

  // Element-wise: (a, b, out, n) over element ranges, `w` words per element of each operand.
  const elementwise = (fn: KernelFn, min: number, wa: number, wb: number, wo: number, serial: (a: Buf, b: Buf, out: Buf, n: number) => void) =>
    (a: Buf, b: Buf, out: Buf, n: number) => {
      const jobs = jobsFor(n, min);
      if (jobs < 2) return serial(a, b, out, n);
      run(fn, ranges(n, jobs, 16), (f, t) => [p(a) + 4 * wa * f, p(b) + 4 * wb * f, p(out) + 4 * wo * f, t - f]);
    };
  const scaled = (fn: KernelFn, wa: number, serial: (a: Buf, c: Ext, out: Buf, n: number) => void) =>
    (a: Buf, c: Ext, out: Buf, n: number) => {
      const jobs = jobsFor(n, MIN.ext);
      if (jobs < 2) return serial(a, c, out, n);
      withWords(c, (cp) => run(fn, ranges(n, jobs, 16), (f, t) => [p(a) + 4 * wa * f, cp, p(out) + 16 * f, t - f]));
    };
  const extReduce = (fn: KernelFn, wa: number, wb: number, serial: (a: Buf, b: Buf, n: number) => Ext) =>
    (a: Buf, b: Buf, n: number): Ext => {
      const jobs = jobsFor(n, MIN.ext);
      if (jobs < 2) return serial(a, b, n);
      const rs = ranges(n, jobs, 16);
      return partials(rs.length, 4, (out) => run(fn, rs, (f, t, j) => [p(a) + 4 * wa * f, p(b) + 4 * wb * f, t - f, out + 16 * j]), (s) => sumExts(s, 4));
    };

  const combine = (fn: KernelFn, w: number, serial: (m: Buf, rows: number, cols: number, wt: Buf, out: Buf) => void) =>
    (m: Buf, rows: number, cols: number, wt: Buf, out: Buf) => {
      const jobs = Math.min(jobsFor(rows * cols, MIN.matrix), Math.floor(cols / 64));
      if (jobs < 2) return serial(m, rows, cols, wt, out);
      run(fn, ranges(cols, jobs, 16), (f, t) => [p(m) + 4 * w * f, rows, t - f, cols, p(wt), p(out) + 16 * f]);
    };

  const rs = (fn: KernelFn, w: number, serial: FieldBackend["rsEncode"]): FieldBackend["rsEncode"] =>
    (rows, rowCount, logM, logRate, out) => {
      const jobs = Math.min(rowCount, jobsFor(rowCount << (logM + logRate), MIN.base));
      if (jobs < 2) return serial(rows, rowCount, logM, logRate, out);
      const tw = L.twiddles(logM + logRate);
      run(fn, ranges(rowCount, jobs), (f, t) => [p(rows) + 4 * w * (f << logM), t - f, logM, logRate, p(out) + 4 * w * (f << (logM + logRate)), tw]);
    };

  const fold = (ext: boolean) => (inp: Buf, m: number, r: Ext, out: Buf) => {
    const jobs = jobsFor(m, MIN.pairs), w = ext ? 4 : 1;
    if (jobs < 2) return ext ? L.foldExt(inp, m, r, out) : L.foldBase(inp, m, r, out);
    const ranged = ranges(m, jobs, 16);
    // In place (or overlapping): fold into a temporary, then copy back; ranges would race.
    const inPlace = overlaps(inp, 2 * w * m, out, 4 * m);
    const dst = inPlace ? L.alloc(4 * m) : out;
    try {
      withWords(r, (rp) => run(ext ? "foldExt" : "foldBase", ranged, (f, t) => [p(inp) + 8 * w * f, t - f, rp, p(dst) + 16 * f]));
      if (inPlace) run("copyWords", ranged, (f, t) => [p(dst) + 16 * f, p(out) + 16 * f, 4 * (t - f)]);
    } finally {
      if (inPlace) L.free(dst);
    }
  };

  const roundFns: Record<string, KernelFn> = { BB: "round2BB", EB: "round2EB", EE: "round2EE", BBB: "round3BBB", EBB: "round3EBB", EEB: "round3EEB", EEE: "round3EEE" };

  // Extension add and sub are the base ones over four times the words.
  const add = elementwise("vecAdd", MIN.base, 1, 1, 1, L.add), sub = elementwise("vecSub", MIN.base, 1, 1, 1, L.sub);

  // A batch of `count` like calls of `size` units each: about an even share of all units per job,
  // never below a quarter of `min` (a few tens of microseconds); a call is split only into ranges
  // of `min` or more (smaller ranges of one call were measured slower than one thread), smaller
  // calls go whole, `per` to a job.
  const batchPlan = (count: number, size: number, min: number) => {
    const share = Math.max(min / 4, Math.ceil((count * size) / (pool.size * JOBS_PER_THREAD)));
    const range = Math.max(min, share);
    return { split: size >= 2 * range ? ranges(size, Math.ceil(size / range), 16) : [], per: Math.max(1, Math.floor(share / size)) };
  };

  // GKR rounds (with r: fused fold and round) of several trees in one batch, weighted into one
  // message: a large tree in ranges of pairs (partial sums weighted here), small trees whole,
  // several to a job (gkr*RoundList, weighted in the kernel), so the many small rounds of a
  // batched LogUp spread over the threads without a job per tiny tree.
  const gkrBatch = (trees: readonly GkrTables[], m: number, lambda: Ext, withOne: boolean, r?: Ext): Uint32Array => {
    const fold = r !== undefined;
    const total = trees.length * m;
    const { split, per } = batchPlan(trees.length, m, MIN.gkrPairs);
    const slots = split.length ? trees.length * split.length : Math.ceil(trees.length / per);
    if (total < MIN.gkrPairs || (trees.length < 2 && !split.length) || slots > MAX_JOBS) {
      return fold ? L.gkrFoldRounds(trees, m, r, lambda, withOne) : L.gkrRounds(trees, m, lambda, withOne);
    }
    const lr = new Uint32Array(8);
    lr.set(lambda.subarray(0, 4));
    if (r) lr.set(r.subarray(0, 4), 4);
    const one = withOne ? 1 : 0;
    if (split.length) {
      // Bytes per (input) pair of table k: S one extension element per pair of the round it
      // serves (a fold's outputs pair up, so half an element per input pair), q extension, p0, p1
      // base until folded.
      const width = (t: GkrTables, k: number) => (k === 0 ? (fold ? 8 : 16) : t.pExt || k > 2 ? 32 : 8);
      return withWords(lr, (lp) => partials(slots, 12, (out) => {
        pool.run(trees.flatMap((t, i) => split.map(([f, to], j): Job => {
          const at = out + 48 * (i * split.length + j), tabs = t.tables.map((b, k) => p(b) + width(t, k) * f);
          return fold
            ? { fn: "gkrFoldRound", args: [...tabs, t.pExt ? 1 : 0, to - f, lp + 16, lp, one, ...t.outs!.map((o) => p(o) + 16 * f), at] }
            : { fn: "gkrRound", args: [...tabs, t.pExt ? 1 : 0, to - f, lp, one, at] };
        })));
      }, (parts) => weighted(trees, trees.map((_, i) => sumExts(parts.subarray(12 * i * split.length, 12 * (i + 1) * split.length), 12)))));
    }
    // The list the gkr*RoundList kernels read; each job weighs its trees into its own slot.
    const n = trees.length, list = L.allocFor(GKR_LIST_WORDS * n), at = p(list);
    try {
      writeGkrList(L.view(list), at, trees, p, fold);
      return withWords(lr, (lp) => partials(slots, 12, (out) => {
        const jobs: Job[] = [];
        for (let i = 0, j = 0; i < n; i += per, j++) {
          const d = at + 48 * i, count = Math.min(per, n - i);
          jobs.push(fold ? { fn: "gkrFoldRoundList", args: [d, count, m, lp + 16, lp, one, out + 48 * j] } : { fn: "gkrRoundList", args: [d, count, m, lp, one, out + 48 * j] });
        }
        pool.run(jobs);
      }, (parts) => sumExts(parts, 12)));
    } finally {
      L.free(list);
    }
  };

  // Layers up of several trees in one batch, as gkrBatch: large ones in ranges, small ones several to a job.
  const gkrLayers = (layers: readonly GkrLayerArgs[], h: number): void => {
    const total = layers.length * h;
    const { split, per } = batchPlan(layers.length, h, MIN.ext);
    if (total < MIN.ext || (layers.length < 2 && !split.length)) {
      for (const x of layers) L.gkrLayer(x.p0, x.p1, x.q0, x.q1, x.pExt, h, x.np, x.nq);
      return;
    }
    if (split.length) {
      pool.run(layers.flatMap((x) => split.map(([f, t]): Job => {
        const pw = x.pExt ? 16 : 4;
        return { fn: "gkrLayer", args: [p(x.p0) + pw * f, p(x.p1) + pw * f, p(x.q0) + 16 * f, p(x.q1) + 16 * f, x.pExt ? 1 : 0, t - f, p(x.np) + 16 * f, p(x.nq) + 16 * f] };
      })));
      return;
    }
    const desc = new Uint32Array(8 * layers.length);
    for (let i = 0; i < layers.length; i++) {
      const x = layers[i]!, d = 8 * i;
      desc[d] = p(x.p0); desc[d + 1] = p(x.p1); desc[d + 2] = p(x.q0); desc[d + 3] = p(x.q1);
      desc[d + 4] = x.pExt ? 1 : 0; desc[d + 5] = p(x.np); desc[d + 6] = p(x.nq);
    }
    const list = L.from(desc);
    try {
      const jobs: Job[] = [];
      for (let i = 0; i < layers.length; i += per) jobs.push({ fn: "gkrLayerList", args: [p(list) + 32 * i, Math.min(per, layers.length - i), h] });
      pool.run(jobs);
    } finally {
      L.free(list);
    }
  };

  // eq tables of several points in one batch: a large one in blocks by its top variables (block h
  // is eq(r_high, h)·eq(r_low, ·)), small ones one job each.
  const eqTables = (tables: readonly { r: Uint32Array; out: Buf; scale?: Ext }[]): void => {
    const total = tables.reduce((a, t) => a + 2 ** (t.r.length / 4), 0);
    if (total < 2 ** MIN.eqVars || (tables.length < 2 && tables[0]!.r.length / 4 < MIN.eqVars)) {
      for (const t of tables) L.eqTable(t.r, t.out, t.scale);
      return;
    }
    // Per table: its low variables (in `words`), and its 2^k block constants scale·eq(r_high, h),
    // all made by the local kernels in one call; k = 0 for a table below the threshold (its one
    // constant is the scale).
    const highVars = tables.map((t) => (t.r.length / 4 < MIN.eqVars ? 0 : Math.min(t.r.length / 4 - 8, Math.ceil(Math.log2(pool.size * JOBS_PER_THREAD)))));
    const words = new Uint32Array(tables.reduce((a, t, i) => a + t.r.length - 4 * highVars[i]!, 0));
    const consts = L.allocFor(4 * highVars.reduce((a, k) => a + (1 << k), 0));
    const blocks: { rAt: number; low: number; c: number; out: Buf; h: number }[] = [];
    const highs: { r: Uint32Array; out: Buf; scale?: Ext }[] = [];
    try {
      let at = 0, c = 0;
      for (let i = 0; i < tables.length; i++) {
        const t = tables[i]!, k = highVars[i]!, low = t.r.length / 4 - k;
        words.set(t.r.subarray(0, 4 * low), at);
        highs.push({ r: t.r.subarray(4 * low), out: L.slice(consts, 4 * c, 4 << k), ...(t.scale ? { scale: t.scale } : {}) });
        for (let h = 0; h < 1 << k; h++) blocks.push({ rAt: at, low, c: c + h, out: t.out, h });
        at += 4 * low;
        c += 1 << k;
      }
      L.eqTables(highs);
      // Consecutive blocks go several to a job (eqTableList) up to an even share of the entries: a
      // job per small table cost more in claiming than its few microseconds of work.
      const share = Math.max(1 << 10, Math.ceil(total / (pool.size * JOBS_PER_THREAD)));
      withWords(words, (wp) => {
        const list = L.allocFor(4 * blocks.length);
        try {
          const desc = L.view(list), jobs: Job[] = [];
          for (let i = 0; i < blocks.length; i++) {
            const b = blocks[i]!;
            desc[4 * i] = wp + 4 * b.rAt; desc[4 * i + 1] = b.low; desc[4 * i + 2] = p(consts) + 16 * b.c; desc[4 * i + 3] = p(b.out) + (16 << b.low) * b.h;
          }
          for (let i = 0; i < blocks.length;) {
            let j = i + 1, size = 2 ** blocks[i]!.low;
            while (j < blocks.length && size + 2 ** blocks[j]!.low <= share) size += 2 ** blocks[j++]!.low;
            jobs.push({ fn: "eqTableList", args: [p(list) + 16 * i, j - i] });
            i = j;
          }
          runAll(jobs);
        } finally {
          L.free(list);
        }
      });
    } finally {
      L.free(consts);
    }
  };

  const backend: PoolBackend = {
    ...L,
    pool,
    local: L,
    add,
    sub,
    mul: elementwise("vecMul", MIN.base, 1, 1, 1, L.mul),
    extAdd: (a, b, out, n) => add(a, b, out, 4 * n),
    extSub: (a, b, out, n) => sub(a, b, out, 4 * n),
    extMul: elementwise("extVecMul", MIN.ext, 4, 4, 4, L.extMul),
    extMulBase: elementwise("extVecMulBase", MIN.ext, 4, 1, 4, L.extMulBase),
    extScale: scaled("extVecScale", 4, L.extScale),
    baseScaleExt: scaled("baseVecScaleExt", 1, L.baseScaleExt),
    lookupDenominators(columns, alpha, coeffs, n, out) {
      const w = checkDenominators(columns, coeffs, n);
      const jobs = jobsFor(n, MIN.ext);
      if (jobs < 2) return L.lookupDenominators(columns, alpha, coeffs, n, out);
      const consts = new Uint32Array(16);
      [alpha, ...coeffs].forEach((c, i) => consts.set(c.subarray(0, 4), 4 * i));
      const cp = [0, 1, 2].map((c) => (c < w ? p(columns[c]!) : 0));
      withWords(consts, (kp) => run("lookupDenominators", ranges(n, jobs, 16), (f, t) => [...cp.map((x) => (x ? x + 4 * f : 0)), w, kp, t - f, p(out) + 16 * f]));
    },
    lookupDenominatorsMany(items, alpha, coeffs) {
      // Every use's and table's denominators of a LogUp in one batch: a job per item, a long one
      // split in ranges (one call, and often one batch, each otherwise).
      const total = items.reduce((a, x) => a + x.n, 0);
      if (total < 2 * MIN.ext) return L.lookupDenominatorsMany(items, alpha, coeffs);
      const consts = new Uint32Array(16);
      consts.set(alpha.subarray(0, 4));
      for (let i = 0; i < Math.min(3, coeffs.length); i++) consts.set(coeffs[i]!.subarray(0, 4), 4 * (i + 1));
      const share = shareOf(total);
      withWords(consts, (kp) => {
        const jobs: Job[] = [];
        for (const x of items) {
          const w = checkDenominators(x.columns, coeffs.slice(0, x.columns.length), x.n);
          const c0 = p(x.columns[0]!), c1 = w > 1 ? p(x.columns[1]!) : 0, c2 = w > 2 ? p(x.columns[2]!) : 0;
          for (const [f, t] of itemRanges(x.n, share)) {
            if (t > f) jobs.push({ fn: "lookupDenominators", args: [c0 + 4 * f, c1 && c1 + 4 * f, c2 && c2 + 4 * f, w, kp, t - f, p(x.out) + 16 * f] });
          }
        }
        runAll(jobs);
      });
    },
    extDot: extReduce("extDot", 4, 4, L.extDot),
    extDotBase: extReduce("extDotBase", 4, 1, L.extDotBase),
    extDotBaseMany(items) {
      // A job per item, a long one split in ranges; partial sums added per item. One batch (of
      // at most MAX_JOBS jobs) for what would be a call, and often a batch, each.
      const total = items.reduce((a, x) => a + x.n, 0);
      if (total < 2 * MIN.ext) return L.extDotBaseMany(items);
      const out = new Uint32Array(4 * items.length);
      const share = shareOf(total);
      const jobs: Job[] = [], owner: number[] = [];
      const flush = () => {
        partials(jobs.length, 4, (at) => pool.run(jobs.map((j, k) => ({ fn: j.fn, args: [...j.args, at + 16 * k] }))), (parts) => {
          for (let k = 0; k < owner.length; k++) out.set(vecAdd(out.subarray(4 * owner[k]!, 4 * owner[k]! + 4), parts.subarray(4 * k, 4 * k + 4)), 4 * owner[k]!);
        });
        jobs.length = 0;
        owner.length = 0;
      };
      for (let i = 0; i < items.length; i++) {
        const { a, b, n } = items[i]!;
        for (const [f, t] of itemRanges(n, share)) {
          // Each job's partial sum has a slot in the batch scratch: flushed a batch at a time.
          if (jobs.length === MAX_JOBS) flush();
          jobs.push({ fn: "extDotBase", args: [p(a) + 16 * f, p(b) + 4 * f, t - f] });
          owner.push(i);
        }
      }
      if (jobs.length > 0) flush();
      return out;
    },
    extSum(a, n) {
      const jobs = jobsFor(n, MIN.ext);
      if (jobs < 2) return L.extSum(a, n);
      const rsj = ranges(n, jobs, 16);
      return partials(rsj.length, 4, (out) => run("extSum", rsj, (f, t, j) => [p(a) + 16 * f, t - f, out + 16 * j]), (s) => sumExts(s, 4));
    },
    combineRows: combine("combineRowsStrided", 1, L.combineRows),
    combineRowsMany(items, cols) {
      // Large combinations split by columns; small ones one job each, all in one batch.
      const total = items.reduce((a, x) => a + x.rows * cols, 0);
      const split = (x: { rows: number }) => x.rows * cols >= 2 * MIN.matrix && cols >= 128;
      if (total < MIN.matrix || (items.length < 2 && !items.some(split))) {
        for (const x of items) L.combineRows(x.m, x.rows, cols, x.w, x.out);
        return;
      }
      const jobs = items.flatMap((x): Job[] => {
        const rs = split(x) ? ranges(cols, Math.min(pool.size * JOBS_PER_THREAD, Math.floor(cols / 64), Math.floor((x.rows * cols) / MIN.matrix)), 16) : [[0, cols] as [number, number]];
        return rs.map(([f, t]) => ({ fn: "combineRowsStrided", args: [p(x.m) + 4 * f, x.rows, t - f, cols, p(x.w), p(x.out) + 16 * f] }));
      });
      runAll(jobs);
    },
    combineRowsExt: combine("combineRowsExtStrided", 4, L.combineRowsExt),
    matMulBatch(a, aStride, b, bExt, bStride, M, S, N, batch, out, oStride) {
      const jobs = jobsFor(batch * M * S * N, MIN.matrix);
      const bw = bExt ? 4 : 1;
      if (jobs >= 2 && batch >= 2) {
        return void run("matMulBatch", ranges(batch, Math.min(batch, jobs)), (f, t) => [
          p(a) + 16 * aStride * f, 16 * aStride, p(b) + 4 * bw * bStride * f, bExt ? 1 : 0, 4 * bw * bStride, M, S, N, t - f, p(out) + 16 * oStride * f, 16 * oStride]);
      }
      if (jobs >= 2 && M >= 2) {
        // One product: split its output rows.
        return void run("matMulBatch", ranges(M, Math.min(M, jobs)), (f, t) => [
          p(a) + 16 * S * f, 0, p(b), bExt ? 1 : 0, 0, t - f, S, N, 1, p(out) + 16 * N * f, 0]);
      }
      L.matMulBatch(a, aStride, b, bExt, bStride, M, S, N, batch, out, oStride);
    },
    extOuter(a, n, b, m, out) {
      const jobs = jobsFor(n * m, MIN.ext);
      if (jobs < 2 || n < 2) return L.extOuter(a, n, b, m, out);
      run("extOuter", ranges(n, Math.min(n, jobs)), (f, t) => [p(a) + 16 * f, t - f, p(b), m, p(out) + 16 * m * f]);
    },
    transpose(a, rows, cols, out) {
      const jobs = Math.min(rows, jobsFor(rows * cols, MIN.base));
      if (jobs < 2) return L.transpose(a, rows, cols, out);
      run("transposeInto", ranges(rows, jobs), (f, t) => [p(a) + 4 * f * cols, t - f, cols, p(out) + 4 * f, rows]);
    },
    rsEncode: rs("rsEncodeRows", 1, L.rsEncode),
    rsEncodeExt: rs("rsEncodeExtRows", 4, L.rsEncodeExt),
    eqTable: (r, out, scale) => eqTables([{ r, out, scale }]),
    eqTables: (tables) => eqTables(tables),
    foldBase: fold(false),
    foldExt: fold(true),
    roundProduct(tables: Table[], m: number) {
      // A pair costs a round of 2 or 3 tables a few ns, the general kernel (4 to 8 tables) ~70 ns:
      // it splits from 2^9 pairs (measured on two cores: 2^11 pairs 145 → 95 µs).
      const jobs = jobsFor(m, tables.length > 3 ? MIN.pairs >> 3 : MIN.pairs);
      if (jobs < 2 || tables.length < 2 || tables.length > MAX_PRODUCT) return L.roundProduct(tables, m);
      const ts = [...tables].sort((x, y) => Number(y.ext) - Number(x.ext));
      const width = 4 * ts.length, rsj = ranges(m, jobs, 16);
      const at = (x: Table, f: number) => p(x.buf) + 8 * (x.ext ? 4 : 1) * f;
      if (ts.length <= 3) {
        const fn = roundFns[ts.map((t) => (t.ext ? "E" : "B")).join("")]!;
        return partials(rsj.length, width, (out) => run(fn, rsj, (f, t, j) => [...ts.map((x) => at(x, f)), t - f, out + 4 * width * j]), (s) => sumExts(s, width));
      }
      // More tables: each job's table descriptors (pointer, extension flag) offset to its range.
      const desc = Uint32Array.from(rsj.flatMap(([f]) => ts.flatMap((x) => [at(x, f), x.ext ? 1 : 0])));
      return withWords(desc, (dp) => partials(rsj.length, width, (out) => run("roundProductN", rsj, (f, t, j) => [
        dp + 8 * ts.length * j, ts.length, t - f, out + 4 * width * j]), (s) => sumExts(s, width)));
    },
    foldRoundProduct(tables: Table[], m: number, r: Ext, outs: Buf[]) {
      const jobs = jobsFor(m, MIN.pairs);
      let inPlace = false;
      for (let j = 0; j < tables.length; j++) inPlace ||= overlaps(tables[j]!.buf, (tables[j]!.ext ? 8 : 2) * m, outs[j]!, 4 * m);
      if (jobs < 2 || inPlace || (tables.length !== 2 && tables.length !== 3)) return L.foldRoundProduct(tables, m, r, outs);
      const width = 4 * tables.length, rsj = ranges(m, jobs, 16);
      return withWords(r, (rp) => partials(rsj.length, width, (out) => run(tables.length === 2 ? "foldRound2" : "foldRound3", rsj, (f, t, j) => {
        const at = (x: Table) => [p(x.buf) + 8 * (x.ext ? 4 : 1) * f, x.ext ? 1 : 0];
        const o = outs.map((b) => p(b) + 16 * f);
        return [...tables.flatMap(at), t - f, rp, ...o, out + 4 * width * j];
      }), (s) => sumExts(s, width)));
    },
    gkrLayer: (p0, p1, q0, q1, pExt, h, np, nq) => gkrLayers([{ p0, p1, q0, q1, pExt, np, nq }], h),
    gkrLayers: (layers, h) => gkrLayers(layers, h),
    gkrRound: (S, p0, p1, q0, q1, pExt, m, lambda, withOne = false) => gkrBatch([{ tables: [S, p0, p1, q0, q1], pExt, weight: EXT_ONE }], m, lambda, withOne),
    gkrFoldRound: (tables, pExt, m, r, lambda, outs, withOne = false) =>
      m < 2 ? L.gkrFoldRound(tables, pExt, m, r, lambda, outs, withOne) : gkrBatch([{ tables, pExt, outs, weight: EXT_ONE }], m, lambda, withOne, r),
    gkrRounds: (trees, m, lambda, withOne = false) => gkrBatch(trees, m, lambda, withOne),
    gkrFoldRounds: (trees, m, r, lambda, withOne = false) => gkrBatch(trees, m, lambda, withOne, r),
    stableView: (b) => L.view(b),
    rsEncodeSubmit(rows, rs, logM, logRate, out) {
      const tw = L.twiddles(logM + logRate);
      pool.submit(rs.map(([f, t]): Job => ({ fn: "rsEncodeRows", args: [p(rows) + 4 * (f << logM), t - f, logM, logRate, p(out) + 4 * (f << (logM + logRate)), tw] })));
    },
    submittedBusy: () => pool.busyWithSubmitted(),
    settle: () => pool.settle(),
    columnHasher(count, prefix) {
      const states = L.allocFor(Math.ceil((COLUMN_STATE_BYTES * count) / 4));
      pool.kernels!.exports.columnsInit(p(states), 0, count, prefix & 0xff);
      // Columns split into ranges (a multiple of 4: the SIMD lanes), each job its own scratch.
      const rsj = ranges(count, Math.min(pool.size * JOBS_PER_THREAD * 2, Math.ceil(count / 64)), 4);
      const withScratch = (rows: number, fn: (at: number, per: number) => void) => {
        const per = Math.ceil(pool.kernels!.exports.columnScratchBytes(rows) / 64) * 64;
        const s = L.allocFor((per / 4) * rsj.length);
        try { fn(p(s), per); } finally { L.free(s); }
      };
      return {
        absorb(block, rows) {
          withScratch(rows, (at, per) => run("columnsAbsorb", rsj, (f, t, j) => [p(states), p(block), count, rows, f, t, at + per * j]));
        },
        finish(total) {
          const out = L.allocFor(8 * count);
          try {
            withScratch(16, (at, per) => run("columnsFinish", rsj, (f, t, j) => [p(states), f, t, total, p(out), at + per * j]));
            const words = L.view(out);
            return new Uint8Array(words.buffer, words.byteOffset, 32 * count).slice();
          } finally {
            L.free(out);
          }
        },
        release: () => L.free(states),
      };
    },
    hashMessages(b, byteOffset, len, count, prefix) {
      const jobs = Math.min(count, Math.floor((len * count) / MIN.hashBytes), pool.size * JOBS_PER_THREAD * 2);
      const rsj = jobs < 2 ? [[0, count] as [number, number]] : ranges(count, jobs, 4);
      // Each job its own scratch (16-byte aligned), after the digests.
      const per = Math.ceil(pool.kernels!.exports.scratchBytes(len) / 64) * 64;
      const out = L.alloc(8 * count + (per / 4) * rsj.length), base = p(b) + byteOffset, scratch = p(out) + 32 * count;
      try {
        run("hashBatch", rsj, (f, t, j) => [base + f * len, len, t - f, prefix, p(out) + 32 * f, scratch + per * j]);
        const words = L.view(out);
        return new Uint8Array(words.buffer, words.byteOffset, 32 * count).slice();
      } finally {
        L.free(out);
      }
    },
  };
  return countFieldOps(onThisThreadWhileFilling(pool, backend, L));
}

/**
 * While the calling thread fills a batch's wait (WorkerPool.fillWith), every kernel call runs on
 * it alone: a second batch cannot start while one is in flight, and the batch scratch is in use.
 * Calls that only the pool has (hashing, background encoding) are refused then.
 */
function onThisThreadWhileFilling(pool: WorkerPool, backend: PoolBackend, L: WasmFieldBackend): PoolBackend {
  const out = { ...backend } as Record<string, unknown>;
  const local = L as unknown as Record<string, unknown>;
  for (const [name, f] of Object.entries(backend)) {
    if (typeof f !== "function" || f === local[name] || name === "stableView") continue;
    const own = f as (...a: unknown[]) => unknown, alone = local[name] as ((...a: unknown[]) => unknown) | undefined;
    out[name] = alone
      ? (...a: unknown[]) => (pool.filling ? alone.apply(L, a) : own.apply(backend, a))
      : (...a: unknown[]) => {
        if (pool.filling) throw new PoolError(`${name} cannot run while the calling thread fills a batch's wait`);
        return own.apply(backend, a);
      };
  }
  return out as unknown as PoolBackend;
}

const backends = new WeakMap<WorkerPool, PoolBackend>();

/**
 * The pool's backend, made once per pool: one allocator over the pool's memory (two would hand
 * out the same bytes), and kernel-resident data outlives one proof.
 */
export function poolBackendOf(pool: WorkerPool): PoolBackend {
  let b = backends.get(pool);
  if (!b) backends.set(pool, (b = poolBackend(pool)));
  return b;
}
