// Setup's commitment to the model: every weight, bias and constant tensor as one segment of
// one commitment, made once; proofs open it without re-encoding the weights.
import { type ProofPlan, padInts, toField, CircuitError } from "../circuit/index.ts";
import { modelLayout } from "../circuit/setup-layout.ts";
import { chooseParams, commit, packSegments, type ParamOptions } from "../pcs/index.ts";
import type { ModelCommitment } from "./prove.ts";

export function commitModel(plan: ProofPlan, consts: Readonly<Record<string, Int32Array>>, params: ParamOptions = {}): ModelCommitment {
  const map = modelLayout(plan);
  const values = map.segments.map(({ name: n }) => {
    const c = consts[n];
    if (!c) throw new CircuitError(`model tensor ${n} has no data`);
    const t = plan.tensors[n]!;
    return toField(padInts(c, t.shape, t.logDims));
  });
  // Proofs open the model with the evaluation row alone (the setup proof tests proximity once).
  return { map, data: commit(chooseParams(map.logN, { openingRows: 1, ...params }), packSegments(map, values)) };
}
