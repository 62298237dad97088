// Proving benchmark (issue 7): per shared CNN/MLP model, setup / prove / verify times, proof and
// key sizes, peak memory, the prover's per-stage breakdown from its progress timers, and the ratio
// of prove time to onnxruntime-web's float inference of the same model (wasm, 1 thread) measured
// in the same run. `npm run bench -- prove [--model name] [--gpt]` (--gpt adds tiny_gpt).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { decodeModel, decodeTensorFile } from "../src/core/onnx/index.ts";
import { fromTensorData, loadGraph, type Graph, type Tensor } from "../src/core/graph/index.ts";
import { calibrate, generatedSamples, quantizeInput, runInteger } from "../src/core/quant/index.ts";
import { buildOutput } from "../src/core/artifacts/index.ts";
import { loadProvingKey, proveWithKey, setupKeys } from "../src/core/prover/keys.ts";
import type { ProgressEvent } from "../src/core/prover/index.ts";
import { verifyFiles } from "../src/core/verifier/files.ts";
import { SHARED } from "../test/shared-data.ts";
import type { Reporter } from "./report.ts";

function rowsOf(file: string, count: number, inName: string): Record<string, Tensor>[] {
  const t = fromTensorData(decodeTensorFile(new Uint8Array(readFileSync(join(SHARED, file)))));
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = t.data as Float32Array;
  return Array.from({ length: count }, (_, i) => ({ [inName]: { dtype: "float32", shape: [1, ...t.shape.slice(1)], data: data.slice(i * per, (i + 1) * per) } as Tensor }));
}

function licenseWindows(count: number, inName: string): Record<string, Tensor>[] {
  const text = new Uint8Array(readFileSync(join(SHARED, "onnx-backend-tests/LICENSE")));
  return Array.from({ length: count }, (_, i) => ({ [inName]: { dtype: "int64", shape: [1, 16], data: Float64Array.from(text.subarray(i * 97, i * 97 + 16)) } as Tensor }));
}

/** The same calibration data as the completeness tests. */
const MODELS: Record<string, (g: Graph, inName: string) => Record<string, Tensor>[]> = {
  digits_mlp: (_, n) => rowsOf("models/digits/calibration_x.pb", 64, n),
  digits_cnn: (_, n) => rowsOf("models/digits/calibration_x_img.pb", 64, n),
  vgg16_cifar10: (g) => generatedSamples(g, 4, 1),
  tiny_gpt: (_, n) => licenseWindows(16, n),
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall time per prover stage from consecutive progress events. */
function stageTimer() {
  const totals: Record<string, number> = {};
  let last: ProgressEvent | undefined;
  return {
    onProgress(e: ProgressEvent) {
      if (last) totals[last.stage] = (totals[last.stage] ?? 0) + e.elapsedMs - last.elapsedMs;
      last = e;
    },
    totals,
  };
}

async function ortMs(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, reps: number): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  await session.run(feeds);
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    ts.push(performance.now() - t0);
  }
  await session.release();
  return median(ts);
}

/** A shared model calibrated as in the tests, set up, its key loaded, and its reference input. */
export function prepareModel(name: string) {
  const dir = join(SHARED, "models", name);
  const onnx = new Uint8Array(readFileSync(join(dir, "model.onnx")));
  const inputBytes = new Uint8Array(readFileSync(join(dir, "test_data_set_0/input_0.pb")));
  const graph = loadGraph(decodeModel(onnx));
  const inName = graph.inputs[0]!.name;
  const { qgraph } = calibrate(graph, MODELS[name]!(graph, inName));

  const t0 = performance.now();
  const keys = setupKeys(qgraph);
  const setupMs = performance.now() - t0;
  const pkBytes = new Uint8Array(Buffer.concat(keys.pk));
  const key = loadProvingKey(pkBytes);

  const x = fromTensorData(decodeTensorFile(inputBytes));
  const qin = qgraph.inputs[0]!;
  const inputs = { [qin]: quantizeInput(qgraph.tensors[qin]!, x) };
  return { onnx, inputBytes, inName, qgraph, keys, setupMs, pkBytes, key, x, inputs };
}

async function measure(r: Reporter, name: string): Promise<void> {
  const { onnx, inputBytes, inName, keys, setupMs, pkBytes, key, x, inputs } = prepareModel(name);
  const t1 = performance.now();
  runInteger(key.qgraph, inputs);
  const intMs = performance.now() - t1;

  const reps = name === "vgg16_cifar10" ? 2 : 5;
  // The first proof with a key also pads the model and prepares its f32 weights (then reused).
  const coldMs = proveWithKey(key, inputs).proveMs;
  const runs = Array.from({ length: reps }, () => {
    const timer = stageTimer();
    const p = proveWithKey(key, inputs, { onProgress: timer.onProgress });
    return { ...p, stages: timer.totals };
  });
  const run = runs.sort((a, b) => a.proveMs - b.proveMs)[Math.floor(reps / 2)]!;
  const output = buildOutput(key.plan.graph, run.outputs, keys.digest);

  const tv = performance.now();
  const first = verifyFiles(keys.vk, inputBytes, output, run.proof);
  const vkCheckMs = performance.now() - tv;
  if (!first.ok) throw new Error(`bench prove: ${name}'s proof was rejected: ${first.reason}`);
  const verifyMs = median(Array.from({ length: 5 }, () => {
    const t = performance.now();
    verifyFiles(keys.vk, inputBytes, output, run.proof);
    return performance.now() - t;
  }));

  const feeds = { [inName]: x.dtype === "int64"
    ? new ort.Tensor("int64", BigInt64Array.from(x.data as ArrayLike<number>, (v) => BigInt(v)), x.shape)
    : new ort.Tensor("float32", Float32Array.from(x.data as ArrayLike<number>), x.shape) };
  const floatMs = await ortMs(onnx, feeds, name === "vgg16_cifar10" ? 7 : 21);
  const s = run.stages;
  r.result("prove", {
    model: name,
    setup_ms: setupMs, commit_ms: keys.timings.commitMs, setup_proof_ms: keys.timings.setupProofMs,
    int_eval_ms: intMs, prove_cold_ms: coldMs, prove_ms: run.proveMs,
    witness_ms: s.witness ?? 0, commit_witness_ms: s.commit ?? 0, lookups_ms: s.lookups ?? 0, layers_ms: s.layers ?? 0, openings_ms: s.openings ?? 0,
    verify_ms: verifyMs, vk_check_ms: vkCheckMs,
    proof_bytes: run.proof.length, vk_bytes: keys.vk.length, pk_bytes: pkBytes.length,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    ort_ms: floatMs, prove_over_ort: run.proveMs / floatMs,
  });
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  if (!existsSync(join(SHARED, "models"))) {
    r.note(`prove: no shared models at ${join(SHARED, "models")}; nothing to measure`);
    return;
  }
  const at = args.indexOf("--model");
  const only = at >= 0 ? args[at + 1] : undefined;
  const names = ["digits_mlp", "digits_cnn", "vgg16_cifar10", ...(args.includes("--gpt") ? ["tiny_gpt"] : [])];
  if (only && !MODELS[only]) throw new Error(`bench prove: unknown model '${only}'; one of ${Object.keys(MODELS).join(", ")}`);
  r.note("peak_rss_mb is the process's peak so far (models run smallest first, setup included); prove_ms is the median of warm runs, prove_cold_ms the first proof with a key");
  for (const name of only ? [only] : names) await measure(r, name);
}
