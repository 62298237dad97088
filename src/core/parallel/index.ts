/**
 * parallel/: the prover's worker pool over one shared wasm memory (issue 10).
 * - `WorkerPool.run(jobs)` runs a batch of kernel calls (each on its own memory range) on the
 *   calling thread and every worker, blocking (Atomics.wait) until all are done; `activity()`
 *   says what each thread did since the last call. Results do not depend on the thread count.
 * - `poolBackendOf(pool)`: the FieldBackend whose buffers live in the pool's memory and whose
 *   bulk calls (vectors, row combinations, RS encoding, transposition, eq tables, folds,
 *   sumcheck rounds, hashing of resident messages) split across the pool. The prover installs it
 *   with kernels' `withKernels`, so every module's fieldBackend() call uses it.
 * - `nodePool(threads)` → `{ pool, ready }`: the process's worker_threads pool of that size;
 *   `webPool(threads, spawn)` the same over Web Workers (workers/pool.worker.ts), for a prover
 *   running in a worker; `createPool(threads, spawn)` for any other; `singleThreadPool()`.
 * - `sharedMemoryUnavailable()` says why a pool falls back to one thread (no SharedArrayBuffer,
 *   not cross-origin isolated, or a browser main thread, which must never block).
 * - `serve(port, listen)` is the worker side.
 */
export { WorkerPool, PoolError, createPool, singleThreadPool, sharedMemoryUnavailable, type PoolWorker, type JobRecord } from "./pool.ts";
export { poolBackendOf, type PoolBackend } from "./backend.ts";
export { nodePool, availableCores, tsWorker, type NodeWorker } from "./node-pool.ts";
export { webPool } from "./web-pool.ts";
export { serve } from "./serve.ts";
export type { Job, PoolInit } from "./protocol.ts";
export { MAX_THREADS } from "./protocol.ts";
