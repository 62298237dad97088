// `zkml calibrate` and `zkml accuracy` on several threads: the data set's chunks (sampleChunks)
// dealt round robin to worker_threads that each load the model; observations merge exactly and
// accuracy parts combine in chunk order, so the plan and the figures are those of one thread.
import type { Graph } from "../core/graph/index.ts";
import { tsWorker } from "../core/parallel/index.ts";
import {
  accuracyParts, observeChunks, Observations, quantizeWithPlan, sampleChunks,
  type AccuracyPart, type ObservationsData, type QGraph, type QuantPlan, type Sample,
} from "../core/quant/index.ts";

export type ChunkJob =
  | { kind: "observe"; chunks: Sample[][] }
  | { kind: "accuracy"; plan: QuantPlan; chunks: { samples: Sample[]; first: number }[]; labels?: number[] };

/** One thread's share: its chunks' observations merged, or each chunk's accuracy part (`q`: the plan's quantized graph, if made). */
export function runChunkJob(graph: Graph, job: ChunkJob, q?: QGraph): Observations | AccuracyPart[] {
  return job.kind === "observe" ? observeChunks(graph, job.chunks) : accuracyParts(graph, q ?? quantizeWithPlan(graph, job.plan), job.chunks, job.labels);
}

/**
 * Runs jobs[1…] on worker_threads and jobs[0] here with `local` (while the workers start), and
 * returns the answers in job order; a thread's error is rethrown as it was (name and message).
 */
async function onThreads<T>(model: Uint8Array, jobs: ChunkJob[], local: (job: ChunkJob) => T): Promise<T[]> {
  const entry = new URL("./quant-thread.ts", import.meta.url).href;
  const started = jobs.slice(1).map((job) => new Promise<T>((resolve, reject) => {
    const w = tsWorker(entry, { model, job });
    if (!w) return reject(new Error("calibration threads need Node's worker_threads"));
    w.once("error", (e) => reject(e));
    // Settles nothing if the answer came first; else the thread stopped without one (out of memory, say).
    w.once("exit", (code) => reject(new Error(`a calibration thread stopped (exit code ${code}) before answering; try --workers 1`)));
    w.once("message", (m) => {
      const r = m as { value?: T; error?: { name: string; message: string } };
      void w.terminate();
      if (r.error) reject(Object.assign(new Error(r.error.message), { name: r.error.name }));
      else resolve(r.value as T);
    });
  }));
  // Settled now, so a worker that fails while this thread computes is no unhandled rejection.
  const answers = started.map((p) => p.then((value) => ({ value }), (error: unknown) => ({ error })));
  const mine = local(jobs[0]!);
  const theirs = await Promise.all(answers);
  for (const a of theirs) if ("error" in a) throw a.error;
  return [mine, ...theirs.map((a) => (a as { value: T }).value)];
}

/** Items dealt round robin to at most `threads` shares (at least one). */
function dealt<T>(xs: T[], threads: number): T[][] {
  const n = Math.max(1, Math.min(threads, xs.length));
  return Array.from({ length: n }, (_, t) => xs.filter((_, i) => i % n === t));
}

/** Every calibration chunk observed, merged. */
export async function observeOnThreads(graph: Graph, model: Uint8Array, samples: Sample[], threads: number): Promise<Observations> {
  const shares = dealt(sampleChunks(samples.length).map(([f, t]) => samples.slice(f, t)), threads);
  const parts = await onThreads(model, shares.map((chunks): ChunkJob => ({ kind: "observe", chunks })), (job) => runChunkJob(graph, job) as Observations | ObservationsData);
  const obs = new Observations();
  for (const part of parts) obs.merge(part);
  return obs;
}

/** Every evaluation chunk's accuracy part, in chunk order. */
export async function accuracyOnThreads(graph: Graph, q: QGraph, plan: QuantPlan, model: Uint8Array, samples: Sample[], labels: number[] | undefined, threads: number): Promise<AccuracyPart[]> {
  const chunks = sampleChunks(samples.length).map(([f, t]) => ({ samples: samples.slice(f, t), first: f }));
  const shares = dealt(chunks, threads), n = shares.length;
  const jobs = shares.map((mine): ChunkJob => ({ kind: "accuracy", plan, chunks: mine, ...(labels ? { labels } : {}) }));
  const answers = await onThreads(model, jobs, (job) => runChunkJob(graph, job, q) as AccuracyPart[]);
  // Chunk i went to thread i mod n, as its (i div n)-th.
  return chunks.map((_, i) => answers[i % n]![Math.floor(i / n)]!);
}
