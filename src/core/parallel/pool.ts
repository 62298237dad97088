// A synchronous worker pool: `run(task)` posts one batch over shared memory to every worker,
// works on it on the calling thread too, and blocks in Atomics.wait until every job is done.
// Blocking keeps the prover synchronous; it is allowed in Node and inside a Web Worker, never on
// a browser main thread. Without SharedArrayBuffer (no cross-origin isolation) the pool has one
// thread and its `note` says why.
import { CONTROL_WORDS, DONE, ERROR_BYTES, FAILED, type Batch, type PoolMessage, type Task } from "./protocol.ts";
import { describeJob, jobCount, work } from "./tasks.ts";

export class PoolError extends Error {
  constructor(message: string) {
    super(`parallel: ${message}`);
    this.name = "PoolError";
  }
}

/** What a pool needs of a worker (worker_threads' Worker and the DOM Worker both fit). */
export interface PoolWorker {
  postMessage(m: PoolMessage): void;
  terminate(): unknown;
}

/** How a caller lends its pool to a computation (absent pool: one thread). */
export interface PoolUse {
  pool?: WorkerPool;
  /** Called with every job the pool ran (who ran it, for the per-worker timeline). */
  onJob?: (job: JobRecord) => void;
}

/**
 * Jobs per thread: many, so that when a thread is descheduled (cores shared with other
 * processes) the caller waits at most for one small job of it; few enough to keep blocks large.
 */
const JOBS_PER_THREAD = 12;

const sharedCopies = new WeakMap<Uint32Array, Uint32Array>();

export interface JobRecord {
  /** 0 is the calling thread, 1… the pool's workers. */
  worker: number;
  detail: string;
  ms: number;
  /** Field operations the job performed (counted on the thread that ran it). */
  fieldOps: number;
}

/** Why shared memory cannot be used here, or undefined when it can. */
export function sharedMemoryUnavailable(): string | undefined {
  if (typeof SharedArrayBuffer === "undefined") return "SharedArrayBuffer is unavailable (the page is not cross-origin isolated)";
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown };
  if (g.crossOriginIsolated === false) return "the page is not cross-origin isolated";
  if (g.document !== undefined) return "Atomics.wait cannot block a browser main thread; prove in a worker";
  return undefined;
}

export class WorkerPool {
  /** Threads that take part in a batch, the caller included. */
  readonly size: number;
  /** How the pool came to its size (e.g. why it fell back to one thread). */
  readonly note: string;
  private workers: PoolWorker[];

  constructor(workers: PoolWorker[], note: string) {
    this.workers = workers;
    this.size = workers.length + 1;
    this.note = note;
  }

  /** A zeroed u32 array the workers can see (plain memory on a one-thread pool). */
  u32(n: number): Uint32Array {
    return new Uint32Array(this.workers.length ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  }

  bytes(n: number): Uint8Array {
    return new Uint8Array(this.workers.length ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
  }

  /** The array itself if the workers can see it, else a shared copy (made once per array). */
  shared(xs: Uint32Array): Uint32Array {
    if (!this.workers.length || xs.buffer instanceof SharedArrayBuffer) return xs;
    let copy = sharedCopies.get(xs);
    if (!copy) {
      copy = this.u32(xs.length);
      copy.set(xs);
      sharedCopies.set(xs, copy);
    }
    return copy;
  }

  /** Block size splitting `total` items into a few jobs per thread. */
  block(total: number): number {
    return Math.max(1, Math.ceil(total / (JOBS_PER_THREAD * this.size)));
  }

  /** Runs every job of the task and returns who ran each; throws PoolError if one failed. */
  run(task: Task): JobRecord[] {
    const jobs = jobCount(task);
    const shared = this.workers.length > 0;
    const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const batch: Batch = {
      task, jobs,
      control: new Int32Array(buf(4 * CONTROL_WORDS)),
      ranBy: new Int32Array(buf(4 * jobs)),
      ms: new Float64Array(buf(8 * jobs)),
      fieldOps: new Float64Array(buf(8 * jobs)),
      error: new Uint8Array(buf(ERROR_BYTES)),
    };
    // One job needs no help; more are offered to every worker (late ones find nothing left).
    if (jobs > 1) this.workers.forEach((w, i) => w.postMessage({ batch, worker: i + 1 }));
    work(batch, 0);
    for (let done = Atomics.load(batch.control, DONE); done < jobs; done = Atomics.load(batch.control, DONE)) {
      Atomics.wait(batch.control, DONE, done);
    }
    if (Atomics.load(batch.control, FAILED) !== 0) {
      const end = batch.error.indexOf(0);
      throw new PoolError(new TextDecoder().decode(batch.error.slice(0, end < 0 ? undefined : end)));
    }
    return Array.from({ length: jobs }, (_, j) => ({ worker: batch.ranBy[j]!, detail: describeJob(task, j), ms: batch.ms[j]!, fieldOps: batch.fieldOps[j]! }));
  }

  close(): void {
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

/** The one-thread pool: every job runs on the caller. */
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
  const why = sharedMemoryUnavailable();
  if (why) return singleThreadPool(`one thread: ${why}`);
  return new WorkerPool(Array.from({ length: threads - 1 }, (_, i) => spawn(i + 1)), `${threads} threads`);
}
