// Entry of a pool worker under Node's worker_threads.
import { parentPort } from "node:worker_threads";
import { serve } from "./serve.ts";
import { osThreadId } from "./node-threads.ts";
import type { PoolInit } from "./protocol.ts";

if (!parentPort) throw new Error("parallel: node-worker.ts runs only as a worker thread");
const port = parentPort;
// Node needs no free event loop between batches, and Atomics.wait wakes sooner.
// Its "ready" names its OS thread, which the pool keeps at full priority (node-threads.ts).
const tid = osThreadId();
serve({ postMessage: (m) => port.postMessage({ ready: m, tid }) }, (fn) => port.on("message", (m: PoolInit) => fn(m)), false);
