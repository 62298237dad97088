// Compile → setup → prove → verify in the prove worker, with live progress, a stage/layer
// timeline and cancel (terminates the worker). The result lands in the project store.
import * as Comlink from "comlink";
import { serializePlan } from "../../core/quant/index.ts";
import { activeSlot, projectStore } from "../../state/project.ts";
import { jobsStore } from "../../state/jobs.ts";
import type { ProveWorkerApi, ProveOutcome } from "../../../workers/prove.worker.ts";
import type { GpuPreference, ProveProgress, Verdict } from "../../../workers/tasks/index.ts";
import { inputTensors } from "./quant.ts";
import { measureProverMemory } from "./memory.ts";
import { CancelledError, WorkerHandle } from "./worker-handle.ts";

export const proveWorker = new WorkerHandle<ProveWorkerApi>(
  () => new Worker(new URL("../../../workers/prove.worker.ts", import.meta.url), { type: "module", name: "prover" }), "prover");

proveWorker.onCrash((msg) => {
  if (jobsStore.getState().jobs.prove.status === "running") jobsStore.getState().finish("prove", "error", msg);
  if (jobsStore.getState().jobs.keys.status === "running") jobsStore.getState().finish("keys", "error", msg);
});

/** The model and plan the prover was last asked to set up keys for (by a proof or ahead of one). */
let preparedFor = "";
const keysId = (m: { fileName: string; bytes: Uint8Array }, planText: string) => `${m.fileName}:${m.bytes.length}:${planText}`;

/**
 * Sets up the active plan's keys in the prove worker before anyone asks for a proof (the app
 * calls it once the calibration and its metrics have settled): vgg16's setup takes seconds, and
 * the next proof of the plan then starts at once. A plan that does not compile is left alone; the
 * keys are written to storage only when a proof uses them.
 */
export async function prepareKeysInBackground(): Promise<void> {
  const s = projectStore.getState(), slot = activeSlot(s), jobs = jobsStore.getState().jobs;
  if (!s.model || !slot?.metrics || slot.metrics.compileIssue || jobs.prove.status === "running" || jobs.keys.status === "running") return;
  const planText = serializePlan(slot.plan), id = keysId(s.model, planText);
  if (id === preparedFor) return;
  preparedFor = id;
  jobsStore.getState().start("keys", "setting up the keys in the background");
  try {
    type Prepared = { ok: true } | { ok: false; error: string };
    const r = await proveWorker.run<Prepared>((api) => api.prepareKeys(s.model!.bytes.slice(), planText) as Promise<Prepared>);
    jobsStore.getState().finish("keys", r.ok ? "done" : "error", r.ok ? undefined : r.error);
  } catch (e) {
    // Stopped with a proof (or crashed): set up again later. Stopped on its own: not for this plan.
    if (jobsStore.getState().jobs.keys.status !== "running") return;
    preparedFor = "";
    jobsStore.getState().finish("keys", e instanceof CancelledError ? "cancelled" : "error", (e as Error).message);
  }
}

/** Stops a background setup (the prove worker is stopped; the plan's keys are set up when it is proved). */
export function stopBackgroundKeys(why = "the keys will be set up when you prove"): void {
  // A proof waiting for these keys would be stopped with them: that is the proof's Cancel.
  const jobs = jobsStore.getState().jobs;
  if (jobs.keys.status !== "running" || jobs.prove.status === "running") return;
  jobsStore.getState().finish("keys", "cancelled", why);
  proveWorker.terminate();
}

/** A background setup for a plan that is no longer the active one only takes cores from the new plan's figures: stopped. */
export function stopStaleKeys(): void {
  const s = projectStore.getState(), slot = activeSlot(s);
  if (s.model && slot && keysId(s.model, serializePlan(slot.plan)) === preparedFor) return;
  stopBackgroundKeys("the plan changed");
}

export function cancelProof(): void {
  if (jobsStore.getState().jobs.prove.status !== "running") return;
  proveWorker.terminate();
  jobsStore.getState().finish("prove", "cancelled", "cancelled: the prover was stopped; the model and plan are unchanged");
}

/**
 * ?gpu=force commits on any WebGPU adapter (even a software one), ?gpu=off never; else the prover's
 * "auto". Read at load: opening a demo clears the query string.
 */
const GPU_PREFERENCE: GpuPreference = ((v) => (v === "force" || v === "off" ? v : "auto"))(new URLSearchParams(globalThis.location?.search ?? "").get("gpu"));

const TRACK: Record<ProveProgress["stage"], string> = { compile: "compile", setup: "setup", prove: "prove", verify: "verify" };

/**
 * After a proof, measures what the prover's workers hold (memory.ts: the browser cannot measure
 * them mid-proof); asks again, a few times, while the breakdown leaves them out.
 */
function measureAfterProof(startedAt: number, tries = 3): void {
  void measureProverMemory().then((bytes) => {
    if (jobsStore.getState().jobs.prove.startedAt !== startedAt) return;
    if (bytes) jobsStore.getState().lateMetrics("prove", startedAt, { measuredBytes: bytes });
    else if (bytes === 0 && tries > 1) measureAfterProof(startedAt, tries - 1);
  });
}

export async function runProof(): Promise<void> {
  const s = projectStore.getState();
  const slot = activeSlot(s);
  const jobs = jobsStore.getState();
  if (!s.model || !slot || jobs.jobs.prove.status === "running") return;
  jobs.start("prove", "preparing the input");
  const inputs = await inputTensors();
  if (!inputs.ok) {
    jobsStore.getState().finish("prove", "error", inputs.error);
    return;
  }
  const startedAt = jobsStore.getState().jobs.prove.startedAt;
  // What the timeline says until the worker's first event (it may be busy with the keys).
  jobsStore.getState().progress("prove", { detail: jobsStore.getState().jobs.keys.status === "running" ? "waiting for the prover worker (keys being set up in the background)" : "starting the prover" });
  const onProgress = Comlink.proxy(proveTracker(performance.now(), slot.metrics?.costs));
  // The prover keeps this plan's keys after the proof: nothing to set up in the background.
  const planText = serializePlan(slot.plan);
  preparedFor = keysId(s.model, planText);
  try {
    const out = await proveWorker.run<ProveOutcome>((api) => api.prove(s.model!.bytes.slice(), planText, inputs.value, onProgress, { gpu: GPU_PREFERENCE }) as Promise<ProveOutcome>);
    if (!out.ok) {
      jobsStore.getState().finish("prove", "error", out.error);
      return;
    }
    const r = out.result;
    projectStore.getState().setProof(r);
    proofDone(startedAt, r.witnessElements, r.times.proveMs);
  } catch (e) {
    if (e instanceof CancelledError) return; // cancelProof already said so
    jobsStore.getState().finish("prove", "error", (e as Error).message);
  }
}

/** Ends the prove job of a finished proof: its witness elements per second, then what the workers hold. */
export function proofDone(startedAt: number, witnessElements: number, proveMs: number): void {
  jobsStore.getState().progress("prove", { metrics: { elementsPerSecond: proveMs > 0 ? witnessElements / (proveMs / 1000) : 0, remainingMs: 0 } });
  jobsStore.getState().finish("prove", "done");
  measureAfterProof(startedAt);
}

/** A wait for the prover worker longer than this gets a bar of its own. */
const WAIT_BAR_MS = 100;

/**
 * The prove job's timeline and live metrics from the worker's progress events (a proof of one
 * input or of a generated sequence): a bar per stage, per prover step, per layer and per pool
 * thread's jobs; remaining time, field operations per second, memory.
 */
export function proveTracker(asked: number, costs?: Record<string, { witness?: number }>): (p: ProveProgress) => void {
  let lastStage = "", lastStep = "", lastLayer = "";
  // The worker times its events from when it starts the run, which is later than the click when
  // it was busy (keys set up in the background): its clock is anchored at the first event, and
  // the wait before it is a bar of its own, not a stretch of the last stage.
  let t0: number | undefined;
  return (p: ProveProgress) => {
    const j = jobsStore.getState();
    if (t0 === undefined) {
      t0 = Math.max(asked, performance.now() - p.elapsedMs);
      if (t0 - asked > WAIT_BAR_MS) j.bar("prove", { track: "setup", label: "waiting for the prover worker (keys being set up in the background)", start: asked, end: t0 });
    }
    const at = t0 + p.elapsedMs;
    // Stages follow one another (a new one ends every open bar); the prover's steps are bars on
    // its track, and each layer a bar on the layers track.
    if (p.stage !== lastStage) {
      j.bar("prove", { track: TRACK[p.stage], label: p.stage, start: at, end: null }, "all");
      lastStage = p.stage;
      lastStep = lastLayer = "";
    }
    // A layer proved beside the lookups is a bar on the layers track; the lookups step goes on.
    if (p.stage === "prove" && p.step && p.step !== lastStep && !p.alongside) {
      j.bar("prove", { track: "steps", label: p.backend ? `${p.step} · ${p.backend}` : p.step, start: at, end: null });
      if (lastStep === "layers" || lastLayer) j.bar("prove", { track: "layers", label: "", start: at, end: at });
      lastStep = p.step;
      lastLayer = "";
    }
    // A job the thread pool ran (commit, openings): a bar on that worker's track, ending now.
    const ms = p.worker !== undefined ? /\(([\d.]+) ms\)$/.exec(p.detail) : null;
    if (ms) j.bar("prove", { track: `thread ${p.worker}`, label: p.detail, start: at - Number(ms[1]), end: at });
    if (p.alongside && p.detail === "") {
      j.bar("prove", { track: "layers", label: "", start: at, end: at });
      lastLayer = "";
    } else if (p.step === "layers" && p.detail !== lastLayer) {
      const node = p.detail.slice(p.detail.indexOf(" ") + 1);
      const witness = costs?.[node]?.witness;
      j.bar("prove", { track: "layers", label: p.detail, start: at, end: null, ...(witness ? { elements: witness } : {}) });
      lastLayer = p.detail;
    }
    const remaining = p.fraction > 0.05 ? (p.elapsedMs / p.fraction) * (1 - p.fraction) : undefined;
    j.progress("prove", { progress: p.fraction, detail: `${p.stage}: ${p.detail}`, metrics: {
      ...(remaining !== undefined ? { remainingMs: remaining } : {}), ...(p.memoryBytes ? { memoryBytes: p.memoryBytes } : {}),
      ...(p.wasmBytes ? { wasmBytes: p.wasmBytes } : {}),
      ...(p.fieldOps !== undefined && p.proveMs ? { fieldOps: p.fieldOps, fieldOpsPerSecond: p.fieldOps / (p.proveMs / 1000) } : {}),
    } });
  };
}

/** Verifies the current proof again, optionally with one byte of it flipped (the "tamper" button). */
export async function reverify(tamper = false): Promise<Verdict | null> {
  const p = projectStore.getState().proof;
  if (!p) return null;
  const proof = Uint8Array.from(p.proof);
  if (tamper) proof[proof.length >> 1]! ^= 0x01;
  return verifyReceived(p.vk, p.input, p.output, proof);
}

/** The exported verifier's check, in the prove worker (a received bundle, or a tampered copy). */
export async function verifyReceived(vk: Uint8Array, input: Uint8Array, output: Uint8Array | string | object, proof: Uint8Array): Promise<(Verdict & { vkDigest?: string }) | null> {
  if (jobsStore.getState().jobs.prove.status === "running") return { ok: false, reason: "a proof is running; wait or cancel it first" };
  jobsStore.getState().start("verify", "checking the files");
  try {
    const v = await proveWorker.run<Verdict & { vkDigest?: string }>((api) => api.verify(vk, input, output, proof) as Promise<Verdict & { vkDigest?: string }>);
    jobsStore.getState().finish("verify", "done");
    return v;
  } catch (e) {
    jobsStore.getState().finish("verify", "error", (e as Error).message);
    return null;
  }
}
