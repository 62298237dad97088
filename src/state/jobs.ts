// Jobs and live metrics (zustand vanilla): what each worker is doing, its progress, the
// timeline of stages and layers, and the last error. Not persisted: a reload starts idle.
import { createStore } from "zustand/vanilla";

export type JobKind = "open" | "layout" | "calibrate" | "metrics" | "keys" | "prove" | "verify";
export type JobStatus = "idle" | "running" | "done" | "error" | "cancelled";

/** One bar of the timeline: a stage or a layer on a worker's track. */
export interface TimelineBar {
  track: string;
  label: string;
  start: number;
  end: number | null;
  /** Elements processed in the bar, for throughput on hover. */
  elements?: number;
}

export interface JobMetrics {
  /** Field elements processed per second (committed + looked up), over the proving stages. */
  elementsPerSecond?: number;
  /** JS heap of the prover worker in bytes, where the worker itself can read it. */
  memoryBytes?: number;
  /** What the prover's workers hold after the proof, as the browser measured it (measureUserAgentSpecificMemory). */
  measuredBytes?: number;
  /** Wasm kernel memory of the proving thread (its linear memory only grows: the peak so far). */
  wasmBytes?: number;
  /** Field operations of the proof so far (kernels/field-ops.ts) and their rate over proving time. */
  fieldOps?: number;
  fieldOpsPerSecond?: number;
  remainingMs?: number;
}

export interface Job {
  status: JobStatus;
  /** 0…1 */
  progress: number;
  /** What is happening now ("proving layers: linear /fc1/Gemm"). */
  detail: string;
  startedAt: number;
  endedAt: number | null;
  error: string | null;
  bars: TimelineBar[];
  metrics: JobMetrics;
}

export interface JobsState {
  jobs: Record<JobKind, Job>;
  /** Why the prover runs on one thread (no cross-origin isolation), or null. */
  isolationNote: string | null;
  start(kind: JobKind, detail: string): void;
  progress(kind: JobKind, patch: Partial<Pick<Job, "progress" | "detail" | "metrics">>): void;
  /** Adds a bar; closes the open bar of its track, or every open bar when a new stage starts. */
  bar(kind: JobKind, bar: TimelineBar, closes?: "track" | "all"): void;
  finish(kind: JobKind, status: Exclude<JobStatus, "idle" | "running">, error?: string): void;
  /** Metrics that arrive late (a memory measurement): kept only if the job started at `startedAt` is still the current one. */
  lateMetrics(kind: JobKind, startedAt: number, metrics: JobMetrics): void;
  setIsolationNote(note: string | null): void;
}

const idle = (): Job => ({ status: "idle", progress: 0, detail: "", startedAt: 0, endedAt: null, error: null, bars: [], metrics: {} });
const KINDS: JobKind[] = ["open", "layout", "calibrate", "metrics", "keys", "prove", "verify"];

export function createJobsStore(now: () => number = () => performance.now()) {
  return createStore<JobsState>()((set) => {
    const update = (kind: JobKind, f: (j: Job) => Job) => set((s) => ({ jobs: { ...s.jobs, [kind]: f(s.jobs[kind]) } }));
    return {
      jobs: Object.fromEntries(KINDS.map((k) => [k, idle()])) as Record<JobKind, Job>,
      isolationNote: null,
      start: (kind, detail) => update(kind, () => ({ ...idle(), status: "running", detail, startedAt: now() })),
      progress: (kind, patch) => update(kind, (j) => (j.status === "running" ? { ...j, ...patch, metrics: { ...j.metrics, ...patch.metrics } } : j)),
      bar: (kind, bar, closes = "track") => update(kind, (j) => {
        const bars = j.bars.map((b) => (b.end === null && (closes === "all" || b.track === bar.track) ? { ...b, end: bar.start } : b));
        return { ...j, bars: [...bars, bar] };
      }),
      finish: (kind, status, error) => update(kind, (j) => ({
        ...j, status, error: error ?? null, endedAt: now(), progress: status === "done" ? 1 : j.progress,
        bars: j.bars.map((b) => (b.end === null ? { ...b, end: now() } : b)),
      })),
      lateMetrics: (kind, startedAt, metrics) => update(kind, (j) => (j.startedAt === startedAt && j.status !== "idle" ? { ...j, metrics: { ...j.metrics, ...metrics } } : j)),
      setIsolationNote: (note) => set({ isolationNote: note }),
    };
  });
}

export const jobsStore = createJobsStore();
