// Verifier benchmark (issue 7: vgg16_cifar10 verifies in under 200 ms): per shared model, the
// once-per-VK check (parse, plan compile, setup proof), the per-proof verify time, the proof size,
// and a fresh `zkml verify` process (both, cold) as a user runs it. Times are medians, as wall and as process CPU time (the machine is shared: CPU time is the
// steadier figure). Keys and proofs are made once and kept under --cache (default
// $TMPDIR/zkml-bench-verify); a cached proof the current verifier rejects (the format moved on) is
// made again. `npm run bench -- verify [--model name] [--reps n] [--cache dir]`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeModel, decodeTensorFile } from "../src/core/onnx/index.ts";
import { fromTensorData, loadGraph } from "../src/core/graph/index.ts";
import { calibrate, generatedSamples, quantizeInput } from "../src/core/quant/index.ts";
import { buildOutput } from "../src/core/artifacts/index.ts";
import { loadProvingKey, proveWithKey, setupKeys } from "../src/core/prover/keys.ts";
import { checkVk, forgetCheckedVks, verifyFiles } from "../src/core/verifier/files.ts";
import { SHARED } from "../test/shared-data.ts";
import { timeCpuMs, type Reporter } from "./report.ts";

const MODELS = ["digits_mlp", "digits_cnn", "vgg16_cifar10", "tiny_gpt"];

interface Artifacts {
  vk: Uint8Array;
  proof: Uint8Array;
  output: string;
}

/** Setup (default calibration, as `zkml setup` without --plan) and one proof of test_data_set_0. */
function make(name: string, inputBytes: Uint8Array): Artifacts {
  const onnx = new Uint8Array(readFileSync(join(SHARED, "models", name, "model.onnx")));
  const graph = loadGraph(decodeModel(onnx));
  const { qgraph } = calibrate(graph, generatedSamples(graph, 16, 1));
  const keys = setupKeys(qgraph);
  const key = loadProvingKey(new Uint8Array(Buffer.concat(keys.pk)));
  const qin = qgraph.inputs[0]!;
  const inputs = { [qin]: quantizeInput(qgraph.tensors[qin]!, fromTensorData(decodeTensorFile(inputBytes))) };
  const p = proveWithKey(key, inputs);
  return { vk: keys.vk, proof: p.proof, output: JSON.stringify(buildOutput(key.plan.graph, p.outputs, keys.digest)) };
}

function cached(dir: string, name: string, inputBytes: Uint8Array, r: Reporter): Artifacts {
  const at = (f: string) => join(dir, `${name}.${f}`);
  if (existsSync(at("proof.bin"))) {
    const a = { vk: new Uint8Array(readFileSync(at("vk.bin"))), proof: new Uint8Array(readFileSync(at("proof.bin"))), output: readFileSync(at("output.json"), "utf8") };
    if (verifyFiles(a.vk, inputBytes, a.output, a.proof).ok) return a;
    r.note(`verify: the cached ${name} proof is rejected by this verifier; making it again`);
  }
  r.note(`verify: setup and one proof of ${name} (kept in ${dir})`);
  const a = make(name, inputBytes);
  mkdirSync(dir, { recursive: true });
  writeFileSync(at("vk.bin"), a.vk);
  writeFileSync(at("proof.bin"), a.proof);
  writeFileSync(at("output.json"), a.output);
  return a;
}

/**
 * What a user waits for: `zkml verify` in a fresh process (VK check and verify, cold JIT), as the
 * command reports it (its verifyMs; process start and module loading excluded). Median of a few.
 */
function cliColdMs(dir: string, name: string, reps: number): number {
  const bin = fileURLToPath(new URL("../bin/zkml.js", import.meta.url));
  const at = (f: string) => join(dir, `${name}.${f}`);
  const args = [bin, "verify", "--vk", at("vk.bin"), "--input", join(SHARED, "models", name, "test_data_set_0/input_0.pb"), "--output", at("output.json"), "--proof", at("proof.bin"), "--json"];
  const ms = Array.from({ length: Math.max(1, Math.min(3, reps)) }, () => {
    const out = JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" })) as { accepted: boolean; verifyMs: number };
    if (!out.accepted) throw new Error(`bench verify: zkml verify rejected ${name}'s proof`);
    return out.verifyMs;
  });
  return ms.sort((x, y) => x - y)[Math.floor(ms.length / 2)]!;
}

function measure(r: Reporter, name: string, dir: string, reps: number): void {
  const inputBytes = new Uint8Array(readFileSync(join(SHARED, "models", name, "test_data_set_0/input_0.pb")));
  const a = cached(dir, name, inputBytes, r);
  const vkCheck = timeCpuMs(() => {
    forgetCheckedVks();
    const v = checkVk(a.vk);
    if (!v.ok) throw new Error(`bench verify: ${name}'s verifying key is rejected: ${v.reason}`);
  }, Math.max(1, Math.ceil(reps / 3)));
  const first = verifyFiles(a.vk, inputBytes, a.output, a.proof);
  if (!first.ok) throw new Error(`bench verify: ${name}'s proof is rejected: ${first.reason}`);
  const verify = timeCpuMs(() => verifyFiles(a.vk, inputBytes, a.output, a.proof), reps);
  r.result("verify", {
    model: name,
    cli_cold_ms: cliColdMs(dir, name, reps), vk_check_ms: vkCheck.wallMs, vk_check_cpu_ms: vkCheck.cpuMs,
    verify_ms: verify.wallMs, verify_cpu_ms: verify.cpuMs,
    proof_bytes: a.proof.length, vk_bytes: a.vk.length,
  });
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  if (!existsSync(join(SHARED, "models"))) {
    r.note(`verify: no shared models at ${join(SHARED, "models")}; nothing to measure`);
    return;
  }
  const opt = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = opt("--model");
  if (only && !MODELS.includes(only)) throw new Error(`bench verify: unknown model '${only}'; one of ${MODELS.join(", ")}`);
  const reps = Number(opt("--reps") ?? 9);
  if (!(Number.isInteger(reps) && reps >= 1)) throw new Error(`bench verify: --reps must be a positive integer`);
  const dir = opt("--cache") ?? join(tmpdir(), "zkml-bench-verify");
  r.note("cli_cold_ms: `zkml verify` in a fresh process (VK check + verify, cold JIT; its own verifyMs, median of up to 3); others are in-process medians after one warm-up; *_cpu_ms is process CPU time (steadier than wall time on a shared machine)");
  for (const name of only ? [only] : MODELS) measure(r, name, dir, reps);
}
