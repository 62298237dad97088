// Generate a text with a byte-level language model and prove the whole sequence in one proof
// (issue 8), in the prove worker: greedy decoding with the integer evaluator (each token reported
// as it is produced), then one proof of the forward pass over the window, then the exported
// verifier's own check of the prompt, the text and the proof.
import { writeGenerationFile } from "../../src/core/artifacts/index.ts";
import { greedyGenerate, languageModelOf } from "../../src/core/generation/index.ts";
import { proveWithKey } from "../../src/core/prover/keys.ts";
import { verifyGenerationFiles } from "../../src/core/verifier/generation.ts";
import { persistAfter, prepare, proverPool, proverProgress, witnessElements, type ProveProgress, type Verdict } from "./prove-run.ts";

export interface GenerationResult {
  prompt: string;
  text: string;
  tokens: number[];
  /** The generation proof file (logits + proof) and the VK it verifies against. */
  proof: Uint8Array;
  vk: Uint8Array;
  times: { generateMs: number; proveMs: number; verifyMs: number };
  verdict: Verdict;
  witnessElements: number;
}

export async function generateRun(bytes: Uint8Array, planText: string, prompt: string, count: number, onToken: (text: string) => void, onProgress: (p: ProveProgress) => void): Promise<GenerationResult> {
  const t0 = performance.now();
  const p = await prepare(bytes, planText, onProgress, t0);
  const lm = languageModelOf(p.loaded.plan.graph);
  const promptBytes = [...new TextEncoder().encode(prompt)];
  const g0 = performance.now();
  const decoder = new TextDecoder();
  const generated: number[] = [];
  const gen = greedyGenerate(p.loaded.qgraph, promptBytes, count, (t) => {
    generated.push(t);
    onToken(decoder.decode(Uint8Array.from(generated)));
  });
  const generateMs = performance.now() - g0;
  onProgress({ stage: "prove", detail: `the forward pass over all ${promptBytes.length + count} positions, in one proof`, fraction: 0.3, elapsedMs: performance.now() - t0 });
  const r = proveWithKey(p.loaded, { [lm.ids]: gen.ids }, {
    workers: proverPool(),
    onProgress: proverProgress(onProgress, t0, 0.3, 0.6),
  });
  const proof = writeGenerationFile({ logits: r.outputs[lm.logits]!, proof: r.proof });
  onProgress({ stage: "verify", detail: "checking the text against the proof", fraction: 0.92, elapsedMs: performance.now() - t0 });
  const v0 = performance.now();
  const v = verifyGenerationFiles(p.vk, Uint8Array.from(promptBytes), Uint8Array.from(gen.generated), proof);
  const verifyMs = performance.now() - v0;
  onProgress({ stage: "verify", detail: v.ok ? "accepted" : "rejected", fraction: 1, elapsedMs: performance.now() - t0 });
  persistAfter(p);
  return {
    prompt, text: decoder.decode(Uint8Array.from(gen.generated)), tokens: gen.generated, proof, vk: p.vk,
    times: { generateMs, proveMs: r.proveMs, verifyMs }, verdict: v.ok ? { ok: true } : { ok: false, reason: v.reason },
    witnessElements: witnessElements(p.loaded.plan),
  };
}
