import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hex, INTEGRITY_NOTE, vkDigest, writeGenerationFile } from "../../core/artifacts/index.ts";
import { greedyGenerate, languageModelOf } from "../../core/generation/index.ts";
import { loadKey, proveWithKey, type KeyProof, type LoadedKey } from "../../core/prover/keys.ts";
import { CliError, readInput, readProvingKey, type Output } from "../io.ts";
import { nodePool } from "../../core/parallel/index.ts";
import { workerCount } from "./prove.ts";
import { equalBytes } from "../../core/pcs/index.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE["prove-generation"];


export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { keys: { type: "string" }, prompt: { type: "string" }, tokens: { type: "string" }, output: { type: "string", short: "o" }, workers: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1 || !values.keys || values.prompt === undefined || !values.tokens || !values.output) throw new CliError(`usage: ${usage}`, 2);
  const count = Number(values.tokens);
  if (!Number.isInteger(count) || count < 1) throw new CliError(`--tokens must be a positive integer, got ${values.tokens}`, 2);
  const workers = workerCount(values.workers);
  // The threads load while the key is read and the text generated.
  const threads = workers > 1 ? nodePool(workers) : undefined;
  readInput(path, "model");
  const vk = readInput(join(values.keys, "vk.bin"), "verifying key");
  const pkFile = readProvingKey(join(values.keys, "pk.bin"));
  let key: LoadedKey, lm: ReturnType<typeof languageModelOf>, gen: ReturnType<typeof greedyGenerate>, generateMs: number, r: KeyProof;
  try {
    key = loadKey(pkFile.pk);
    if (!equalBytes(vkDigest(vk), key.vkDigest)) throw new CliError(`${values.keys}: vk.bin and pk.bin come from different setups; re-run zkml setup`);
    lm = languageModelOf(key.plan.graph);
    const prompt = [...new TextEncoder().encode(values.prompt)];
    const t0 = performance.now();
    const streamed: number[] = [];
    gen = greedyGenerate(key.qgraph, prompt, count, (t) => {
      streamed.push(t);
      if (!values.json && process.stderr.isTTY) process.stderr.write(`\rgenerating: ${JSON.stringify(new TextDecoder().decode(Uint8Array.from(streamed)))}`);
    });
    if (!values.json && process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    generateMs = performance.now() - t0;
    await threads?.ready;
    r = proveWithKey(key, { [lm.ids]: gen.ids }, { workers: threads?.pool ?? 1 });
  } finally {
    pkFile.close();
  }
  const text = new TextDecoder().decode(Uint8Array.from(gen.generated));
  mkdirSync(values.output, { recursive: true });
  const proofPath = join(values.output, "proof.bin"), genPath = join(values.output, "generation.json");
  writeFileSync(proofPath, writeGenerationFile({ logits: r.outputs[lm.logits]!, proof: r.proof }));
  const doc = { prompt: values.prompt, text, tokens: gen.generated, proof: INTEGRITY_NOTE, vkDigest: hex(key.vkDigest) };
  writeFileSync(genPath, JSON.stringify(doc, null, 1) + "\n");
  if (values.json) {
    io.out(JSON.stringify({ ...doc, proofFile: proofPath, generation: genPath, generateMs: Math.round(generateMs), proveMs: Math.round(r.proveMs), workers: threads?.pool.size ?? 1 }));
    return 0;
  }
  io.out(`generated ${count} tokens after ${JSON.stringify(values.prompt)}: ${JSON.stringify(text)}`);
  io.out(`proved the whole sequence in one proof (${INTEGRITY_NOTE}), ${(r.proveMs / 1000).toFixed(2)} s`);
  io.out(`  ${proofPath}, ${genPath}`);
  return 0;
}
