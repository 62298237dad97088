// Compile → setup → prove → verify off the main thread (comlink). Cancelling terminates this
// worker; a crash is reported by the client, which starts a fresh one.
import * as Comlink from "comlink";
import type { Tensor } from "../src/core/graph/index.ts";
import { prepareKeys, proveRun, verifyBundle } from "./tasks/prove-run.ts";
import { generateRun, type GenerationResult } from "./tasks/generate-run.ts";
import type { ProofResult, ProveProgress, ProveRunOptions, Verdict } from "./tasks/index.ts";

export type ProveOutcome = { ok: true; result: ProofResult } | { ok: false; error: string };

// One run at a time: a run awaits (storage, the GPU), and the next could otherwise replace the
// keys (and give their pool memory back) under it.
let running: Promise<unknown> = Promise.resolve();
function exclusive<T>(run: () => Promise<T>): Promise<T> {
  const next = running.then(run, run);
  running = next.catch(() => undefined);
  return next;
}

const api = {
  async prove(bytes: Uint8Array, planText: string, inputs: Record<string, Tensor>, onProgress: (p: ProveProgress) => void, opts: ProveRunOptions = {}): Promise<ProveOutcome> {
    try {
      return { ok: true, result: await exclusive(() => proveRun(bytes, planText, inputs, onProgress, opts)) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },
  /** Compile and setup ahead of a proof (the keys stay in this worker for the next proof of the plan). */
  async prepareKeys(bytes: Uint8Array, planText: string): Promise<{ ok: true; setupMs: number; stored: boolean } | { ok: false; error: string }> {
    try {
      return { ok: true, ...(await exclusive(() => prepareKeys(bytes, planText))) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },
  /** Greedy generation with a byte-level language model, then one proof of the whole sequence. */
  async generate(bytes: Uint8Array, planText: string, prompt: string, count: number, onToken: (text: string) => void, onProgress: (p: ProveProgress) => void): Promise<{ ok: true; result: GenerationResult } | { ok: false; error: string }> {
    try {
      return { ok: true, result: await exclusive(() => generateRun(bytes, planText, prompt, count, onToken, onProgress)) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },
  /** The exported verifier's check on files (vk.bin, input.pb, output.json, proof.bin). */
  verify(vk: Uint8Array, input: Uint8Array, output: Uint8Array | string | object, proof: Uint8Array): Verdict & { vkDigest?: string } {
    return verifyBundle(vk, input, output, proof);
  },
};

export type ProveWorkerApi = typeof api;
Comlink.expose(api);
