// The worker side of the pool: run the jobs of every batch that arrives.
import type { PoolMessage } from "./protocol.ts";
import { work } from "./tasks.ts";

/** Handles pool messages on a worker's port and says "ready" once listening. */
export function serve(port: { postMessage(m: unknown): void }, listen: (fn: (m: PoolMessage) => void) => void): void {
  listen((m) => work(m.batch, m.worker));
  port.postMessage("ready");
}
