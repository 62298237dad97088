// A calibration thread of the CLI (quant-threads.ts): loads the model once, answers for its
// share of the chunks, and exits.
import { parentPort, workerData } from "node:worker_threads";
import { loadGraph } from "../core/graph/index.ts";
import { decodeModel } from "../core/onnx/index.ts";
import { Observations } from "../core/quant/index.ts";
import { runChunkJob, type ChunkJob } from "./quant-threads.ts";

if (!parentPort) throw new Error("quant-thread.ts runs only as a worker thread");
try {
  const answer = runChunkJob(loadGraph(decodeModel(workerData.model as Uint8Array)), workerData.job as ChunkJob);
  parentPort.postMessage({ value: answer instanceof Observations ? answer.data() : answer });
} catch (e) {
  const err = e as Error;
  parentPort.postMessage({ error: { name: err.name, message: err.message } });
}
