// Compile → setup → prove → verify off the main thread (comlink). Cancelling terminates this
// worker; a crash is reported by the client, which starts a fresh one.
import * as Comlink from "comlink";
import type { Tensor } from "../src/core/graph/index.ts";
import { proveRun, verifyAgain, type ProofResult, type ProveProgress } from "./tasks/prove-run.ts";

export type ProveOutcome = { ok: true; result: ProofResult } | { ok: false; error: string };

const api = {
  prove(bytes: Uint8Array, planText: string, inputs: Record<string, Tensor>, onProgress: (p: ProveProgress) => void): ProveOutcome {
    try {
      return { ok: true, result: proveRun(bytes, planText, inputs, onProgress) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },
  verify(bytes: Uint8Array, planText: string, r: Pick<ProofResult, "input" | "output" | "proof">): ProofResult["verdict"] {
    try {
      return verifyAgain(bytes, planText, r);
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  },
  /** Bytes of the JS heap as the worker sees it (Chromium), for the memory metric. */
  memory(): number | null {
    const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return m ? m.usedJSHeapSize : null;
  },
};

export type ProveWorkerApi = typeof api;
Comlink.expose(api);
