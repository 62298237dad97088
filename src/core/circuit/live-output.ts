// A graph output's claim on its live values only. The verifier knows an output's live values
// (they are public) but not its padding, which the producing op's forward may fill with nonzero
// values (an add of a broadcast constant, a select whose broadcast mask reaches padded rows).
// Claiming z̃(r) of the zero-padded public values would then reject an honest proof. Instead both
// sides run Σ_x eq(r, x)·live(x)·z(x) = z̃_pub(r) (one degree-3 sumcheck), which binds z on live
// positions and leaves a claim on z at the final point. Outputs with no padding keep the direct
// claim (the two coincide there).
import type { Ext } from "../field/index.ts";
import { EXT_ONE, extEquals, extMul } from "../field/index.ts";
import { eqEval, eqTable, evaluateMle, liveSelector } from "../poly/index.ts";
import { proveProduct, verifySumcheck } from "../sumcheck/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { splitPoint } from "./claims.ts";
import type { Claim } from "./claims.ts";
import type { PlanTensor } from "./plan.ts";
import { StreamRejection, type StreamReader, type StreamWriter } from "./stream.ts";
import { padInts, paddedSize, toField } from "./values.ts";

export const OUTPUT_LIVE_LABEL = "zkml/output-live";

/** Does the tensor's padded layout have positions outside its shape? */
export function hasPadding(t: Pick<PlanTensor, "shape" | "logDims">): boolean {
  return paddedSize(t.logDims) !== t.shape.reduce((a, b) => a * b, 1);
}

function liveAt(t: Pick<PlanTensor, "shape" | "logDims">, point: Uint32Array): Ext {
  const parts = splitPoint(point, t.logDims);
  return t.shape.reduce<Ext>((acc, n, d) => extMul(acc, liveSelector(n, parts[d]!)), EXT_ONE.slice());
}

/** Prover: `values` are the output's padded field values (its padding as the forward filled it). */
export function proveLiveOutput(tr: Transcript, w: StreamWriter, t: PlanTensor, r: Uint32Array, values: Uint32Array): Claim {
  const live = toField(padInts(new Uint8Array(t.shape.reduce((a, b) => a * b, 1)).fill(1), t.shape, t.logDims));
  const sc = proveProduct(tr, [{ data: eqTable(r), ext: true }, { data: live, ext: false }, { data: values, ext: false }]);
  for (const round of sc.proof.rounds) w.words(round);
  w.send(tr, OUTPUT_LIVE_LABEL, [sc.evals[2]!]);
  return { point: sc.point, value: sc.evals[2]! };
}

/** Verifier: `publicValues` are the output's live integers. */
export function verifyLiveOutput(tr: Transcript, rd: StreamReader, t: PlanTensor, r: Uint32Array, publicValues: ArrayLike<number>): Claim {
  const target = evaluateMle(toField(padInts(publicValues, t.shape, t.logDims)), false, r);
  const rounds = Array.from({ length: t.nVars }, () => rd.words(12, `output ${t.name} live rounds`).slice());
  const v = verifySumcheck(tr, target, { rounds }, t.nVars, 3);
  if (!v.ok) throw new StreamRejection(`output ${t.name}: live-value sumcheck fails at round ${v.round}: ${v.reason}`);
  const [zv] = rd.recv(tr, OUTPUT_LIVE_LABEL, 1, `output ${t.name} value`);
  if (!extEquals(extMul(extMul(eqEval(r, v.point), liveAt(t, v.point)), zv!), v.claim)) throw new StreamRejection(`the proof does not match the public output ${t.name}`);
  return { point: v.point, value: zv! };
}
