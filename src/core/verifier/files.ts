// Verification from the files a user holds: vk.bin, the input TensorProto, output.json and
// proof.bin. This is what the CLI and the exported verifier run. Every failure — a malformed
// file, a VK whose setup proof fails, a proof for another VK, a false proof — is a rejection with
// a reason; nothing throws.
import { compilePlan, type ProofPlan } from "../circuit/index.ts";
import {
  ArtifactError, decodeTensorProto, hex, INTEGRITY_NOTE, parseOutput, proofBounds, publicInputs, readProofDigest, readProofFile, readVk, vkDigest, type ParsedVk,
} from "../artifacts/index.ts";
import { verifySetup } from "./setup-proof.ts";
import { verify, type Verdict } from "./verify.ts";

export interface CheckedVk {
  parsed: ParsedVk;
  plan: ProofPlan;
}

/** VKs whose setup proof already passed in this process, by digest (checked once per VK). */
const checkedVks = new Map<string, CheckedVk>();
const MAX_CACHED = 16;

/** Forgets every checked VK (benchmarks time the first check again). */
export function forgetCheckedVks(): void {
  checkedVks.clear();
}

export type VkVerdict = { ok: true; vk: CheckedVk } | { ok: false; reason: string };

/** Parses a VK, compiles its plan and checks its setup proof (cached by digest). Never throws. */
export function checkVk(vkBytes: Uint8Array): VkVerdict {
  try {
    // The digest hashes every byte of the VK: a hit is these very bytes, already parsed and checked.
    const cached = checkedVks.get(hex(vkDigest(vkBytes)));
    if (cached) return { ok: true, vk: cached };
    const parsed = readVk(vkBytes);
    const key = hex(parsed.digest);
    let plan: ProofPlan;
    try {
      plan = compilePlan(parsed.vk.graph);
    } catch (e) {
      return { ok: false, reason: `the verifying key's graph cannot be proved by this verifier: ${e instanceof Error ? e.message : String(e)}` };
    }
    const s = verifySetup(plan, parsed.vk.model, parsed.statement, parsed.vk.setupProof);
    if (!s.ok) return { ok: false, reason: `the verifying key's setup proof fails: ${s.reason}` };
    if (checkedVks.size >= MAX_CACHED) checkedVks.delete(checkedVks.keys().next().value!);
    const vk = { parsed, plan };
    checkedVks.set(key, vk);
    return { ok: true, vk };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

export type FilesVerdict = (Verdict & { proves: string }) & { vkDigest?: string };

/**
 * Verifies proof.bin against vk.bin, the public input (a TensorProto's bytes) and output.json
 * (bytes, text or the parsed object). Never throws.
 */
export function verifyFiles(vkBytes: Uint8Array, inputBytes: Uint8Array, output: Uint8Array | string | object, proofBytes: Uint8Array): FilesVerdict {
  const proves = INTEGRITY_NOTE;
  const v = checkVk(vkBytes);
  if (!v.ok) return { ok: false, reason: v.reason, proves };
  const { parsed, plan } = v.vk;
  const digest = parsed.digest;
  const vkDigest = hex(digest);
  try {
    const named = readProofDigest(proofBytes);
    if (hex(named) !== vkDigest) return { ok: false, reason: `the proof was made for another verifying key (${hex(named).slice(0, 16)}…, this one is ${vkDigest.slice(0, 16)}…)`, proves, vkDigest };
    const proof = readProofFile(proofBytes, proofBounds(plan, parsed.vk.model.params));
    const inputs = publicInputs(parsed.vk.graph, [decodeTensorProto(inputBytes)]);
    const outputs = parseOutput(output, parsed.vk.graph, digest);
    const r = verify({ plan, vkDigest: digest, model: parsed.vk.model, inputs, outputs, proof });
    return { ...r, proves, vkDigest };
  } catch (e) {
    return { ok: false, reason: e instanceof ArtifactError || e instanceof Error ? e.message : String(e), proves, vkDigest };
  }
}
