// The project document store (zustand vanilla: usable from the app, tests and workers alike).
// Holds what the user made — the model, the calibration choices, plans A and B with their
// undo/redo history, the proof — and what is on screen (selection, expanded groups, overlay).
// Workers compute; this store only records results. Persisted by persist.ts.
import { createStore } from "zustand/vanilla";
import type { ModelSummary } from "../core/onnx/index.ts";
import type { Layout, OverlayKind, ViewGraph } from "../core/view/index.ts";
import type { QuantPlan } from "../core/quant/index.ts";
import type { CalibrationMethod } from "../core/quant/index.ts";
import type { FileData, InputChoice, PlanMetrics, ProofResult } from "../../workers/tasks/index.ts";

export type StepState = "not-run" | "running" | "done" | "stale" | "failed";
export type PlanId = "A" | "B";

export interface LoadedModel {
  fileName: string;
  summary: ModelSummary;
  view: ViewGraph;
  /** The model file itself: workers load it, and it is what persists. */
  bytes: Uint8Array;
  /** Why the graph front end rejected it (the raw graph is still drawn), or null. */
  loadError: string | null;
  /** Multiply-adds of one inference, when the graph loaded. */
  macsPerSample?: number;
}

export interface CalibrationChoice {
  method: CalibrationMethod;
  weightBits: number;
  /** null: the model's default. */
  activationBits: number | null;
  source: "files" | "generated";
  calibration: FileData | null;
  evaluation: FileData | null;
  labels: FileData | null;
}

export interface PlanSlot {
  plan: QuantPlan;
  metrics: PlanMetrics | null;
  /** The top-line figures before the last edit, shown beside the new ones. */
  previous: PlanMetrics["accuracy"] | null;
  /** The last edit or metric error (the plan itself is kept). */
  error: string | null;
  past: QuantPlan[];
  future: QuantPlan[];
}

export type ProveInputChoice = InputChoice;

export interface ProjectState {
  model: LoadedModel | null;
  /** True while a file is being parsed; the previous model stays visible meanwhile. */
  opening: string | null;
  /** The last error, shown where it happened; never clears the model. */
  error: string | null;
  /** "open": a file could not be opened; "other": anything else shown in the banner. */
  errorKind: "open" | "other";
  selectedNode: string | null;
  theme: "light" | "dark";
  expanded: string[];
  layout: Layout | null;
  overlay: OverlayKind;
  calibration: CalibrationChoice;
  plans: Record<PlanId, PlanSlot | null>;
  activePlan: PlanId;
  proveInput: ProveInputChoice;
  proof: ProofResult | null;
  /** Whether the proof is for the current plan and input (an edit makes it stale). */
  proofStale: boolean;

  setOpening(fileName: string | null): void;
  modelOpened(model: LoadedModel, expanded: string[]): void;
  openFailed(message: string): void;
  setError(message: string | null): void;
  dismissError(): void;
  selectNode(id: string | null): void;
  closeModel(): void;
  toggleTheme(): void;
  setExpanded(ids: string[]): void;
  setLayout(layout: Layout): void;
  setOverlay(kind: OverlayKind): void;
  setCalibration(patch: Partial<CalibrationChoice>): void;
  /** A fresh plan from calibration: replaces the slot, history starts over. */
  planCalibrated(id: PlanId, plan: QuantPlan): void;
  /** An edited plan: the old one goes on the undo stack. */
  planEdited(id: PlanId, plan: QuantPlan): void;
  setMetrics(id: PlanId, metrics: PlanMetrics): void;
  setPlanError(id: PlanId, message: string | null): void;
  undo(id: PlanId): void;
  redo(id: PlanId): void;
  setActivePlan(id: PlanId): void;
  copyPlan(from: PlanId, to: PlanId): void;
  setProveInput(input: ProveInputChoice): void;
  setProof(proof: ProofResult | null): void;
}

const HISTORY = 100;

export const DEFAULT_CALIBRATION: CalibrationChoice = {
  method: "minmax", weightBits: 8, activationBits: null, source: "generated", calibration: null, evaluation: null, labels: null,
};

export function createProjectStore() {
  return createStore<ProjectState>()((set, get) => {
    const slot = (id: PlanId) => get().plans[id];
    const putSlot = (id: PlanId, s: PlanSlot | null) => set((st) => ({ plans: { ...st.plans, [id]: s }, proofStale: st.proof !== null || st.proofStale }));
    return {
      model: null,
      opening: null,
      error: null,
      errorKind: "other",
      selectedNode: null,
      theme: "light",
      expanded: [],
      layout: null,
      overlay: "none",
      calibration: DEFAULT_CALIBRATION,
      plans: { A: null, B: null },
      activePlan: "A",
      proveInput: { kind: "sample", index: 0 },
      proof: null,
      proofStale: false,
      setOpening: (fileName) => set({ opening: fileName }),
      modelOpened: (model, expanded) => set({
        model, expanded, opening: null, error: null, selectedNode: null, layout: null, calibration: DEFAULT_CALIBRATION,
        plans: { A: null, B: null }, activePlan: "A", proof: null, proofStale: false, proveInput: { kind: "sample", index: 0 }, overlay: "none",
      }),
      openFailed: (message) => set({ opening: null, error: message, errorKind: "open" }),
      setError: (message) => set({ error: message, errorKind: "other" }),
      dismissError: () => set({ error: null }),
      selectNode: (id) => set({ selectedNode: id }),
      closeModel: () => set({ model: null, selectedNode: null, error: null, layout: null, plans: { A: null, B: null }, proof: null, proofStale: false }),
      toggleTheme: () => set((s) => ({ theme: s.theme === "light" ? "dark" : "light" })),
      setExpanded: (ids) => set({ expanded: ids }),
      setLayout: (layout) => set({ layout }),
      setOverlay: (overlay) => set({ overlay }),
      setCalibration: (patch) => set((s) => ({ calibration: { ...s.calibration, ...patch } })),
      planCalibrated: (id, plan) => putSlot(id, { plan, metrics: null, previous: slot(id)?.metrics?.accuracy ?? null, error: null, past: [], future: [] }),
      planEdited: (id, plan) => {
        const s = slot(id);
        if (!s) return;
        putSlot(id, { ...s, plan, previous: s.metrics?.accuracy ?? s.previous, metrics: null, error: null, past: [...s.past, s.plan].slice(-HISTORY), future: [] });
      },
      setMetrics: (id, metrics) => {
        const s = slot(id);
        if (s) set((st) => ({ plans: { ...st.plans, [id]: { ...s, metrics, error: null } } }));
      },
      setPlanError: (id, message) => {
        const s = slot(id);
        if (s) set((st) => ({ plans: { ...st.plans, [id]: { ...s, error: message } } }));
      },
      undo: (id) => {
        const s = slot(id);
        const prev = s?.past.at(-1);
        if (!s || !prev) return;
        putSlot(id, { ...s, plan: prev, previous: s.metrics?.accuracy ?? s.previous, metrics: null, error: null, past: s.past.slice(0, -1), future: [s.plan, ...s.future] });
      },
      redo: (id) => {
        const s = slot(id);
        const next = s?.future[0];
        if (!s || !next) return;
        putSlot(id, { ...s, plan: next, previous: s.metrics?.accuracy ?? s.previous, metrics: null, error: null, past: [...s.past, s.plan], future: s.future.slice(1) });
      },
      setActivePlan: (id) => set((s) => ({ activePlan: id, proofStale: s.proof !== null })),
      copyPlan: (from, to) => {
        const s = slot(from);
        if (s) putSlot(to, { ...s, previous: null, past: [], future: [] });
      },
      setProveInput: (input) => set((s) => ({ proveInput: input, proofStale: s.proof !== null })),
      setProof: (proof) => set({ proof, proofStale: false }),
    };
  });
}

export type ProjectStore = ReturnType<typeof createProjectStore>;
export const projectStore = createProjectStore();

/** The plan slot the panels work on. */
export function activeSlot(s: Pick<ProjectState, "plans" | "activePlan">): PlanSlot | null {
  return s.plans[s.activePlan];
}
