import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { buildOutput, decodeTensorProto, hex, INTEGRITY_NOTE, publicInputs, vkDigest } from "../../core/artifacts/index.ts";
import { sha256 } from "../../core/hash/index.ts";
import { loadKey, proveWithKey, proveWithKeyAsync, type KeyProof, type LoadedKey } from "../../core/prover/keys.ts";
import type { ProgressEvent } from "../../core/prover/index.ts";
import { MAX_THREADS, availableCores, nodePool } from "../../core/parallel/index.ts";
import { CliError, readInput, readProvingKey, type Output } from "../io.ts";
import { chooseKernels } from "../../core/kernels/backend.ts";
import type { GpuKernels } from "../../core/kernels/gpu-kernels.ts";
import { equalBytes } from "../../core/pcs/index.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.prove;

/** More threads than this stop paying: the pooled stages are memory-bound. */
const MAX_DEFAULT_WORKERS = 8;

/** The GPU kernels `--gpu` asks for, if the machine has them, and what was chosen and why. */
async function gpuFor(arg: string | undefined): Promise<{ gpu?: GpuKernels; note?: string }> {
  if (arg === undefined || arg === "off") return {};
  if (arg !== "auto" && arg !== "force") throw new CliError(`--gpu ${arg}: give auto (a hardware adapter only), force (any adapter) or off`, 2);
  const c = await chooseKernels(arg === "force" ? "webgpu" : "auto");
  return c.backend === "webgpu" ? { gpu: c.gpu, note: c.note } : { note: c.note };
}

export function workerCount(arg: string | undefined): number {
  if (arg === undefined) return Math.min(MAX_DEFAULT_WORKERS, availableCores());
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new CliError(`--workers ${arg}: give a whole number of threads from 1 to ${MAX_THREADS}`, 2);
  return n;
}


/** A one-line progress bar on a terminal (stage, fraction, elapsed). */
function progressBar(): { update(e: ProgressEvent): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(e) {
      if (!tty) return;
      const now = performance.now();
      if (now - last < 100 && e.fraction < 1) return;
      last = now;
      const width = 30, filled = Math.round(width * Math.min(1, e.fraction));
      const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.round(100 * e.fraction).toString().padStart(3)}% ${(e.elapsedMs / 1000).toFixed(1)}s ${e.stage}: ${e.detail}`;
      const cols = (process.stderr.columns || 100) - 1;
      process.stderr.write(`\r${line.slice(0, cols).padEnd(cols)}`);
    },
    done() {
      if (tty) process.stderr.write("\r\x1b[K");
    },
  };
}

export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { keys: { type: "string" }, input: { type: "string" }, output: { type: "string", short: "o" }, workers: { type: "string" }, gpu: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1 || !values.keys || !values.input || !values.output) throw new CliError(`usage: ${usage}`, 2);
  const workers = workerCount(values.workers);
  // The workers load while the key is read; the pool only blocks once they are ready.
  const threads = workers > 1 ? nodePool(workers) : undefined;
  const t0 = performance.now();
  const onnx = readInput(path, "model");
  const vk = readInput(join(values.keys, "vk.bin"), "verifying key");
  const pkFile = readProvingKey(join(values.keys, "pk.bin"));
  let r: KeyProof, key: LoadedKey, gpuNote: string | undefined;
  const backends: Partial<Record<ProgressEvent["stage"], string>> = {};
  try {
    key = loadKey(pkFile.pk);
    if (!equalBytes(vkDigest(vk), key.vkDigest)) throw new CliError(`${values.keys}: vk.bin and pk.bin come from different setups; re-run zkml setup`);
    if (key.modelHash.some((b) => b !== 0) && !equalBytes(sha256(onnx), key.modelHash)) {
      throw new CliError(`the keys in ${values.keys} were made for another model than ${basename(path)}; run zkml setup on it first`);
    }
    const inputs = publicInputs(key.plan.graph, [decodeTensorProto(readInput(values.input, "input"))]);
    const chosen = await gpuFor(values.gpu);
    gpuNote = chosen.note;
    await threads?.ready;
    const bar = progressBar();
    const onProgress = (e: ProgressEvent) => {
      if (e.backend) backends[e.stage] = e.backend;
      if (!values.json) bar.update(e);
    };
    try {
      const opts = { workers: threads?.pool ?? 1, onProgress };
      r = chosen.gpu ? await proveWithKeyAsync(key, inputs, { ...opts, gpu: chosen.gpu }) : proveWithKey(key, inputs, opts);
    } finally {
      bar.done();
    }
  } finally {
    pkFile.close();
  }
  const out = buildOutput(key.plan.graph, r.outputs, key.vkDigest);
  mkdirSync(values.output, { recursive: true });
  const proofPath = join(values.output, "proof.bin"), outPath = join(values.output, "output.json");
  writeFileSync(proofPath, r.proof);
  writeFileSync(outPath, JSON.stringify(out, null, 1) + "\n");
  const ms = performance.now() - t0;
  if (values.json) {
    io.out(JSON.stringify({ proof: INTEGRITY_NOTE, model: basename(path), proofFile: proofPath, output: outPath, proofBytes: r.proof.length, vkDigest: hex(key.vkDigest), proveMs: Math.round(r.proveMs), workers: threads?.pool.size ?? 1, backends, ...(gpuNote ? { gpu: gpuNote } : {}), totalMs: Math.round(ms), outputs: out.outputs }));
    return 0;
  }
  io.out(`proved ${basename(path)} on ${basename(values.input)} (${INTEGRITY_NOTE})`);
  io.out(`  ${proofPath}  ${r.proof.length} bytes, proved in ${(r.proveMs / 1000).toFixed(2)} s on ${threads?.pool.note ?? "one thread"}, witness committed on ${backends.commit ?? "wasm"}`);
  if (gpuNote) io.out(`  GPU: ${gpuNote}`);
  for (const o of out.outputs) {
    const shown = o.dequantized.slice(0, 16).map((v) => v.toPrecision(4)).join(" ");
    io.out(`  ${outPath}  ${o.onnx ?? o.name} [${o.shape}] = ${shown}${o.values.length > 16 ? ` … (${o.values.length} values)` : ""}`);
  }
  return 0;
}
