// A synchronous worker pool over one shared wasm memory: `run(jobs)` publishes a batch of kernel
// calls, works on it on the calling thread too, and blocks in Atomics.wait until every call is
// done. Blocking keeps the prover synchronous; it is allowed in Node and inside a Web Worker,
// never on a browser main thread. Without SharedArrayBuffer (no cross-origin isolation) the pool
// has one thread and its `note` says why.
import { instantiateKernel, type KernelInstance } from "../kernels/load.ts";
import type { FieldKernelExports } from "../kernels/index.ts";
import { wasmBase64 as poolWasm } from "../kernels/generated/pool.shared.wasm.ts";
import { CLAIMS, DONE, FAILED, JOB_WORDS, MAX_JOBS, MAX_THREADS, NJOBS, QUIT, SEQ, STATE_BYTES, THREADS, batchTag, blockOf, fnIndex, spin, stateViews, type Job, type PoolInit, type StateViews } from "./protocol.ts";
import { kernelTable, work } from "./tasks.ts";

export class PoolError extends Error {
  constructor(message: string) {
    super(`parallel: ${message}`);
    this.name = "PoolError";
  }
}

/** What a pool needs of a worker (worker_threads' Worker and the DOM Worker both fit). */
export interface PoolWorker {
  postMessage(m: PoolInit): void;
  terminate(): unknown;
}

/** One participant's share of the work since the last `activity()` call. */
export interface JobRecord {
  /** 0 is the calling thread, 1… the pool's workers. */
  worker: number;
  jobs: number;
  ms: number;
}

/** Why shared memory cannot be used here, or undefined when it can. */
export function sharedMemoryUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer === "undefined") return "SharedArrayBuffer is unavailable (the page is not cross-origin isolated)";
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown };
  if (g.crossOriginIsolated === false) return "the page is not cross-origin isolated";
  if (g.document !== undefined) return "Atomics.wait cannot block a browser main thread; prove in a worker";
  return undefined;
}

/** How long the caller polls for the others' last jobs before it sleeps. */
const WAIT_SPIN_MS = 1;

/** Pages of the shared memory: 64 KiB each, up to wasm32's 4 GiB. */
const INITIAL_PAGES = 256, MAX_PAGES = 65536;

/** The pool's kernels (field and SHA-256) on this thread, over `memory`. */
export type PoolKernelExports = FieldKernelExports & {
  hashBatch(input: number, len: number, count: number, prefix: number, out: number, scratch: number): void;
  scratchBytes(len: number): number;
  columnScratchBytes(rows: number): number;
  columnsInit(states: number, from: number, to: number, prefix: number): void;
};

export function sharedKernels(memory: WebAssembly.Memory): KernelInstance<PoolKernelExports> {
  return instantiateKernel<PoolKernelExports>(poolWasm, memory);
}

export class WorkerPool {
  /** Threads that take part in a batch, the caller included. */
  readonly size: number;
  /** How the pool came to its size (e.g. why it fell back to one thread). */
  readonly note: string;
  /** The memory every participant's kernels work in (absent on a one-thread pool). */
  readonly memory: WebAssembly.Memory | undefined;
  /** This thread's kernels over that memory. */
  readonly kernels: KernelInstance<PoolKernelExports> | undefined;
  private workers: PoolWorker[];
  private views: StateViews | undefined;
  private table: ReturnType<typeof kernelTable> | undefined;
  private seq = 0;
  private busy: JobRecord[];
  private batches = { count: 0, ms: 0 };
  /** How long a batch may go without any job finishing before the pool gives up on it. */
  stallMs = 30_000;

  constructor(workers: PoolWorker[], note: string, memory?: WebAssembly.Memory) {
    this.workers = workers;
    this.size = workers.length + 1;
    this.note = note;
    this.busy = Array.from({ length: this.size }, (_, worker) => ({ worker, jobs: 0, ms: 0 }));
    if (workers.length === 0) return;
    this.memory = memory ?? new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
    this.kernels = sharedKernels(this.memory);
    const state = new SharedArrayBuffer(STATE_BYTES);
    this.views = stateViews(state);
    Atomics.store(this.views.control, THREADS, this.size);
    this.table = kernelTable(this.kernels.exports, this.memory);
    workers.forEach((w, i) => w.postMessage({ memory: this.memory!, state, worker: i + 1 }));
  }

  /** Runs every job (on disjoint memory ranges) and returns their kernels' i32 results. */
  run(jobs: readonly Job[]): Int32Array {
    if (this.filling) throw new PoolError("a batch was started from work that fills another batch's wait; its kernel calls must stay on the calling thread");
    this.settle();
    if (jobs.length === 0) return new Int32Array(0);
    this.publish(jobs, false);
    if (this.filler && jobs.length > 1) {
      try {
        this.fill(jobs.length);
      } catch (e) {
        // The batch still writes the caller's buffers: it ends before the error reaches anyone who might free them.
        this.finish();
        throw e;
      }
    }
    return this.finish();
  }

  /**
   * True while the calling thread runs a filler step: its kernel calls must then run on this
   * thread (the pool's backend does so), not as a batch.
   */
  filling = false;
  private filler: (() => boolean) | undefined;

  /**
   * Runs `fn`; while it waits on a batch of several jobs, the calling thread first runs `filler`
   * steps (other work, independent of the batch's memory) as long as the workers have jobs left
   * and `filler` returns true, then joins the batch. Only the workers start the batch, so work
   * that runs on one thread anyway goes on beside the batch instead of after it.
   */
  fillWith<T>(filler: () => boolean, fn: () => T): T {
    if (this.filler) throw new PoolError("fillWith inside fillWith");
    this.filler = filler;
    try {
      return fn();
    } finally {
      this.filler = undefined;
    }
  }

  private fill(n: number): void {
    const { control } = this.views!;
    this.filling = true;
    try {
      while (Atomics.load(control, DONE) < n && this.filler!()) { /* another step */ }
    } finally {
      this.filling = false;
      // The batch's pooled time starts when this thread joins it.
      this.pending!.t0 = performance.now();
    }
  }

  /**
   * Starts a batch for the workers and returns at once: the calling thread goes on with other work
   * (computing the rest of the witness while the first rows are encoded, say) and takes part only
   * when it settles the batch. Its results are not kept: submit kernel calls that only write memory.
   * The next `run` or `submit` settles it first; nothing may read what it writes before `settle()`.
   */
  submit(jobs: readonly Job[]): void {
    this.settle();
    if (jobs.length > 0) this.publish(jobs, true);
  }

  /** Whether a submitted batch is still running (false once every job is done, or with none). */
  busyWithSubmitted(): boolean {
    return this.pending !== undefined && Atomics.load(this.views!.control, DONE) < this.pending.n;
  }

  /** Works on the submitted batch, if any, until it is done (its errors are thrown here). */
  settle(): void {
    if (this.pending) this.finish();
  }

  private pending: { n: number; t0: number; fn: string; submitted: boolean } | undefined;

  private publish(jobs: readonly Job[], submitted: boolean): void {
    const v = this.views;
    if (!v || !this.table) throw new PoolError("a one-thread pool has no shared kernels; call the backend directly");
    if (jobs.length > MAX_JOBS) throw new PoolError(`${jobs.length} jobs in one batch (at most ${MAX_JOBS})`);
    const { control } = v;
    const t0 = performance.now();
    for (let j = 0; j < jobs.length; j++) {
      const job = jobs[j]!, n = job.args.length;
      if (n > JOB_WORDS - 1) throw new PoolError(`${job.fn}: ${n} arguments (at most ${JOB_WORDS - 1})`);
      const at = j * JOB_WORDS;
      v.jobs[at] = fnIndex(job.fn);
      for (let a = 0; a < n; a++) v.jobs[at + 1 + a] = job.args[a]!;
      v.jobs.fill(0, at + 1 + n, at + JOB_WORDS);
    }
    this.seq = (this.seq + 1) & 0x7fff;
    const tag = batchTag(this.seq);
    Atomics.store(control, DONE, 0);
    Atomics.store(control, FAILED, 0);
    for (let b = 0; b < this.size; b++) Atomics.store(control, CLAIMS + b, tag | blockOf(b, jobs.length, this.size)[0]);
    Atomics.store(control, NJOBS, tag | jobs.length);
    Atomics.store(control, SEQ, this.seq);
    this.pending = { n: jobs.length, t0, fn: jobs[0]!.fn, submitted };
    // One job of a run needs no helper: wake nobody (the spinning ones may still take it; that is
    // fine). A submitted batch is the workers' alone until it is settled.
    if (jobs.length > 1 || submitted) Atomics.notify(control, SEQ);
  }

  private finish(): Int32Array {
    const v = this.views!, { control } = v, { n, fn, submitted } = this.pending!;
    // A submitted batch counts as pooled time from when it is settled: before that the caller
    // was doing its own work.
    const t0 = submitted ? performance.now() : this.pending!.t0;
    work(v, this.table!, this.seq, 0);
    // The others are finishing their last job: poll a little before sleeping (a futex round
    // trip costs more than most jobs).
    spin(() => Atomics.load(control, DONE) >= n, WAIT_SPIN_MS);
    for (let done = Atomics.load(control, DONE); done < n; done = Atomics.load(control, DONE)) {
      // A thread that took a job and then died (killed, out of memory) must not hang the prover.
      if (Atomics.wait(control, DONE, done, this.stallMs) === "timed-out" && Atomics.load(control, DONE) === done) {
        this.pending = undefined;
        throw new PoolError(`no pool thread finished a job for ${this.stallMs / 1000} s (${n - done} of ${n} ${fn} jobs outstanding); a worker stopped — start the proof again`);
      }
    }
    this.pending = undefined;
    this.batches.count++;
    this.batches.ms += performance.now() - t0;
    for (let j = 0; j < n; j++) {
      const b = this.busy[v.ranBy[j]!]!;
      b.jobs++;
      b.ms += v.ms[j]!;
    }
    if (Atomics.load(control, FAILED) !== 0) {
      const end = v.error.indexOf(0);
      throw new PoolError(new TextDecoder().decode(v.error.slice(0, end < 0 ? undefined : end)));
    }
    return v.results.slice(0, n);
  }

  /** Work done per participant since the last call (for a track per worker), then reset. */
  activity(): JobRecord[] {
    const out = this.busy.filter((b) => b.jobs > 0).map((b) => ({ ...b }));
    for (const b of this.busy) { b.jobs = 0; b.ms = 0; }
    return out;
  }

  /** Batches run and their wall time since the last call (benchmarks: how much of a proof is pooled), then reset. */
  batchStats(): { batches: number; ms: number } {
    const out = { batches: this.batches.count, ms: this.batches.ms };
    this.batches = { count: 0, ms: 0 };
    return out;
  }

  close(): void {
    if (this.views) {
      Atomics.store(this.views.control, SEQ, QUIT);
      Atomics.notify(this.views.control, SEQ);
    }
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}

/**
 * Resolves when every worker has started; rejects if one failed to. Marked handled, so a pool
 * nobody waits for cannot crash the process: a worker that never starts never claims a job, and
 * the calling thread runs its share.
 */
export function settled(started: Promise<void>[]): Promise<void> {
  const ready = Promise.all(started).then(() => undefined);
  ready.catch(() => {});
  return ready;
}

/** The one-thread pool: every call runs on the caller, on the ordinary kernels. */
export function singleThreadPool(note = "one thread"): WorkerPool {
  return new WorkerPool([], note);
}

/**
 * A pool of `threads` participants from `spawn` (the caller is one of them), or one thread with
 * the reason when shared memory is unavailable.
 */
export function createPool(threads: number, spawn: (index: number) => PoolWorker): WorkerPool {
  if (!Number.isInteger(threads) || threads < 1) throw new PoolError(`${threads} workers: give a whole number ≥ 1`);
  if (threads === 1) return singleThreadPool();
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  const why = sharedMemoryUnavailable();
  if (why) return singleThreadPool(`one thread: ${why}`);
  // The shared memory reserves up to 4 GiB of address space; where that fails, prove on one thread.
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
  } catch (e) {
    return singleThreadPool(`one thread: the shared memory could not be reserved (${(e as Error).message})`);
  }
  return new WorkerPool(Array.from({ length: threads - 1 }, (_, i) => spawn(i + 1)), `${threads} threads`, memory);
}
