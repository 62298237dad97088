import { parseArgs } from "node:util";
import {
  hex, INTEGRITY_NOTE, PK_MAGIC, PROOF_MAGIC, proofJson, readProofFile, readVk, VK_MAGIC, vkJson, ArtifactError, readPk,
} from "../../core/artifacts/index.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.show;

const startsWith = (b: Uint8Array, magic: string) => new TextEncoder().encode(magic).every((c, i) => b[i] === c);

function describe(bytes: Uint8Array): Record<string, unknown> {
  if (startsWith(bytes, VK_MAGIC)) return vkJson(readVk(bytes), bytes.length);
  // Without its VK a proof is bounded by its own size only (nothing is allocated beyond it).
  if (startsWith(bytes, PROOF_MAGIC)) return proofJson(readProofFile(bytes, { bodyWords: bytes.length / 4, witnessOpeningBytes: bytes.length, modelOpeningBytes: bytes.length }), bytes.length);
  if (startsWith(bytes, PK_MAGIC)) {
    const pk = readPk(bytes);
    return { kind: "proving key", proof: INTEGRITY_NOTE, vkDigest: hex(pk.vkDigest), modelHash: hex(pk.modelHash), sizeBytes: bytes.length, modelRoot: hex(pk.commitment.root), weightTensors: Object.keys(pk.consts).length, encodedWords: pk.commitment.columns?.length ?? 0, encodedModel: pk.commitment.columns ? "kept (proofs never re-encode the weights)" : "not kept (each proof encodes the weights again)" };
  }
  throw new ArtifactError("not a zkml verifying key, proof or proving key (unknown magic bytes)");
}

function lines(o: Record<string, unknown>, indent = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? [`${indent}${k}:`, ...lines(v as Record<string, unknown>, indent + "  ")] : [`${indent}${k}: ${Array.isArray(v) ? JSON.stringify(v) : String(v)}`]);
}

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: "boolean" } }, allowPositionals: true });
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new CliError(`usage: ${usage}`, 2);
  const info = describe(readInput(path, "file"));
  if (values.json) io.out(JSON.stringify(info));
  else for (const l of lines(info)) io.out(l);
  return 0;
}
