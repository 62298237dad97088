import { parseArgs } from "node:util";
import { loadGraph } from "../../core/graph/index.ts";
import { decodeModel } from "../../core/onnx/index.ts";
import { checkLabels, combineAccuracy, parsePlan, QuantError, quantizeWithPlan } from "../../core/quant/index.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { accuracyOnThreads } from "../quant-threads.ts";
import { calibrationWorkers, loadSamples } from "./calibrate.ts";
import { readTensorFile } from "./run.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.accuracy;

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      plan: { type: "string" },
      data: { type: "string" },
      labels: { type: "string" },
      samples: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1 || !values.plan) throw new CliError(`usage: ${usage}`, 2);
  const bytes = readInput(path, "model");
  const graph = loadGraph(decodeModel(bytes));
  const workers = calibrationWorkers(values.workers, bytes.length);
  const plan = parsePlan(new TextDecoder().decode(readInput(values.plan, "plan")));
  const q = quantizeWithPlan(graph, plan);
  const count = values.samples === undefined ? 16 : Number(values.samples);
  const seed = values.seed === undefined ? 2 : Number(values.seed);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || seed < 0) throw new CliError("--samples and --seed take non-negative integers (samples ≥ 1)", 2);
  const { samples } = loadSamples(graph, values.data, count, seed, io);
  let labels: number[] | undefined;
  if (values.labels) {
    const t = readTensorFile(values.labels);
    labels = Array.from(t.data as ArrayLike<number | bigint>, Number);
    if (labels.some((v) => !Number.isInteger(v) || v < 0)) throw new QuantError(`labels ${values.labels} must hold non-negative integer classes`, { tensor: values.labels });
  }
  checkLabels(graph, samples.length, labels);
  const r = combineAccuracy(graph, q, await accuracyOnThreads(graph, q, plan, bytes, samples, labels, workers), labels !== undefined);
  if (values.json) {
    io.out(JSON.stringify(r));
    return 0;
  }
  io.out(`samples ${r.samples} (${r.rows} rows compared)`);
  if (r.float_accuracy !== undefined) io.out(`accuracy: float ${pct(r.float_accuracy)}, quantized ${pct(r.quant_accuracy!)}`);
  io.out(`top-1 agreement ${pct(r.top1_agreement)}, cosine similarity ${r.cosine_similarity.toFixed(6)} (min ${r.min_cosine_similarity.toFixed(6)})`);
  const worst = [...r.nodes].filter((n) => n.sqnr_db !== null).sort((a, b) => a.sqnr_db! - b.sqnr_db!).slice(0, 5);
  for (const n of worst) io.out(`  ${n.node}  ${n.tensor}: SQNR ${n.sqnr_db!.toFixed(1)} dB, max abs error ${n.max_abs_error.toPrecision(3)}`);
  return 0;
}
