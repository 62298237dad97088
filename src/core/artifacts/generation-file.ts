// The file of a generation proof (issue 8): the proved logits (the statement's public output,
// from which the verifier re-derives every generated token) and the proof file itself. The
// prompt and the text are not in it: the verifier is given them and checks them against the
// logits. Sizes are bounded by the VK (context × vocabulary logits; the proof's own bounds).
import { ArtifactError } from "./errors.ts";
import { SectionReader, SectionWriter } from "./sections.ts";

export const GENERATION_MAGIC = "zkml-gp\n";
export const GENERATION_VERSION = 1;

export interface GenerationFile {
  logits: Int32Array;
  proof: Uint8Array;
}

export function writeGenerationFile(g: GenerationFile): Uint8Array {
  const bytes = new Uint8Array(4 * g.logits.length);
  const view = new DataView(bytes.buffer);
  g.logits.forEach((v, i) => view.setInt32(4 * i, v, true));
  return new SectionWriter(GENERATION_MAGIC, GENERATION_VERSION)
    .section((w) => w.raw(bytes))
    .section((w) => w.raw(g.proof))
    .finish();
}

/** Reads a generation proof; `logitCount` and `maxProofBytes` come from the VK. */
export function readGenerationFile(bytes: Uint8Array, logitCount: number, maxProofBytes: number): GenerationFile {
  const r = new SectionReader(bytes, GENERATION_MAGIC, GENERATION_VERSION, "generation proof");
  const logits = r.section("logits", 4 * logitCount, (inner, raw) => {
    if (raw.length !== 4 * logitCount) throw new ArtifactError(`generation proof: ${raw.length / 4} logits, the model has ${logitCount}`);
    inner.raw(raw.length, "logits");
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Int32Array.from({ length: logitCount }, (_, i) => view.getInt32(4 * i, true));
  });
  const proof = r.viewSection("proof", maxProofBytes).bytes;
  r.end();
  return { logits, proof };
}
