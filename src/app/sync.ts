// Wiring between the stores and the workers: a new view or expanded set asks for a layout,
// a plan without metrics asks for them, errors go to the log, and the project is saved to
// IndexedDB after each change (and restored at start).
import { projectStore, activeSlot } from "../state/project.ts";
import { jobsStore, type JobKind } from "../state/jobs.ts";
import { debouncedSaver, loadSnapshot, saveSnapshot, snapshotOf } from "../state/persist.ts";
import { openDemo, openModelBytes, requestLayout } from "./clients/model.ts";
import { refreshMetrics, quantWorker } from "./clients/quant.ts";
import { prepareKeysInBackground, stopStaleKeys } from "./clients/prove.ts";
import { uiStore } from "./ui-store.ts";

/** Quiet time after the last change to the plan or its metrics before the keys are set up in the background. */
const KEYS_AFTER_MS = 1500;

export function startSync(): void {
  projectStore.subscribe((s, prev) => {
    if (s.model && (s.model.view !== prev.model?.view || s.expanded !== prev.expanded)) void requestLayout(s.model.view, s.expanded);
  });
  projectStore.subscribe((s, prev) => {
    const slot = activeSlot(s);
    if (slot && !slot.metrics && !slot.error && (slot !== activeSlot(prev) || s.activePlan !== prev.activePlan)) void refreshMetrics(s.activePlan);
  });
  jobsStore.subscribe((s, prev) => {
    for (const k of Object.keys(s.jobs) as JobKind[]) {
      const j = s.jobs[k], p = prev.jobs[k];
      if (j.status === p.status) continue;
      if (j.status === "error") uiStore.getState().addLog("error", `${k}: ${j.error}`);
      else if (j.status === "done" && k !== "layout" && k !== "metrics") uiStore.getState().addLog("info", `${k} done in ${((j.endedAt! - j.startedAt) / 1000).toFixed(2)} s`);
      else if (j.status === "cancelled") uiStore.getState().addLog("info", `${k} cancelled`);
    }
  });
  projectStore.subscribe((s, prev) => {
    if (s.error && s.error !== prev.error) uiStore.getState().addLog("error", s.error);
  });
  quantWorker.onCrash((msg) => projectStore.getState().setError(msg));
  // Once a plan and its metrics have settled, its keys are set up ahead of the proof.
  let settle: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    clearTimeout(settle);
    settle = setTimeout(() => void prepareKeysInBackground(), KEYS_AFTER_MS);
  };
  projectStore.subscribe((s, prev) => {
    if (activeSlot(s)?.plan !== activeSlot(prev)?.plan || s.model !== prev.model) stopStaleKeys();
    later();
  });
  jobsStore.subscribe((s, prev) => { if (s.jobs.metrics.status !== prev.jobs.metrics.status) later(); });
  if (!crossOriginIsolated) {
    jobsStore.getState().setIsolationNote("This page is not cross-origin isolated (no COOP/COEP headers, service worker not active yet): the prover runs on one worker thread.");
  }
}

/** Saves the project after changes; starts only once the initial restore is done. */
function startSaving(): void {
  const saver = debouncedSaver(saveSnapshot);
  projectStore.subscribe((s, prev) => {
    if (s.model !== prev.model || s.plans !== prev.plans || s.calibration !== prev.calibration || s.proof !== prev.proof ||
      s.expanded !== prev.expanded || s.overlay !== prev.overlay || s.theme !== prev.theme || s.activePlan !== prev.activePlan ||
      s.proveInput !== prev.proveInput || s.selectedNode !== prev.selectedNode) saver.schedule(snapshotOf(s));
  });
  addEventListener("pagehide", () => void saver.flush());
}

/**
 * Start-up: ?demo=<id> opens a demo (and drops the parameter, so a reload restores the
 * project); ?demo=none starts empty; otherwise the saved project, or digits_cnn the first time.
 */
export async function startProject(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const demo = params.get("demo");
  try {
    if (demo === "none") return;
    if (demo) {
      await openDemo(demo);
      return;
    }
    const snap = await loadSnapshot().catch(() => null);
    if (!snap) {
      await openDemo("digits_cnn");
      return;
    }
    if (!(await openModelBytes(snap.bytes, snap.fileName, () => snap.expanded))) return;
    projectStore.setState({
      theme: snap.theme, overlay: snap.overlay, calibration: snap.calibration, plans: snap.plans, activePlan: snap.activePlan,
      proveInput: snap.proveInput, proof: snap.proof, proofStale: snap.proofStale, selectedNode: snap.selectedNode,
    });
    uiStore.getState().addLog("info", `restored ${snap.fileName} from ${new Date(snap.savedAt).toLocaleString()}`);
    for (const id of ["A", "B"] as const) if (snap.plans[id] && !snap.plans[id]!.metrics) void refreshMetrics(id);
  } finally {
    if (demo && demo !== "none") history.replaceState(null, "", location.pathname);
    startSaving();
  }
}
