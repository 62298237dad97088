// The worker side of the pool: on the init message, instantiate the shared kernels over the
// pool's memory, say "ready", and serve batches until the pool quits (this blocks the worker's
// event loop for good: everything after init arrives through shared memory).
import type { PoolInit } from "./protocol.ts";
import { stateViews } from "./protocol.ts";
import { sharedKernels } from "./pool.ts";
import { kernelTable, serveBatches } from "./tasks.ts";

export function serve(port: { postMessage(m: unknown): void }, listen: (fn: (m: PoolInit) => void) => void): void {
  listen((m) => {
    const k = sharedKernels(m.memory);
    const views = stateViews(m.state);
    port.postMessage("ready");
    serveBatches(views, kernelTable(k.exports, m.memory), m.worker);
  });
}
