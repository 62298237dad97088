// Setup's commitment to the model: every weight, bias and constant tensor as one segment of
// one commitment, made once; proofs open it without re-encoding the weights.
import { type ProofPlan, padInts, toField, paddedSize, CircuitError } from "../circuit/index.ts";
import { chooseParams, commit, layoutSegments, packSegments } from "../pcs/index.ts";
import type { ModelCommitment } from "./prove.ts";

export function commitModel(plan: ProofPlan, consts: Readonly<Record<string, Int32Array>>): ModelCommitment {
  const names = plan.model;
  const map = layoutSegments(names.map((n) => ({ name: n, length: paddedSize(plan.tensors[n]!.logDims) })), 1);
  const values = names.map((n) => {
    const c = consts[n];
    if (!c) throw new CircuitError(`model tensor ${n} has no data`);
    const t = plan.tensors[n]!;
    return toField(padInts(c, t.shape, t.logDims));
  });
  return { map, data: commit(chooseParams(map.logN), packSegments(map, values)) };
}
