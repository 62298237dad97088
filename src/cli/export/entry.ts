// The exported verifier's entry (bundled into one dependency-free ES module by
// `zkml export-verifier`): the same verifier code the CLI runs, nothing from the IDE.
import { INTEGRITY_NOTE, readVk, vkJson } from "../../core/artifacts/index.ts";
import { verifyFiles } from "../../core/verifier/files.ts";

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
  try {
    const out = output instanceof ArrayBuffer ? new Uint8Array(output) : output;
    const r = verifyFiles(bytes(vk), bytes(input), out, bytes(proof));
    return r.ok ? { ok: true, proves, ...(r.vkDigest ? { vkDigest: r.vkDigest } : {}) } : { ok: false, reason: r.reason, proves, ...(r.vkDigest ? { vkDigest: r.vkDigest } : {}) };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e), proves };
  }
}

/** What a verifying key holds (digest, model commitment, inputs and outputs). Throws on a malformed key. */
export function describeVk(vk: Bytes): Record<string, unknown> {
  const b = bytes(vk);
  return vkJson(readVk(b), b.length);
}
