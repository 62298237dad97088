import { renameSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { loadGraph, type Graph } from "../../core/graph/index.ts";
import { decodeModel } from "../../core/onnx/index.ts";
import {
  CALIBRATION_METHODS, calibrationThreads, generatedNote, generatedSamples, MAX_CALIBRATION_THREADS, planFromObservations, samplesFromBatch, serializePlan,
  type CalibrationMethod, type Sample,
} from "../../core/quant/index.ts";
import { availableCores } from "../../core/parallel/index.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { observeOnThreads } from "../quant-threads.ts";
import { readTensorFile } from "./run.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.calibrate;

function intOption(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new CliError(`--${name} must be an integer in [${lo}, ${hi}], got '${v}'`, 2);
  return n;
}

/**
 * Samples from `--data` (a batch with a leading axis), or generated ones when there is none;
 * `note` says which, for the plan and the user.
 */
export function loadSamples(graph: Graph, data: string | undefined, count: number, seed: number, io: Output): { samples: Sample[]; note: string } {
  if (data) return { samples: samplesFromBatch(graph, readTensorFile(data), basename(data)), note: `data: ${basename(data)}` };
  const note = generatedNote(count, seed);
  io.err(`no --data given: using ${note}. Pass --data for ranges from real inputs.`);
  return { samples: generatedSamples(graph, count, seed), note };
}

/** `--workers`: threads for calibration and accuracy (default by model size and cores). */
export function calibrationWorkers(arg: string | undefined, modelBytes: number): number {
  return intOption(arg, "workers", 1, MAX_CALIBRATION_THREADS) ?? calibrationThreads(modelBytes, availableCores());
}

/** Writes through a temporary file, so a failure never leaves a half-written plan behind. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      data: { type: "string" },
      method: { type: "string" },
      percentile: { type: "string" },
      "weight-bits": { type: "string" },
      "activation-bits": { type: "string" },
      "per-channel": { type: "boolean" },
      samples: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      output: { type: "string", short: "o" },
    },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new CliError(`usage: ${usage}`, 2);
  const method = (values.method ?? "minmax") as CalibrationMethod;
  if (!CALIBRATION_METHODS.includes(method)) throw new CliError(`--method must be one of ${CALIBRATION_METHODS.join(", ")}, got '${values.method}'`, 2);
  const percentile = values.percentile === undefined ? undefined : Number(values.percentile);
  if (percentile !== undefined && !(percentile > 0 && percentile <= 1)) throw new CliError(`--percentile is a fraction in (0, 1], got '${values.percentile}'`, 2);
  const bytes = readInput(path, "model");
  const graph = loadGraph(decodeModel(bytes));
  const workers = calibrationWorkers(values.workers, bytes.length);
  const { samples, note } = loadSamples(graph, values.data, intOption(values.samples, "samples", 1, 100000) ?? 16, intOption(values.seed, "seed", 0, 2 ** 32 - 1) ?? 1, io);
  const { plan } = planFromObservations(graph, await observeOnThreads(graph, bytes, samples, workers), {
    method, percentile,
    weightBits: intOption(values["weight-bits"], "weight-bits", 2, 16),
    activationBits: intOption(values["activation-bits"], "activation-bits", 2, 16),
    dataNote: note,
    perChannel: values["per-channel"] ?? false,
  });
  const text = serializePlan(plan);
  if (!values.output) {
    io.out(text.trimEnd());
    return 0;
  }
  writeAtomic(values.output, text);
  io.out(`wrote ${values.output}: ${Object.keys(plan.tensors).length} tensors, ${Object.keys(plan.requants).length} requants, ${Object.keys(plan.tables).length} tables (${method}${plan.calibration.perChannel ? ", per-channel weights" : ""}, ${plan.calibration.samples} samples, ${note})`);
  return 0;
}
