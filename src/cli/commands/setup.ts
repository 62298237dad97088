import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { hex, INTEGRITY_NOTE } from "../../core/artifacts/index.ts";
import { loadGraph } from "../../core/graph/index.ts";
import { sha256 } from "../../core/hash/index.ts";
import { decodeModel } from "../../core/onnx/index.ts";
import { setupKeys } from "../../core/prover/keys.ts";
import { calibrate, parsePlan, quantizeWithPlan, serializePlan } from "../../core/quant/index.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { loadSamples, writeAtomic } from "./calibrate.ts";
import { writeParts } from "../files.ts";
import { nodePool } from "../../core/parallel/index.ts";
import { workerCount } from "./prove.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.setup;

/** Without --plan: calibration with the defaults on generated inputs (deterministic). */
const DEFAULT_SAMPLES = 16;
const DEFAULT_SEED = 1;

export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { plan: { type: "string" }, output: { type: "string", short: "o" }, workers: { type: "string" }, "compact-pk": { type: "boolean" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1 || !values.output) throw new CliError(`usage: ${usage}`, 2);
  const workers = workerCount(values.workers);
  // The workers load while the model is read and calibrated.
  const threads = workers > 1 ? nodePool(workers) : undefined;
  const t0 = performance.now();
  const onnx = readInput(path, "model");
  const graph = loadGraph(decodeModel(onnx));
  let qgraph, planText: string, calibrated: string | undefined;
  if (values.plan) {
    const plan = parsePlan(new TextDecoder().decode(readInput(values.plan, "plan")));
    qgraph = quantizeWithPlan(graph, plan);
    planText = serializePlan(plan);
  } else {
    const quiet: Output = { out: () => {}, err: () => {} };
    const { samples, note } = loadSamples(graph, undefined, DEFAULT_SAMPLES, DEFAULT_SEED, quiet);
    const r = calibrate(graph, samples, { dataNote: note });
    qgraph = r.qgraph;
    planText = serializePlan(r.plan);
    calibrated = note;
    if (!values.json) io.err(`no --plan: calibrated with the default settings on ${note} (deterministic); pass --plan (from \`zkml calibrate --data …\`) for scales from real data`);
  }
  await threads?.ready;
  // pk.bin is written from the pool's memory (no copy of the encoded model), then released.
  const keys = setupKeys(qgraph, { modelHash: sha256(onnx), workers: threads?.pool ?? 1, keepInPool: true, ...(values["compact-pk"] ? { streamModel: true } : {}) });
  const dir = values.output;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "vk.bin"), keys.vk);
    writeParts(join(dir, "pk.bin"), keys.pk);
  } finally {
    keys.release?.();
  }
  writeAtomic(join(dir, "plan.json"), planText);
  const pkBytes = keys.pk.reduce((a, p) => a + p.length, 0);
  const ms = performance.now() - t0;
  if (values.json) {
    io.out(JSON.stringify({
      proof: INTEGRITY_NOTE, model: basename(path), vk: join(dir, "vk.bin"), pk: join(dir, "pk.bin"), plan: join(dir, "plan.json"),
      vkDigest: hex(keys.digest), vkBytes: keys.vk.length, pkBytes, calibrated: calibrated ?? null,
      setupMs: Math.round(ms), commitMs: Math.round(keys.timings.commitMs), setupProofMs: Math.round(keys.timings.setupProofMs),
    }));
    return 0;
  }
  io.out(`setup of ${basename(path)} (${INTEGRITY_NOTE})`);
  io.out(`  ${join(dir, "vk.bin")}  ${keys.vk.length} bytes, digest ${hex(keys.digest)}`);
  const why = keys.key.model.data.columns
    ? "the encoded weights: proofs never re-encode them"
    : "the weights and their leaf digests, not their code: each proof encodes them again";
  io.out(`  ${join(dir, "pk.bin")}  ${pkBytes} bytes (${why})`);
  io.out(`  ${join(dir, "plan.json")}  the quantization plan the keys were made from`);
  io.out(`  committed ${keys.plan.model.length} weight tensors and proved their ranges in ${(ms / 1000).toFixed(2)} s`);
  return 0;
}
