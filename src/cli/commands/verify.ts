import { parseArgs } from "node:util";
import { INTEGRITY_NOTE } from "../../core/artifacts/index.ts";
import { verifyFiles } from "../../core/verifier/files.ts";
import { verifyGenerationFiles } from "../../core/verifier/generation.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.verify;

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { vk: { type: "string" }, input: { type: "string" }, output: { type: "string" }, proof: { type: "string" }, prompt: { type: "string" }, text: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const generation = values.prompt !== undefined || values.text !== undefined;
  const complete = generation ? values.prompt !== undefined && values.text !== undefined && !values.input && !values.output : !!values.input && !!values.output;
  if (positionals.length > 0 || !values.vk || !values.proof || !complete) throw new CliError(`usage: ${usage}`, 2);
  const vk = readInput(values.vk, "verifying key"), proof = readInput(values.proof, "proof");
  const t0 = performance.now();
  const v = generation
    ? verifyGenerationFiles(vk, values.prompt!, values.text!, proof)
    : verifyFiles(vk, readInput(values.input!, "input"), readInput(values.output!, "output"), proof);
  const ms = performance.now() - t0;
  if (values.json) {
    io.out(JSON.stringify({ accepted: v.ok, ...(v.ok ? {} : { reason: v.reason }), proof: INTEGRITY_NOTE, vkDigest: v.vkDigest ?? null, verifyMs: Math.round(ms) }));
  } else if (v.ok) {
    const what = generation ? "continues this prompt with this text (greedy decoding)" : "run on this input, gives this output";
    io.out(`accepted: the model of verifying key ${v.vkDigest!.slice(0, 16)}…, ${what} (${INTEGRITY_NOTE}; ${ms.toFixed(0)} ms)`);
  } else {
    io.out(`rejected: ${v.reason}`);
  }
  return v.ok ? 0 : 1;
}
