// Calibration, plan edits and accuracy in the quant worker. A plan change records the new
// plan at once (the panels stay responsive) and asks for its metrics; the newest answer wins.
import { calibrationThreads, sampleChunks, type AccuracyPart, type QuantPlan } from "../../core/quant/index.ts";
import type { Tensor } from "../../core/graph/index.ts";
import { activeSlot, projectStore, type CalibrationChoice, type PlanId } from "../../state/project.ts";
import { jobsStore } from "../../state/jobs.ts";
import type { QuantWorkerApi, Result } from "../../../workers/quant.worker.ts";
import type { CalibrationSettings, DataSpec, PlanMetrics } from "../../../workers/tasks/index.ts";
import type { TensorEdit } from "../../../workers/tasks/index.ts";
import type { Prediction } from "../../../workers/tasks/index.ts";
import { CancelledError, WorkerHandle } from "./worker-handle.ts";
import * as Comlink from "comlink";

const quantHandle = (name: string) => new WorkerHandle<QuantWorkerApi>(
  () => new Worker(new URL("../../../workers/quant.worker.ts", import.meta.url), { type: "module", name }), "calibration");

/** The calibration worker: edits, checks, inputs and predictions, and its share of the chunked work. */
export const quantWorker = quantHandle("quant");

/**
 * Helpers that take a share of calibration and accuracy chunks (calibrationThreads: one per
 * further core for a large model), made on first use and kept with their loaded model.
 */
const helpers: WorkerHandle<QuantWorkerApi>[] = [];

function quantThreads(): WorkerHandle<QuantWorkerApi>[] {
  const want = calibrationThreads(projectStore.getState().model?.bytes.length ?? 0, globalThis.navigator?.hardwareConcurrency ?? 1);
  while (helpers.length < want - 1) {
    const h = quantHandle(`quant ${helpers.length + 2}`);
    h.onCrash((msg) => projectStore.getState().setError(msg));
    helpers.push(h);
  }
  return [quantWorker, ...helpers.slice(0, want - 1)];
}

/** Runs `f` on each thread with its share of the chunks (round robin: chunks cost alike); answers in thread order (calibration's statistics merge per thread). */
async function overThreads<T>(threads: WorkerHandle<QuantWorkerApi>[], chunks: readonly [number, number][], f: (api: Comlink.Remote<QuantWorkerApi>, mine: [number, number][]) => Promise<Result<T>>): Promise<Result<T[]>> {
  const answers = await Promise.all(threads.map((h, t) => call((api) => f(api, chunks.filter((_, i) => i % threads.length === t)), h)));
  const failed = answers.find((r): r is { ok: false; error: string } => !r.ok);
  return failed ?? { ok: true, value: answers.map((r) => (r as { ok: true; value: T }).value) };
}

/** A job's progress from samples done across `threads`: "<prefix>sample n of N on T threads". */
function sampleProgress(kind: "calibrate" | "metrics", prefix: string, total: number, threads: number) {
  const on = threads > 1 ? ` on ${threads} threads` : "";
  let done = 0;
  return Comlink.proxy((samples: number) => {
    done += samples;
    jobsStore.getState().progress(kind, { progress: done / total, detail: `${prefix}sample ${done} of ${total}${on}` });
  });
}

export function dataSpec(c: CalibrationChoice): DataSpec {
  if (c.source === "files" && c.calibration) {
    return { kind: "files", calibration: c.calibration, ...(c.evaluation ? { evaluation: c.evaluation } : {}), ...(c.labels ? { labels: c.labels } : {}) };
  }
  return { kind: "generated", seed: 1 };
}

function modelKey(): string | null {
  const m = projectStore.getState().model;
  return m && !m.loadError ? `${m.fileName}:${m.bytes.length}:${m.summary.nodeCount}` : null;
}

/** Makes sure the worker holds the current model, then calls it. */
async function call<T>(f: (api: Comlink.Remote<QuantWorkerApi>) => Promise<Result<T>>, worker = quantWorker): Promise<Result<T>> {
  const key = modelKey();
  const m = projectStore.getState().model;
  if (!key || !m) return { ok: false, error: "open a model that loads first" };
  return worker.run(async (api) => {
    if ((await api.loaded()) !== key) {
      const r = await api.load(key, m.bytes.slice());
      if (!r.ok) return r;
    }
    return f(api);
  });
}

export async function calibrate(id: PlanId = projectStore.getState().activePlan): Promise<void> {
  const s = projectStore.getState();
  const jobs = jobsStore.getState();
  jobs.start("calibrate", "observing ranges");
  const settings = { method: s.calibration.method, weightBits: s.calibration.weightBits, activationBits: s.calibration.activationBits, data: dataSpec(s.calibration) };
  try {
    const r = await calibrateOnThreads(settings);
    if (!r.ok) {
      jobsStore.getState().finish("calibrate", "error", r.error);
      return;
    }
    projectStore.getState().planCalibrated(id, r.value);
    jobsStore.getState().finish("calibrate", "done");
    await refreshMetrics(id);
  } catch (e) {
    if (!(e instanceof CancelledError)) jobsStore.getState().finish("calibrate", "error", (e as Error).message);
  }
}

/** Statistics chunk by chunk on every thread, merged into the plan by the first (the same plan on any number). */
async function calibrateOnThreads(settings: CalibrationSettings): Promise<Result<QuantPlan>> {
  const counts = await call((api) => api.dataCounts(settings.data));
  if (!counts.ok) return counts;
  const total = counts.value.calibration;
  const chunks = sampleChunks(total), threads = quantThreads().slice(0, Math.max(1, chunks.length));
  const onSamples = sampleProgress("calibrate", "", total, threads.length);
  const observed = await overThreads(threads, chunks, (api, mine) => api.observe(settings.data, mine, onSamples));
  if (!observed.ok) return observed;
  return call((api) => api.planFrom(settings, observed.value));
}

/** Stops a running calibration (the worker is terminated; the next call starts a fresh one). */
export function cancelCalibration(): void {
  if (jobsStore.getState().jobs.calibrate.status !== "running") return;
  for (const h of [quantWorker, ...helpers]) h.terminate();
  jobsStore.getState().finish("calibrate", "cancelled", "calibration cancelled; the plan you had is unchanged");
}

const metricSeq: Record<PlanId, number> = { A: 0, B: 0 };

/**
 * Metrics being measured, per slot: a second request for the same plan and data joins the first
 * (the store's wiring and the action that changed the plan both ask; measuring twice doubled
 * vgg16's wait).
 */
const inFlight: Partial<Record<PlanId, { plan: QuantPlan; data: CalibrationChoice; done: Promise<void> }>> = {};

export function refreshMetrics(id: PlanId): Promise<void> {
  const slot = projectStore.getState().plans[id];
  if (!slot) return Promise.resolve();
  const data = projectStore.getState().calibration, cur = inFlight[id];
  if (cur && cur.plan === slot.plan && cur.data === data) return cur.done;
  const done: Promise<void> = measureMetrics(id, slot.plan, data).finally(() => {
    if (inFlight[id]?.done === done) delete inFlight[id];
  });
  inFlight[id] = { plan: slot.plan, data, done };
  return done;
}

async function measureMetrics(id: PlanId, plan: QuantPlan, data: CalibrationChoice): Promise<void> {
  const seq = ++metricSeq[id];
  jobsStore.getState().start("metrics", `plan ${id}`);
  try {
    const r = await metricsOnThreads(id, plan, dataSpec(data), () => seq !== metricSeq[id]);
    if (!r || seq !== metricSeq[id]) return;
    if (r.ok) projectStore.getState().setMetrics(id, r.value);
    else projectStore.getState().setPlanError(id, r.error);
    jobsStore.getState().finish("metrics", r.ok ? "done" : "error", r.ok ? undefined : r.error);
  } catch (e) {
    if (seq === metricSeq[id]) jobsStore.getState().finish("metrics", "error", (e as Error).message);
  }
}

/**
 * Accuracy chunk by chunk, each to the next free thread, then combined by the first in chunk
 * order (the same figures on any number of threads). A newer request makes this one stop after
 * the chunks in flight (null): quick edits of a large model do not queue whole passes.
 */
async function metricsOnThreads(id: PlanId, plan: QuantPlan, data: DataSpec, stale: () => boolean): Promise<Result<PlanMetrics> | null> {
  const counts = await call((api) => api.dataCounts(data));
  if (!counts.ok) return counts;
  const total = counts.value.evaluation, chunks = sampleChunks(total), threads = quantThreads().slice(0, chunks.length);
  const onSamples = sampleProgress("metrics", `plan ${id} accuracy: `, total, threads.length);
  if (threads.length < 2) return call((api) => api.metrics(plan, data, undefined, onSamples));
  const parts = new Array<AccuracyPart>(chunks.length);
  let next = 0, failed: Result<never> | undefined;
  await Promise.all(threads.map(async (h) => {
    while (!failed && !stale() && next < chunks.length) {
      const i = next++;
      const r = await call((api) => api.accuracyParts(plan, data, [chunks[i]!], onSamples), h);
      if (r.ok) parts[i] = r.value[0]!;
      else failed = r;
    }
  }));
  if (failed) return failed;
  return stale() ? null : call((api) => api.metrics(plan, data, parts));
}

/** Applies a per-tensor edit to the active plan (undoable). */
export async function editTensor(name: string, edit: TensorEdit): Promise<void> {
  const s = projectStore.getState();
  const id = s.activePlan;
  const slot = activeSlot(s);
  if (!slot) return;
  const r = await call((api) => api.edit(slot.plan, { [name]: edit }));
  if (!r.ok) {
    projectStore.getState().setPlanError(id, r.error);
    return;
  }
  projectStore.getState().planEdited(id, r.value);
  await refreshMetrics(id);
}

/**
 * A plan from the editor or a file: used as is when it matches the model; when only scales or
 * widths under /tensors changed, those edits are applied and requants and tables follow.
 */
export async function replacePlan(plan: QuantPlan): Promise<string | null> {
  const id = projectStore.getState().activePlan;
  const r = await call((api) => api.check(plan));
  if (r.ok) {
    if (projectStore.getState().plans[id]) projectStore.getState().planEdited(id, plan);
    else projectStore.getState().planCalibrated(id, plan);
    await refreshMetrics(id);
    return null;
  }
  const cur = projectStore.getState().plans[id]?.plan;
  if (!cur) return r.error;
  const edits: Record<string, TensorEdit> = {};
  for (const [name, t] of Object.entries(plan.tensors)) {
    const c = cur.tensors[name];
    if (c && (c.k !== t.k || c.bits !== t.bits)) edits[name] = { k: t.k, bits: t.bits };
  }
  if (Object.keys(edits).length === 0) return r.error;
  const e = await call((api) => api.edit(cur, edits));
  if (!e.ok) return e.error;
  projectStore.getState().planEdited(id, e.value);
  await refreshMetrics(id);
  return null;
}

export async function inputTensors(): Promise<Result<Record<string, Tensor>>> {
  const s = projectStore.getState();
  return call((api) => api.input(s.proveInput, dataSpec(s.calibration)));
}

export async function predict(): Promise<Result<Prediction>> {
  const slot = activeSlot(projectStore.getState());
  if (!slot) return { ok: false, error: "calibrate first" };
  const inp = await inputTensors();
  if (!inp.ok) return inp;
  return call((api) => api.predict(slot.plan, inp.value));
}
