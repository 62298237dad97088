import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { buildOutput, decodeTensorProto, hex, INTEGRITY_NOTE, publicInputs, vkDigest } from "../../core/artifacts/index.ts";
import { sha256 } from "../../core/hash/index.ts";
import { loadProvingKey, proveWithKey } from "../../core/prover/keys.ts";
import type { ProgressEvent } from "../../core/prover/index.ts";
import { CliError, readInput, type Output } from "../io.ts";

export const usage =
  "zkml prove <model.onnx> --keys <keys-dir> --input <x.pb> -o <dir> [--json]   prove one inference: writes proof.bin and output.json";

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

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

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { keys: { type: "string" }, input: { type: "string" }, output: { type: "string", short: "o" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1 || !values.keys || !values.input || !values.output) throw new CliError(`usage: ${usage}`, 2);
  const t0 = performance.now();
  const onnx = readInput(path, "model");
  const vk = readInput(join(values.keys, "vk.bin"), "verifying key");
  const key = loadProvingKey(readInput(join(values.keys, "pk.bin"), "proving key"));
  if (!same(vkDigest(vk), key.vkDigest)) throw new CliError(`${values.keys}: vk.bin and pk.bin come from different setups; re-run zkml setup`);
  if (key.modelHash.some((b) => b !== 0) && !same(sha256(onnx), key.modelHash)) {
    throw new CliError(`the keys in ${values.keys} were made for another model than ${basename(path)}; run zkml setup on it first`);
  }
  const inputs = publicInputs(key.plan.graph, [decodeTensorProto(readInput(values.input, "input"))]);
  const bar = progressBar();
  const r = (() => {
    try {
      return proveWithKey(key, inputs, { onProgress: values.json ? undefined : bar.update });
    } finally {
      bar.done();
    }
  })();
  const out = buildOutput(key.plan.graph, r.outputs, key.vkDigest);
  mkdirSync(values.output, { recursive: true });
  const proofPath = join(values.output, "proof.bin"), outPath = join(values.output, "output.json");
  writeFileSync(proofPath, r.proof);
  writeFileSync(outPath, JSON.stringify(out, null, 1) + "\n");
  const ms = performance.now() - t0;
  if (values.json) {
    io.out(JSON.stringify({ proof: INTEGRITY_NOTE, model: basename(path), proofFile: proofPath, output: outPath, proofBytes: r.proof.length, vkDigest: hex(key.vkDigest), proveMs: Math.round(r.proveMs), totalMs: Math.round(ms), outputs: out.outputs }));
    return 0;
  }
  io.out(`proved ${basename(path)} on ${basename(values.input)} (${INTEGRITY_NOTE})`);
  io.out(`  ${proofPath}  ${r.proof.length} bytes, proved in ${(r.proveMs / 1000).toFixed(2)} s`);
  for (const o of out.outputs) {
    const shown = o.dequantized.slice(0, 16).map((v) => v.toPrecision(4)).join(" ");
    io.out(`  ${outPath}  ${o.onnx ?? o.name} [${o.shape}] = ${shown}${o.values.length > 16 ? ` … (${o.values.length} values)` : ""}`);
  }
  return 0;
}
