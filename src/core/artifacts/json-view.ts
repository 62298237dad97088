// JSON views of a VK and a proof (`zkml show --json`): what the file holds, its digest, sizes
// and version, and what a proof under it proves.
import type { GraphSpec } from "../circuit/index.ts";
import { securityBits } from "../pcs/index.ts";
import { hex } from "./hex.ts";
import { INTEGRITY_NOTE } from "./output.ts";
import type { ProofFile } from "./proof-file.ts";
import { VK_VERSION, type ParsedVk } from "./vk.ts";
import { PROOF_VERSION } from "./proof-file.ts";

const typeOf = (g: GraphSpec, n: string) => {
  const t = g.tensors[n]!;
  return { name: n, ...(t.onnx ? { onnx: t.onnx } : {}), shape: t.shape, k: t.k, bits: t.bits, signed: t.signed };
};

export function vkJson(p: ParsedVk, sizeBytes: number): Record<string, unknown> {
  const { graph, model, setupProof } = p.vk;
  const ops: Record<string, number> = {};
  for (const o of graph.ops) ops[o.kind] = (ops[o.kind] ?? 0) + 1;
  return {
    kind: "verifying key",
    version: VK_VERSION,
    proof: INTEGRITY_NOTE,
    digest: hex(p.digest),
    sizeBytes,
    inputs: graph.inputs.map((n) => typeOf(graph, n)),
    outputs: graph.outputs.map((n) => typeOf(graph, n)),
    ops,
    tables: Object.entries(graph.tables).map(([id, t]) => ({ id, fn: t.fn, rows: t.values.length })),
    model: {
      root: hex(model.root),
      tensors: model.map.segments.length,
      committedEntries: 2 ** model.map.logN,
      pcs: { ...model.params, securityBits: Number(securityBits(model.params).toFixed(1)) },
    },
    setupProofBytes: setupProof.length,
  };
}

export function proofJson(p: ProofFile, sizeBytes: number): Record<string, unknown> {
  return {
    kind: "proof",
    version: PROOF_VERSION,
    proof: INTEGRITY_NOTE,
    vkDigest: hex(p.vkDigest),
    sizeBytes,
    bodyWords: p.body.length,
    witnessRoot: hex(p.witnessRoot),
    witnessOpeningBytes: p.witnessOpening.length,
    modelOpeningBytes: p.modelOpening.length,
  };
}
