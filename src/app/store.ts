// Thin React bindings of the vanilla stores.
import { useStore } from "zustand";
import { projectStore, type ProjectState } from "../state/project.ts";
import { jobsStore, type JobsState } from "../state/jobs.ts";

export function useProject<T>(select: (s: ProjectState) => T): T {
  return useStore(projectStore, select);
}

export function useJobs<T>(select: (s: JobsState) => T): T {
  return useStore(jobsStore, select);
}
