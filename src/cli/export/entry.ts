// The exported verifier's entry (bundled into one dependency-free ES module by
// `zkml export-verifier`): the same verifier code the CLI runs, nothing from the IDE.
import { INTEGRITY_NOTE, readVk, vkJson } from "../../core/artifacts/index.ts";
import { verifyFiles, type FilesVerdict } from "../../core/verifier/files.ts";
import { verifyGenerationFiles } from "../../core/verifier/generation.ts";

/** What an accepted proof shows (v1: integrity, not secrecy). */
export const proves = INTEGRITY_NOTE;

export interface Result {
  ok: boolean;
  reason?: string;
  proves: string;
  vkDigest?: string;
}

type Bytes = Uint8Array | ArrayBuffer;
const bytes = (b: Bytes): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/**
 * Checks proof.bin against vk.bin, the input TensorProto and output.json (bytes, text or the
 * parsed object). Returns { ok: true } or { ok: false, reason }; never throws.
 */
export function verify(vk: Bytes, input: Bytes, output: Bytes | string | object, proof: Bytes): Result {
  return result(() => verifyFiles(bytes(vk), bytes(input), output instanceof ArrayBuffer ? new Uint8Array(output) : output, bytes(proof)));
}

/**
 * Checks a generation proof (zkml prove-generation): that `text` is the model's greedy
 * continuation of `prompt` (strings are UTF-8 bytes, one token per byte). Never throws.
 */
export function verifyGeneration(vk: Bytes, prompt: string | Bytes, text: string | Bytes, proof: Bytes): Result {
  const asBytes = (s: string | Bytes) => (typeof s === "string" ? s : bytes(s));
  return result(() => verifyGenerationFiles(bytes(vk), asBytes(prompt), asBytes(text), bytes(proof)));
}

function result(run: () => FilesVerdict): Result {
  try {
    const r = run();
    const digest = r.vkDigest ? { vkDigest: r.vkDigest } : {};
    return r.ok ? { ok: true, proves: r.proves, ...digest } : { ok: false, reason: r.reason, proves: r.proves, ...digest };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e), proves };
  }
}

/** What a verifying key holds (digest, model commitment, inputs and outputs). Throws on a malformed key. */
export function describeVk(vk: Bytes): Record<string, unknown> {
  const b = bytes(vk);
  return vkJson(readVk(b), b.length);
}
