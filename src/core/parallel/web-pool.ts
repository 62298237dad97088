// Pools of Web Workers, for a prover that itself runs in a worker (a browser main thread must
// never block, and createPool refuses it). The page must be cross-origin isolated (COOP/COEP)
// for SharedArrayBuffer; otherwise the pool has one thread and its note says why.
import { createPool, settled, type PoolWorker, type WorkerPool } from "./pool.ts";

interface WebWorker extends PoolWorker {
  addEventListener(type: "message" | "error", fn: (e: unknown) => void, opts?: { once: boolean }): void;
}

/** A pool of `threads` participants whose workers come from `spawn` (running workers/pool.worker.ts). */
export function webPool(threads: number, spawn: () => WebWorker): { pool: WorkerPool; ready: Promise<void> } {
  const started: Promise<void>[] = [];
  const pool = createPool(threads, () => {
    const w = spawn();
    started.push(new Promise((resolve, reject) => {
      w.addEventListener("message", () => resolve(), { once: true });
      w.addEventListener("error", (e) => reject(new Error(`parallel: a pool worker failed to start: ${(e as { message?: string }).message ?? "unknown error"}`)), { once: true });
    }));
    return w;
  });
  return { pool, ready: settled(started) };
}
