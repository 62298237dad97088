// A calibration thread of the CLI (quant-threads.ts): loads the model once, answers for its
// share of the chunks, and exits.
import { parentPort, workerData } from "node:worker_threads";
import { loadGraph } from "../core/graph/index.ts";
import { decodeModel } from "../core/onnx/index.ts";
import { accuracyPart, observeChunk, Observations, quantizeWithPlan } from "../core/quant/index.ts";
import type { ChunkJob } from "./quant-threads.ts";

if (!parentPort) throw new Error("quant-thread.ts runs only as a worker thread");
try {
  const graph = loadGraph(decodeModel(workerData.model as Uint8Array));
  const job = workerData.job as ChunkJob;
  if (job.kind === "observe") {
    const obs = new Observations();
    for (const chunk of job.chunks) obs.merge(observeChunk(graph, chunk));
    parentPort.postMessage({ value: obs.data() });
  } else {
    const q = quantizeWithPlan(graph, job.plan);
    parentPort.postMessage({ value: job.chunks.map((c) => accuracyPart(graph, q, c.samples, c.first, job.labels)) });
  }
} catch (e) {
  const err = e as Error;
  parentPort.postMessage({ error: { name: err.name, message: err.message } });
}
