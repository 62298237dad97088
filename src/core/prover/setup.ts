// Setup's commitment to the model: every weight, bias and constant tensor as one segment of
// one commitment, made once; proofs open it without re-encoding the weights (unless its code is
// too large to keep: then each opening encodes them again).
import { type ProofPlan, padInts, CircuitError } from "../circuit/index.ts";
import { modelLayout } from "../circuit/setup-layout.ts";
import { P } from "../field/index.ts";
import { canStream, chooseParams, commit, commitStreamed, type ParamOptions, type SegmentMap } from "../pcs/index.ts";
import { streamsModel } from "../circuit/memory.ts";
import type { ModelCommitment } from "./prove.ts";

/**
 * The model's committed vector: each tensor padded straight into its segment and made a field
 * element there (one pass, no padded copy per tensor: vgg16's is 2^25 entries). `missing` words
 * the error for a tensor without data.
 */
export function modelVector(plan: ProofPlan, consts: Readonly<Record<string, Int32Array>>, missing: (name: string) => string): { map: SegmentMap; vector: Uint32Array } {
  const map = modelLayout(plan);
  const vector = new Uint32Array(2 ** map.logN);
  for (const s of map.segments) {
    const c = consts[s.name], t = plan.tensors[s.name]!;
    if (!c) throw new CircuitError(missing(s.name));
    if (c.length !== t.shape.reduce((a, b) => a * b, 1)) throw new CircuitError(`model tensor ${s.name} has ${c.length} values for its shape [${t.shape.join(", ")}]`);
    signedToField(padInts(c, t.shape, t.logDims, new Int32Array(vector.buffer, 4 * s.offset, 2 ** s.logSize)));
  }
  return { map, vector };
}

/** Signed integers (|v| < p/2) into canonical field elements, in place (branch-free: weight signs are random). */
function signedToField(xs: Int32Array): void {
  for (let i = 0, n = xs.length; i < n; i++) {
    const x = xs[i]!;
    xs[i] = x + (P & (x >> 31));
  }
}

/**
 * `stream`: commit without keeping the code (pk.bin then holds none, and each proof's opening
 * encodes the weights again); default: when the code would crowd kernel memory.
 */
export function commitModel(plan: ProofPlan, consts: Readonly<Record<string, Int32Array>>, params: ParamOptions = {}, stream?: boolean): ModelCommitment & { data: { columns?: Uint32Array } } {
  const { map, vector } = modelVector(plan, consts, (n) => `model tensor ${n} has no data`);
  // Proofs open the model with the evaluation row alone (the setup proof tests proximity once).
  const p = chooseParams(map.logN, { openingRows: 1, ...params });
  const streamed = canStream(p) && (stream ?? streamsModel(plan));
  return { map, data: streamed ? commitStreamed(p, vector) : commit(p, vector) };
}
