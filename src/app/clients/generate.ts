// Generate-and-prove for language models (issue 8) in the prove worker: the text arrives token
// by token, then one proof of the whole sequence and its verification. Uses the prove job (the
// same progress, timeline and cancel as a single proof).
import * as Comlink from "comlink";
import { serializePlan } from "../../core/quant/index.ts";
import { activeSlot, projectStore } from "../../state/project.ts";
import { jobsStore } from "../../state/jobs.ts";
import type { GenerationResult } from "../../../workers/tasks/generate-run.ts";
import { proofDone, proveTracker, proveWorker } from "./prove.ts";
import { CancelledError } from "./worker-handle.ts";

export type GenerationOutcome = { ok: true; result: GenerationResult } | { ok: false; error: string } | { ok: false; cancelled: true };

export async function runGeneration(prompt: string, count: number, onText: (text: string) => void): Promise<GenerationOutcome> {
  const s = projectStore.getState();
  const slot = activeSlot(s);
  if (!s.model || !slot) return { ok: false, error: "calibrate first: the proof is of the quantized model" };
  if (jobsStore.getState().jobs.prove.status === "running") return { ok: false, error: "a proof is running; wait or cancel it first" };
  jobsStore.getState().start("prove", "generating");
  const startedAt = jobsStore.getState().jobs.prove.startedAt;
  const onToken = Comlink.proxy(onText);
  const onProgress = Comlink.proxy(proveTracker(performance.now(), slot.metrics?.costs));
  try {
    const out = await proveWorker.run<{ ok: true; result: GenerationResult } | { ok: false; error: string }>((api) =>
      api.generate(s.model!.bytes.slice(), serializePlan(slot.plan), prompt, count, onToken, onProgress) as Promise<{ ok: true; result: GenerationResult } | { ok: false; error: string }>);
    if (out.ok) proofDone(startedAt, out.result.witnessElements, out.result.times.proveMs);
    else jobsStore.getState().finish("prove", "error", out.error);
    return out;
  } catch (e) {
    if (e instanceof CancelledError) return { ok: false, cancelled: true };
    jobsStore.getState().finish("prove", "error", (e as Error).message);
    return { ok: false, error: (e as Error).message };
  }
}
