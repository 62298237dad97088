// The proof file (PROTOCOL.md §7): magic, version, the VK digest it was made for, then the body
// (the prover's field messages), the witness root and both openings as length-prefixed
// sections. Every length is bounded by what the VK's plan allows before anything is allocated.
import type { ProofPlan } from "../circuit/index.ts";
import { lookupBatches, useShapes, witnessLayout } from "../circuit/protocol.ts";
import { gkrWords } from "../circuit/setup-layout.ts";
import { layoutUses } from "../lookup/index.ts";
import { maxOpeningBytes, type PcsParams } from "../pcs/index.ts";
import { SectionReader, SectionWriter } from "./sections.ts";

export const PROOF_MAGIC = "zkml-pf\n";
// 2: every lookup instance in one batched GKR (v1 proved them one after another).
// 3: the layers on a transcript forked from the lookups' after the witness root (v2: one transcript).
export const PROOF_VERSION = 3;

export interface ProofFile {
  vkDigest: Uint8Array;
  body: Uint32Array;
  witnessRoot: Uint8Array;
  witnessOpening: Uint8Array;
  modelOpening: Uint8Array;
}

export interface ProofBounds {
  bodyWords: number;
  witnessOpeningBytes: number;
  modelOpeningBytes: number;
}

/**
 * Upper bounds from the plan: every op reduces its claim with at most four sumchecks of degree
 * ≤ 4 over at most V variables, every tensor's claims merge once, every lookup sends its two
 * fraction trees and column values. Generous, but fixed by the VK alone.
 */
export function proofBounds(plan: ProofPlan, model: PcsParams): ProofBounds {
  const tensors = Object.values(plan.tensors);
  const V = Math.max(1, ...tensors.map((t) => t.nVars));
  // Plus each output's live-value sumcheck (degree 3) and end value.
  let words = plan.graph.ops.length * (4 * V * 5 * 4 + 64) + tensors.length * (8 * V + 8) + plan.graph.outputs.length * (12 * V + 4);
  let columnClaims = 0;
  for (const batch of lookupBatches(plan)) {
    const trees: number[] = [];
    for (const l of batch.map((i) => plan.lookups[i]!)) {
      const table = plan.tables[l.table]!;
      trees.push(layoutUses(useShapes(plan, l)).n, table.logRows);
      words += 4 * table.columns.length * l.uses.length + 4;
      columnClaims += table.columns.length * l.uses.length + 1;
    }
    words += gkrWords(trees);
  }
  const claims = 4 * (tensors.length + plan.graph.ops.length) + columnClaims + 8;
  return {
    bodyWords: words,
    witnessOpeningBytes: maxOpeningBytes(witnessLayout(plan).params, claims),
    modelOpeningBytes: maxOpeningBytes(model, claims, false),
  };
}

export function writeProofFile(p: ProofFile): Uint8Array {
  return new SectionWriter(PROOF_MAGIC, PROOF_VERSION)
    .section((w) => w.raw(p.vkDigest))
    .section((w) => w.fieldVec(p.body))
    .section((w) => w.raw(p.witnessRoot))
    .section((w) => w.raw(p.witnessOpening))
    .section((w) => w.raw(p.modelOpening))
    .finish();
}

/** The VK digest a proof names, read before anything else (to report a proof for another VK). */
export function readProofDigest(bytes: Uint8Array): Uint8Array {
  const r = new SectionReader(bytes, PROOF_MAGIC, PROOF_VERSION, "proof");
  return r.section("VK digest", 32, (x) => x.raw(32, "VK digest"));
}

export function readProofFile(bytes: Uint8Array, bounds: ProofBounds): ProofFile {
  const r = new SectionReader(bytes, PROOF_MAGIC, PROOF_VERSION, "proof");
  const vkDigest = r.section("VK digest", 32, (x) => x.raw(32, "VK digest"));
  const body = r.section("body", 4 + 4 * bounds.bodyWords, (x) => x.fieldVec("proof body", bounds.bodyWords));
  const witnessRoot = r.section("witness root", 32, (x) => x.raw(32, "witness root"));
  const witnessOpening = r.section("witness opening", bounds.witnessOpeningBytes, (x, b) => x.raw(b.length, "witness opening"));
  const modelOpening = r.section("model opening", bounds.modelOpeningBytes, (x, b) => x.raw(b.length, "model opening"));
  r.end();
  return { vkDigest, body, witnessRoot, witnessOpening, modelOpening };
}
