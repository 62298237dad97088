// Thin React binding of the vanilla project store.
import { useStore } from "zustand";
import { projectStore, type ProjectState } from "../state/project.ts";

export function useProject<T>(select: (s: ProjectState) => T): T {
  return useStore(projectStore, select);
}
