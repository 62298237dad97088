/**
 * state/: zustand vanilla stores with thin React bindings in app/.
 * - `projectStore` (project.ts): the document — model, calibration choices, plans A/B with
 *   undo/redo, the proof — and the view state (selection, expanded groups, overlay).
 * - `jobsStore` (jobs.ts): what each worker is doing: progress, timeline bars, metrics, errors.
 * - persist.ts: the project in IndexedDB (`snapshotOf`, `saveSnapshot`, `loadSnapshot`).
 * - project-file.ts: a project saved to / opened from a file.
 */
export * from "./project.ts";
export * from "./jobs.ts";
export * from "./persist.ts";
