// The worker side of the pool: on the init message, instantiate the shared kernels over the
// pool's memory, say "ready", and serve batches until the pool quits (everything after init
// arrives through shared memory).
import type { PoolInit } from "./protocol.ts";
import { stateViews } from "./protocol.ts";
import { sharedKernels } from "./pool.ts";
import { kernelTable, serveBatches } from "./tasks.ts";

/** `yieldBetween`: free the event loop between batches (browsers: memory measurement needs it). */
export function serve(port: { postMessage(m: unknown): void }, listen: (fn: (m: PoolInit) => void) => void, yieldBetween = true): void {
  listen((m) => {
    const k = sharedKernels(m.memory);
    const views = stateViews(m.state);
    port.postMessage("ready");
    void serveBatches(views, kernelTable(k.exports, m.memory), m.worker, yieldBetween);
  });
}
