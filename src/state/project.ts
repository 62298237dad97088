// The project document store (zustand vanilla: usable from the app, tests and workers alike).
import { createStore } from "zustand/vanilla";
import type { ModelSummary } from "../core/onnx/index.ts";
import type { ViewGraph } from "../core/view/index.ts";

export type StepState = "not-run" | "running" | "done" | "stale";

export interface LoadedModel {
  fileName: string;
  summary: ModelSummary;
  graph: ViewGraph;
}

export interface ProjectState {
  model: LoadedModel | null;
  /** True while a file is being parsed; the previous model stays visible meanwhile. */
  opening: string | null;
  /** The last error, shown where it happened; never clears the model. */
  error: string | null;
  selectedNode: string | null;
  theme: "light" | "dark";
  setOpening(fileName: string | null): void;
  modelOpened(model: LoadedModel): void;
  openFailed(message: string): void;
  dismissError(): void;
  selectNode(id: string | null): void;
  closeModel(): void;
  toggleTheme(): void;
}

export function createProjectStore() {
  return createStore<ProjectState>()((set) => ({
    model: null,
    opening: null,
    error: null,
    selectedNode: null,
    theme: "light",
    setOpening: (fileName) => set({ opening: fileName }),
    modelOpened: (model) => set({ model, opening: null, error: null, selectedNode: null }),
    openFailed: (message) => set({ opening: null, error: message }),
    dismissError: () => set({ error: null }),
    selectNode: (id) => set({ selectedNode: id }),
    closeModel: () => set({ model: null, selectedNode: null, error: null }),
    toggleTheme: () => set((s) => ({ theme: s.theme === "light" ? "dark" : "light" })),
  }));
}

export const projectStore = createProjectStore();
