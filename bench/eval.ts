// Float evaluator vs onnxruntime-web (wasm, 1 thread) on the shared models, same inputs, same
// run. `npm run bench -- eval [--light]` (--light adds the nine ONNX light models).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { evaluate } from "../src/core/eval/index.ts";
import { loadGraph, type Tensor } from "../src/core/graph/index.ts";
import { decodeModel } from "../src/core/onnx/index.ts";
import { SHARED } from "../test/shared-data.ts";
import { timeAsyncMs, timeMs, type Reporter } from "./report.ts";

/** Deterministic inputs: int64 ids below 256, floats in [-1, 1). */
function inputFor(dtype: string, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === "int64") return { dtype: "int64", shape, data: Float64Array.from({ length: n }, (_, i) => (i * 31) % 256) };
  return { dtype: "float32", shape, data: Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 2000) / 1000 - 1) };
}

function toOrt(t: Tensor): ort.Tensor {
  if (t.dtype === "int64") return new ort.Tensor("int64", BigInt64Array.from(t.data as Float64Array, (v) => BigInt(v)), t.shape);
  return new ort.Tensor("float32", t.data as Float32Array, t.shape);
}

async function compare(r: Reporter, name: string, path: string, reps: number): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  const loadMs = timeMs(() => loadGraph(decodeModel(bytes)), 1);
  const graph = loadGraph(decodeModel(bytes));
  const inputs = Object.fromEntries(graph.inputs.map((i) => [i.name, inputFor(i.dtype, i.shape)]));
  const oursMs = timeMs(() => evaluate(graph, inputs), reps);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, toOrt(t)]));
  const ortMs = await timeAsyncMs(() => session.run(feeds), reps);
  await session.release();
  r.result("eval", { model: name, load_ms: loadMs, ours_ms: oursMs, ort_ms: ortMs, ours_over_ort: oursMs / ortMs });
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error"; // light models carry unused initializers ORT warns about
  const models = join(SHARED, "models");
  if (!existsSync(models)) {
    r.note(`eval: no shared models at ${models}; nothing to measure`);
    return;
  }
  for (const m of ["digits_mlp", "digits_cnn", "tiny_gpt", "vgg16_cifar10"]) {
    await compare(r, m, join(models, m, "model.onnx"), m === "vgg16_cifar10" ? 7 : 21);
  }
  if (args.includes("--light")) {
    const dir = join(SHARED, "onnx-backend-tests", "light");
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".onnx")).sort()) await compare(r, f.slice(0, -5), join(dir, f), 3);
  }
}
