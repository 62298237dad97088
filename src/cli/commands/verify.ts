import { parseArgs } from "node:util";
import { INTEGRITY_NOTE } from "../../core/artifacts/index.ts";
import { verifyFiles } from "../../core/verifier/files.ts";
import { CliError, readInput, type Output } from "../io.ts";

export const usage =
  "zkml verify --vk <vk.bin> --input <x.pb> --output <output.json> --proof <proof.bin> [--json]   exit 0 and \"accepted\", or exit 1 and \"rejected: reason\"";

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { vk: { type: "string" }, input: { type: "string" }, output: { type: "string" }, proof: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length > 0 || !values.vk || !values.input || !values.output || !values.proof) throw new CliError(`usage: ${usage}`, 2);
  const vk = readInput(values.vk, "verifying key"), input = readInput(values.input, "input");
  const output = readInput(values.output, "output"), proof = readInput(values.proof, "proof");
  const t0 = performance.now();
  const v = verifyFiles(vk, input, output, proof);
  const ms = performance.now() - t0;
  if (values.json) {
    io.out(JSON.stringify({ accepted: v.ok, ...(v.ok ? {} : { reason: v.reason }), proof: INTEGRITY_NOTE, vkDigest: v.vkDigest ?? null, verifyMs: Math.round(ms) }));
  } else if (v.ok) {
    io.out(`accepted: the model of verifying key ${v.vkDigest!.slice(0, 16)}…, run on this input, gives this output (${INTEGRITY_NOTE}; ${ms.toFixed(0)} ms)`);
  } else {
    io.out(`rejected: ${v.reason}`);
  }
  return v.ok ? 0 : 1;
}
