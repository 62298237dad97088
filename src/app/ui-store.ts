// Ephemeral UI state (not part of the project): palette, drawer, tabs, search, and the
// canvas's imperative controls registered by GraphCanvas.
import { createStore } from "zustand/vanilla";
import { useStore } from "zustand";

export type DrawerTab = "timeline" | "plan" | "log";
export type InspectorTab = "properties" | "quant" | "table" | "cost";

export interface UiState {
  paletteOpen: boolean;
  drawerOpen: boolean;
  drawerTab: DrawerTab;
  inspectorTab: InspectorTab;
  searchOpen: boolean;
  /** Node to bring into view once the layout shows it. */
  focusNode: string | null;
  log: { at: number; level: "info" | "error"; text: string }[];
  /** The last bundle dropped in and its verdict. */
  received: { name: string; verdict: { ok: true; vkDigest?: string } | { ok: false; reason: string; vkDigest?: string } } | null;
  set(patch: Partial<Omit<UiState, "set" | "addLog">>): void;
  addLog(level: "info" | "error", text: string): void;
}

export const uiStore = createStore<UiState>()((set) => ({
  paletteOpen: false,
  drawerOpen: false,
  drawerTab: "timeline",
  inspectorTab: "properties",
  searchOpen: false,
  focusNode: null,
  log: [],
  received: null,
  set: (patch) => set(patch),
  addLog: (level, text) => set((s) => ({ log: [...s.log.slice(-199), { at: Date.now(), level, text }] })),
}));

export function useUi<T>(select: (s: UiState) => T): T {
  return useStore(uiStore, select);
}

/** What GraphCanvas lets actions do to the viewport. */
export const canvasControls: { fit(): void; zoomTo(id: string): void } = { fit() {}, zoomTo() {} };

/** What the top bar lets actions do (its hidden file inputs). */
export const pickers: { openModel(): void; openProject(): void } = { openModel() {}, openProject() {} };
