// Calibration, plan edits and accuracy in the quant worker. A plan change records the new
// plan at once (the panels stay responsive) and asks for its metrics; the newest answer wins.
import type { QuantPlan } from "../../core/quant/index.ts";
import type { Tensor } from "../../core/graph/index.ts";
import { activeSlot, projectStore, type CalibrationChoice, type PlanId } from "../../state/project.ts";
import { jobsStore } from "../../state/jobs.ts";
import type { QuantWorkerApi, Result } from "../../../workers/quant.worker.ts";
import type { DataSpec } from "../../../workers/tasks/index.ts";
import type { TensorEdit } from "../../../workers/tasks/index.ts";
import type { Prediction } from "../../../workers/tasks/index.ts";
import { CancelledError, WorkerHandle } from "./worker-handle.ts";
import * as Comlink from "comlink";

export const quantWorker = new WorkerHandle<QuantWorkerApi>(
  () => new Worker(new URL("../../../workers/quant.worker.ts", import.meta.url), { type: "module", name: "quant" }), "calibration");

export function dataSpec(c: CalibrationChoice): DataSpec {
  if (c.source === "files" && c.calibration) {
    return { kind: "files", calibration: c.calibration, ...(c.evaluation ? { evaluation: c.evaluation } : {}), ...(c.labels ? { labels: c.labels } : {}) };
  }
  return { kind: "generated", count: 64, seed: 1 };
}

function modelKey(): string | null {
  const m = projectStore.getState().model;
  return m && !m.loadError ? `${m.fileName}:${m.bytes.length}:${m.summary.nodeCount}` : null;
}

/** Makes sure the worker holds the current model, then calls it. */
async function call<T>(f: (api: Comlink.Remote<QuantWorkerApi>) => Promise<Result<T>>): Promise<Result<T>> {
  const key = modelKey();
  const m = projectStore.getState().model;
  if (!key || !m) return { ok: false, error: "open a model that loads first" };
  return quantWorker.run(async (api) => {
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
    const r = await call((api) => api.calibrate(settings, Comlink.proxy((done: number, total: number) => {
      jobsStore.getState().progress("calibrate", { progress: done / total, detail: `sample ${done} of ${total}` });
    })));
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

/** Stops a running calibration (the worker is terminated; the next call starts a fresh one). */
export function cancelCalibration(): void {
  if (jobsStore.getState().jobs.calibrate.status !== "running") return;
  quantWorker.terminate();
  jobsStore.getState().finish("calibrate", "cancelled", "calibration cancelled; the plan you had is unchanged");
}

const metricSeq: Record<PlanId, number> = { A: 0, B: 0 };

export async function refreshMetrics(id: PlanId): Promise<void> {
  const slot = projectStore.getState().plans[id];
  if (!slot) return;
  const seq = ++metricSeq[id];
  jobsStore.getState().start("metrics", `plan ${id}`);
  try {
    const r = await call((api) => api.metrics(slot.plan, dataSpec(projectStore.getState().calibration)));
    if (seq !== metricSeq[id]) return;
    if (r.ok) projectStore.getState().setMetrics(id, r.value);
    else projectStore.getState().setPlanError(id, r.error);
    jobsStore.getState().finish("metrics", r.ok ? "done" : "error", r.ok ? undefined : r.error);
  } catch (e) {
    if (seq === metricSeq[id]) jobsStore.getState().finish("metrics", "error", (e as Error).message);
  }
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
