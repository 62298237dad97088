// Quantization: calibration time per model, the integer evaluator's speed against the float
// evaluator on the same inputs (issue 6 goal on vgg16: within 3x), and the accuracy targets;
// then vgg16's calibration and accuracy on one thread and on the CLI's threads (the same plan and figures).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate } from "../src/core/eval/index.ts";
import { fromTensorData, loadGraph, type Graph, type Tensor } from "../src/core/graph/index.ts";
import { decodeModel, decodeTensorFile } from "../src/core/onnx/index.ts";
import { calibrate, generatedSamples, measureAccuracy, runQuantized, samplesFromBatch, type Sample } from "../src/core/quant/index.ts";
import { accuracyOnThreads, observeOnThreads } from "../src/cli/quant-threads.ts";
import { availableCores } from "../src/core/parallel/index.ts";
import { calibrationThreads, planFromObservations, quantizeWithPlan, serializePlan } from "../src/core/quant/index.ts";
import type { Reporter } from "./report.ts";

const SHARED = join(import.meta.dirname, "../../shared");
const read = (rel: string) => new Uint8Array(readFileSync(join(SHARED, rel)));
const model = (name: string): Graph => loadGraph(decodeModel(read(`models/${name}/model.onnx`)));
const batch = (rel: string): Tensor => fromTensorData(decodeTensorFile(read(rel)));

function windows(count: number, start: number, stride: number): Sample[] {
  const text = read("onnx-backend-tests/LICENSE");
  return Array.from({ length: count }, (_, i) => ({
    tokens: { dtype: "int64", shape: [1, 16], data: Float64Array.from(text.subarray(start + i * stride, start + i * stride + 16)) },
  }));
}

/** Median per-sample ms of running fn over the samples (after a warm-up pass over them). */
function perSample(samples: readonly Sample[], fn: (s: Sample) => void): number {
  for (const s of samples) fn(s);
  const ts = samples.map((s) => {
    const t0 = performance.now();
    fn(s);
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

interface Case {
  name: string;
  calib: () => Sample[];
  test: () => Sample[];
  labels?: () => ArrayLike<number>;
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  const cases: Case[] = [
    { name: "digits_mlp", calib: () => samplesFromBatch(model("digits_mlp"), batch("models/digits/calibration_x.pb")), test: () => samplesFromBatch(model("digits_mlp"), batch("models/digits/test_x.pb")), labels: () => batch("models/digits/test_y.pb").data as Float64Array },
    { name: "digits_cnn", calib: () => samplesFromBatch(model("digits_cnn"), batch("models/digits/calibration_x_img.pb")), test: () => samplesFromBatch(model("digits_cnn"), batch("models/digits/test_x_img.pb")), labels: () => batch("models/digits/test_y.pb").data as Float64Array },
    { name: "tiny_gpt", calib: () => windows(64, 0, 85), test: () => windows(32, 5600, 170) },
    { name: "vgg16_cifar10", calib: () => generatedSamples(model("vgg16_cifar10"), quick ? 2 : 8, 1), test: () => generatedSamples(model("vgg16_cifar10"), quick ? 8 : 64, 2) },
  ];
  for (const c of cases) {
    const g = model(c.name);
    const calib = c.calib(), test = c.test();
    const t0 = performance.now();
    const { qgraph } = calibrate(g, calib);
    const calibMs = performance.now() - t0;
    const timed = test.slice(0, quick ? 4 : 16);
    const floatMs = perSample(timed, (s) => evaluate(g, s));
    const intMs = perSample(timed, (s) => runQuantized(qgraph, s));
    const acc = measureAccuracy(g, qgraph, test, c.labels?.());
    r.result("quant", {
      model: c.name,
      calib_samples: calib.length,
      calib_ms: calibMs,
      float_ms: floatMs,
      int_ms: intMs,
      int_over_float: intMs / floatMs,
      samples: acc.samples,
      ...(acc.float_accuracy !== undefined ? { float_accuracy: acc.float_accuracy, quant_accuracy: acc.quant_accuracy! } : {}),
      top1_agreement: acc.top1_agreement,
      cosine: acc.cosine_similarity,
      cosine_gap: 1 - acc.cosine_similarity,
      min_cosine: acc.min_cosine_similarity,
    });
  }
  if (!quick) await threads(r);
}

/** `zkml calibrate|accuracy`'s work on 64 vgg16 samples with 1 thread and with the default count, timed in turn. */
async function threads(r: Reporter): Promise<void> {
  const bytes = read("models/vgg16_cifar10/model.onnx"), g = loadGraph(decodeModel(bytes));
  const n = calibrationThreads(bytes.length, availableCores());
  if (n < 2) return r.note(`quant threads: ${availableCores()} core(s): nothing to compare`);
  const calib = generatedSamples(g, 64, 1), test = generatedSamples(g, 64, 2);
  const runs: { t: number; calibrate_ms: number; accuracy_ms: number; plan: string; parts: string }[] = [];
  for (const t of [1, n]) {
    const t0 = performance.now();
    const { plan } = planFromObservations(g, await observeOnThreads(g, bytes, calib, t));
    const t1 = performance.now();
    const parts = await accuracyOnThreads(g, quantizeWithPlan(g, plan), plan, bytes, test, undefined, t);
    runs.push({ t, calibrate_ms: t1 - t0, accuracy_ms: performance.now() - t1, plan: serializePlan(plan), parts: JSON.stringify(parts) });
  }
  const [one, many] = runs;
  if (one!.plan !== many!.plan || one!.parts !== many!.parts) throw new Error(`bench quant: vgg16's plan or accuracy on ${n} threads differs from one thread's`);
  for (const x of [one!, many!]) {
    r.result("quant_threads", { model: "vgg16_cifar10", threads: x.t, calibrate_ms: x.calibrate_ms, accuracy_ms: x.accuracy_ms, speedup: (one!.calibrate_ms + one!.accuracy_ms) / (x.calibrate_ms + x.accuracy_ms), identical: true });
  }
}
