// Pools of worker_threads for Node (loaded through process.getBuiltinModule so browser bundles
// never import node:*). Workers load the TypeScript sources through tsx, as the CLI does.
import { createPool, settled, singleThreadPool, type WorkerPool } from "./pool.ts";
import { getBuiltin, lowerOtherThreads, osThreadId } from "./node-threads.ts";

export interface NodeWorker {
  postMessage(m: unknown): void;
  terminate(): Promise<number>;
  unref(): void;
  once(ev: "message" | "error" | "exit", fn: (m: unknown) => void): void;
}
interface WorkerThreads { Worker: new (code: string, opts: { eval: true; workerData: unknown }) => NodeWorker }
interface NodeModule { createRequire(from: string): { resolve(id: string): string } }
interface NodeUrl { pathToFileURL(path: string): URL }

// CommonJS eval code: register tsx, then import the TypeScript entry.
const BOOT = `const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });`;

/**
 * A worker_thread running a TypeScript module (through tsx, as the CLI runs), given as a URL
 * string; undefined outside Node.
 */
export function tsWorker(entry: string, workerData: Record<string, unknown> = {}): NodeWorker | undefined {
  if (!getBuiltin) return undefined;
  const { Worker } = getBuiltin("node:worker_threads") as WorkerThreads;
  const { createRequire } = getBuiltin("node:module") as NodeModule;
  const { pathToFileURL } = getBuiltin("node:url") as NodeUrl;
  // The ESM build of tsx's API (require.resolve finds the CommonJS one, which cannot register here).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  return new Worker(BOOT, { eval: true, workerData: { ...workerData, tsx, entry } });
}

/** The machine's cores (1 outside Node). */
export function availableCores(): number {
  const os = getBuiltin?.("node:os") as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

// Not a literal inside new URL(…): bundlers would copy the Node-only entry into browser builds.
const NODE_ENTRY = "./node-worker.ts";

const pools = new Map<number, { pool: WorkerPool; ready: Promise<void> }>();

/** OS threads that prove: the threads that made pools, and every pool's workers. */
const proving = new Set<number>();

/**
 * The process's pool of `threads` participants (created once per size; its workers do not keep
 * the process alive). `ready` resolves when every worker has loaded: a batch posted before that
 * still completes, with the early jobs on the calling thread. Once it has, every other thread of
 * the process that does not prove (V8's, libuv's, other workers) runs at nice 19 for good: a
 * process that embeds the prover and has other busy threads should know (node-threads.ts).
 */
export function nodePool(threads: number): { pool: WorkerPool; ready: Promise<void> } {
  const known = pools.get(threads);
  if (known) return known;
  if (!getBuiltin) return { pool: singleThreadPool("one thread: not running in Node"), ready: Promise.resolve() };
  const entry = new URL(NODE_ENTRY, import.meta.url).href;
  const started: Promise<void>[] = [];
  for (const tid of [osThreadId(), (globalThis as { process?: { pid?: number } }).process?.pid]) if (tid) proving.add(tid);
  const pool = createPool(threads, () => {
    const w = tsWorker(entry)!;
    w.unref();
    started.push(new Promise((resolve, reject) => {
      w.once("message", (m) => {
        const tid = (m as { tid?: number }).tid;
        if (tid) proving.add(tid);
        resolve();
      });
      w.once("error", reject);
    }));
    return w;
  });
  // With a thread per core there is no core left for V8's compiler and GC threads: they run at
  // the lowest priority from now on (node-threads.ts).
  const ready = settled(started);
  if (pool.size > 1) void ready.then(() => lowerOtherThreads(proving), () => {});
  const made = { pool, ready };
  pools.set(threads, made);
  return made;
}
