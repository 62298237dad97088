// Verifying a generated text (issue 8): the VK, the prompt, the text and the generation proof.
// The verifier rebuilds the proved window (prompt + text, then zeros) itself, checks that every
// text token is the argmax of the proved logits at the position before it, and verifies the
// proof of the forward pass with that window as input and those logits as output. Never throws.
import { hex, INTEGRITY_NOTE, proofBounds, readGenerationFile, readProofDigest, readProofFile } from "../artifacts/index.ts";
import { generationProblem, languageModelOf, windowIds } from "../generation/check.ts";
import { checkVk, type FilesVerdict } from "./files.ts";
import { verify } from "./verify.ts";

const bytesOf = (s: string | Uint8Array) => (typeof s === "string" ? new TextEncoder().encode(s) : s);

export function verifyGenerationFiles(vkBytes: Uint8Array, prompt: string | Uint8Array, text: string | Uint8Array, proofBytes: Uint8Array): FilesVerdict {
  const proves = `${INTEGRITY_NOTE}; the text is the model's greedy continuation of the prompt`;
  const v = checkVk(vkBytes);
  if (!v.ok) return { ok: false, reason: v.reason, proves };
  const { parsed, plan } = v.vk;
  const vkDigest = hex(parsed.digest);
  try {
    const lm = languageModelOf(plan.graph);
    const bounds = proofBounds(plan, parsed.vk.model.params);
    const file = readGenerationFile(proofBytes, lm.context * lm.vocab, 4 * bounds.bodyWords + bounds.witnessOpeningBytes + bounds.modelOpeningBytes + 4096);
    if (hex(readProofDigest(file.proof)) !== vkDigest) return { ok: false, reason: "the proof was made for another verifying key", proves, vkDigest };
    const p = [...bytesOf(prompt)], t = [...bytesOf(text)];
    const ids = windowIds([...p, ...t].slice(0, lm.context), lm.context);
    const problem = generationProblem(lm, p, t, ids, file.logits);
    if (problem) return { ok: false, reason: problem, proves, vkDigest };
    const proof = readProofFile(file.proof, bounds);
    const r = verify({ plan, vkDigest: parsed.digest, model: parsed.vk.model, inputs: { [lm.ids]: ids }, outputs: { [lm.logits]: file.logits }, proof });
    return { ...r, proves, vkDigest };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e), proves, vkDigest };
  }
}
