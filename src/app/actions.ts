// Actions as data: each has an id, a label, a shortcut and a handler; the same action serves
// a button, its keyboard shortcut and the command palette (Ctrl/Cmd+K).
import { projectStore, activeSlot } from "../state/project.ts";
import { forgetStoredKeys } from "../../workers/tasks/key-store.ts";
import { jobsStore } from "../state/jobs.ts";
import { ancestorsOf, type OverlayKind } from "../core/view/index.ts";
import { treeOf } from "./tree.ts";
import { uiStore, canvasControls, pickers } from "./ui-store.ts";
import { calibrate, cancelCalibration, refreshMetrics } from "./clients/quant.ts";
import { cancelProof, runProof } from "./clients/prove.ts";
import { DEMOS, openDemo } from "./clients/model.ts";
import { downloadBundle, saveProjectFile } from "./export.ts";

export interface Action {
  id: string;
  label: string;
  /** Shown in menus: "Ctrl+K", "/", "F". */
  shortcut?: string;
  /** Matches a keydown (mod = Ctrl or Cmd). */
  keys?: { key: string; mod?: boolean; shift?: boolean };
  enabled?(): boolean;
  run(): void;
}

const st = () => projectStore.getState();
const hasModel = () => st().model !== null;
const hasPlan = () => activeSlot(st()) !== null;

export function toggleGroup(id: string, open?: boolean): void {
  const cur = new Set(st().expanded);
  const want = open ?? !cur.has(id);
  if (want) cur.add(id);
  else cur.delete(id);
  st().setExpanded([...cur]);
}

/** Selects a node and brings it into view, expanding the groups around it. */
export function revealNode(id: string): void {
  const m = st().model;
  if (!m) return;
  const anc = ancestorsOf(treeOf(m.view), id);
  const cur = new Set(st().expanded);
  if (anc.some((g) => !cur.has(g))) st().setExpanded([...new Set([...cur, ...anc])]);
  st().selectNode(id);
  uiStore.getState().set({ focusNode: id });
}

/** The group to collapse for "[": the selected group, or the one around the selected node. */
function groupOfSelection(): string | null {
  const s = st();
  const m = s.model;
  if (!m || !s.selectedNode) return null;
  const tree = treeOf(m.view);
  if (tree.groups.has(s.selectedNode)) return s.selectedNode;
  return ancestorsOf(tree, s.selectedNode).at(-1) ?? null;
}

const overlay = (kind: OverlayKind, label: string): Action => ({
  id: `overlay.${kind}`, label: `Overlay: ${label}`, enabled: () => hasModel() && (kind === "none" || hasPlan()), run: () => st().setOverlay(kind),
});

export const ACTIONS: Action[] = [
  { id: "file.open", label: "Open an ONNX model…", shortcut: "Ctrl+O", keys: { key: "o", mod: true }, run: () => pickers.openModel() },
  { id: "file.close", label: "Close the model", enabled: hasModel, run: () => st().closeModel() },
  { id: "palette", label: "Command palette", shortcut: "Ctrl+K", keys: { key: "k", mod: true }, run: () => uiStore.getState().set({ paletteOpen: !uiStore.getState().paletteOpen }) },
  { id: "graph.search", label: "Search nodes by name or op", shortcut: "/", keys: { key: "/" }, enabled: hasModel, run: () => uiStore.getState().set({ searchOpen: true }) },
  { id: "graph.fit", label: "Fit the graph to the view", shortcut: "F", keys: { key: "f" }, enabled: hasModel, run: () => canvasControls.fit() },
  { id: "graph.clear", label: "Clear the selection", shortcut: "Esc", keys: { key: "Escape" }, run: () => { st().selectNode(null); uiStore.getState().set({ searchOpen: false, paletteOpen: false }); } },
  {
    id: "graph.collapse", label: "Collapse the group of the selection", shortcut: "[", keys: { key: "[" }, enabled: () => groupOfSelection() !== null,
    run: () => { const g = groupOfSelection(); if (g) { toggleGroup(g, false); st().selectNode(g); } },
  },
  {
    id: "graph.expand", label: "Expand the selected group", shortcut: "]", keys: { key: "]" },
    enabled: () => { const s = st(); return !!s.model && !!s.selectedNode && treeOf(s.model.view).groups.has(s.selectedNode); },
    run: () => { const s = st().selectedNode; if (s) toggleGroup(s, true); },
  },
  { id: "graph.expandAll", label: "Expand every group", enabled: hasModel, run: () => { const m = st().model; if (m) st().setExpanded([...treeOf(m.view).groups.keys()]); } },
  { id: "graph.collapseAll", label: "Collapse every group", enabled: hasModel, run: () => st().setExpanded([]) },
  overlay("none", "none"), overlay("error", "per-node quantization error"), overlay("table", "lookup-table size"), overlay("cost", "proving cost"), overlay("scale", "scale of each output"),
  { id: "calibrate", label: "Calibrate the active plan", enabled: () => hasModel() && jobsStore.getState().jobs.calibrate.status !== "running", run: () => void calibrate() },
  { id: "calibrate.cancel", label: "Cancel the calibration", enabled: () => jobsStore.getState().jobs.calibrate.status === "running", run: () => cancelCalibration() },
  { id: "plan.undo", label: "Undo the last plan edit", shortcut: "Ctrl+Z", keys: { key: "z", mod: true }, enabled: () => (activeSlot(st())?.past.length ?? 0) > 0, run: () => { st().undo(st().activePlan); void refreshMetrics(st().activePlan); } },
  { id: "plan.redo", label: "Redo the plan edit", shortcut: "Ctrl+Shift+Z", keys: { key: "z", mod: true, shift: true }, enabled: () => (activeSlot(st())?.future.length ?? 0) > 0, run: () => { st().redo(st().activePlan); void refreshMetrics(st().activePlan); } },
  { id: "plan.a", label: "Work on plan A", enabled: hasModel, run: () => st().setActivePlan("A") },
  { id: "plan.b", label: "Work on plan B", enabled: hasModel, run: () => st().setActivePlan("B") },
  { id: "plan.copy", label: "Copy the active plan to the other slot", enabled: hasPlan, run: () => { const a = st().activePlan; st().copyPlan(a, a === "A" ? "B" : "A"); } },
  { id: "prove", label: "Prove an inference", shortcut: "Ctrl+Enter", keys: { key: "Enter", mod: true }, enabled: () => hasPlan() && jobsStore.getState().jobs.prove.status !== "running", run: () => void runProof() },
  { id: "prove.cancel", label: "Cancel the proof", enabled: () => jobsStore.getState().jobs.prove.status === "running", run: () => cancelProof() },
  { id: "export.bundle", label: "Download the proof bundle (.zip)", enabled: () => st().proof !== null, run: () => void downloadBundle() },
  {
    id: "keys.forget", label: "Forget the proving keys kept in this browser",
    run: () => void forgetStoredKeys().then((n) => uiStore.getState().addLog("info", `removed ${n} stored key set${n === 1 ? "" : "s"} from this browser's storage (the next proof of a model sets it up again)`),
      (e: Error) => uiStore.getState().addLog("error", `could not remove the stored keys: ${e.message}`)),
  },
  { id: "project.save", label: "Save the project to a file", shortcut: "Ctrl+S", keys: { key: "s", mod: true }, enabled: hasModel, run: () => void saveProjectFile() },
  { id: "project.open", label: "Open a project file…", run: () => pickers.openProject() },
  { id: "view.drawer", label: "Toggle the bottom drawer (timeline, plan, log)", shortcut: "Ctrl+J", keys: { key: "j", mod: true }, run: () => uiStore.getState().set({ drawerOpen: !uiStore.getState().drawerOpen }) },
  { id: "view.plan", label: "Edit the plan (JSON)", enabled: hasPlan, run: () => uiStore.getState().set({ drawerOpen: true, drawerTab: "plan" }) },
  { id: "view.theme", label: "Toggle light/dark theme", run: () => st().toggleTheme() },
  ...DEMOS.map((d): Action => ({ id: `demo.${d.id}`, label: `Open demo: ${d.title}`, run: () => void openDemo(d.id) })),
];

export const actionById = (id: string): Action => ACTIONS.find((a) => a.id === id)!;

const typing = (t: EventTarget | null) => {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable || !!el.closest?.(".monaco-editor"));
};

/** The action a keydown triggers, if any (plain keys are ignored while typing). */
export function actionForKey(e: KeyboardEvent): Action | null {
  const mod = e.ctrlKey || e.metaKey;
  for (const a of ACTIONS) {
    const k = a.keys;
    if (!k || k.key.toLowerCase() !== e.key.toLowerCase() || !!k.mod !== mod || !!k.shift !== e.shiftKey) continue;
    if (!k.mod && k.key !== "Escape" && typing(e.target)) return null;
    if (k.mod && k.key === "z" && typing(e.target)) return null; // the editor's own undo
    if (a.enabled && !a.enabled()) return null;
    return a;
  }
  return null;
}
