/**
 * parallel/: the prover's worker pool over shared memory (issue 10).
 * - `WorkerPool.run(task)` splits a task into jobs, runs them on the caller and every worker and
 *   blocks (Atomics.wait) until all are done; returns who ran each job (`JobRecord`). Results do
 *   not depend on the number of workers: every job writes only its own output slice.
 * - `nodePool(threads)` → `{ pool, ready }`: the process's worker_threads pool of that size;
 *   `webPool(threads, spawn)` the same over Web Workers (workers/pool.worker.ts), for a prover
 *   running in a worker; `createPool(threads, spawn)` for any other; `singleThreadPool()`.
 * - `sharedMemoryUnavailable()` says why a pool falls back to one thread (no SharedArrayBuffer,
 *   not cross-origin isolated, or a browser main thread, which must never block).
 * - `PoolUse` ({ pool?, onJob? }) is how callers lend a pool: pcs commit and open take it.
 * - `pool.shared(xs)` gives the workers a view of an array (a cached shared copy if needed).
 * - Tasks (protocol.ts): RS encoding of row blocks into the column-major code, SHA-256 of ranges
 *   of equal-length messages, partial row combinations over row blocks. `serve(port, listen)` is the worker side.
 */
export { WorkerPool, PoolError, createPool, singleThreadPool, sharedMemoryUnavailable, type PoolWorker, type JobRecord, type PoolUse } from "./pool.ts";
export { nodePool, availableCores } from "./node-pool.ts";
export { webPool } from "./web-pool.ts";
export { serve } from "./serve.ts";
export type { Task, PoolMessage } from "./protocol.ts";
