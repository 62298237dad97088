// Every tensor's values in the proof layout (padded, integers), computed over the whole padded
// hypercube by the same formulas the verifier's identities imply. Committed and public tensors
// are zero on padding; virtual ones are whatever their formula gives there (e.g. a broadcast
// bias). The live region is checked against the integer evaluator, so the proof and
// `zkml run --plan` can never disagree silently.
import type { ProofPlan, PlanTensor } from "../circuit/index.ts";
import { CircuitError, padInts, paddedSize, unpadInts } from "../circuit/index.ts";
import type { QOp } from "../quant/qgraph.ts";

export type Values = Map<string, Float64Array>;

function broadcastIndex(out: PlanTensor, inp: PlanTensor): Int32Array {
  // Maps every padded output position to the padded input position it reads (numpy broadcast).
  const size = paddedSize(out.logDims);
  const map = new Int32Array(size);
  const shift = out.shape.length - inp.shape.length;
  const dims = out.shape.length;
  for (let pos = 0; pos < size; pos++) {
    let rest = pos, ipos = 0, stride = 1;
    for (let d = dims - 1; d >= 0; d--) {
      const w = 2 ** out.logDims[d]!;
      const c = rest % w;
      rest = Math.floor(rest / w);
      const id = d - shift;
      if (id >= 0) {
        const keep = inp.shape[id] === out.shape[d];
        ipos += (keep ? c : 0) * stride;
        stride *= 2 ** inp.logDims[id]!;
      }
    }
    map[pos] = ipos;
  }
  return map;
}

function forward(plan: ProofPlan, op: QOp, v: Values): Float64Array {
  const T = plan.tensors;
  const out = T[op.output]!;
  switch (op.kind) {
    case "linear": {
      const x = T[op.inputs[0]!]!, w = T[op.inputs[1]!]!;
      const xv = v.get(x.name)!, wv = v.get(w.name)!, bv = op.inputs[2] ? v.get(op.inputs[2])! : undefined;
      const kPad = 2 ** x.logDims[x.logDims.length - 1]!, nPad = 2 ** w.logDims[0]!;
      const mPad = xv.length / kPad;
      const acc = new Float64Array(mPad * nPad);
      for (let m = 0; m < mPad; m++) {
        for (let n = 0; n < nPad; n++) {
          let s = bv ? bv[n]! : 0;
          for (let k = 0; k < kPad; k++) s += xv[m * kPad + k]! * wv[n * kPad + k]!;
          acc[m * nPad + n] = s;
        }
      }
      return acc;
    }
    case "add": {
      const acc = new Float64Array(paddedSize(out.logDims));
      op.inputs.forEach((name, i) => {
        const inp = T[name]!, iv = v.get(name)!, map = broadcastIndex(out, inp), c = op.coeffs[i]!;
        for (let p = 0; p < acc.length; p++) acc[p]! += c * iv[map[p]!]!;
      });
      return acc;
    }
    case "indexmap":
      return v.get(op.inputs[0]!)!.slice();
    default:
      throw new CircuitError(`${op.source}: no prover forward for ${op.kind}`, op.source);
  }
}

/**
 * Computes the padded values of every tensor from the public input and the model data, checking
 * each op's live output against `reference` (the integer evaluator's tensors).
 */
export function computeValues(plan: ProofPlan, consts: Readonly<Record<string, Int32Array>>, inputs: Readonly<Record<string, Int32Array>>, reference: ReadonlyMap<string, Int32Array>): Values {
  const v: Values = new Map();
  const T = plan.tensors;
  for (const name of plan.graph.inputs) v.set(name, padInts(inputs[name]!, T[name]!.shape, T[name]!.logDims));
  for (const name of plan.model) {
    const c = consts[name];
    if (!c) throw new CircuitError(`model tensor ${name} has no data; re-run setup`);
    v.set(name, padInts(c, T[name]!.shape, T[name]!.logDims));
  }
  const requantOf = new Map(plan.requants.map((r) => [r.op, r]));
  plan.graph.ops.forEach((op, i) => {
    const out = T[op.output]!;
    const ref = reference.get(op.output);
    if (!ref) throw new CircuitError(`${op.source}: the integer evaluator produced no ${op.output}`, op.source);
    let padded: Float64Array;
    if (op.kind === "requant") {
      const acc = v.get(op.inputs[0]!)!;
      const rp = requantOf.get(i)!;
      const q = new Float64Array(acc.length), r = new Float64Array(acc.length);
      for (let p = 0; p < acc.length; p++) {
        const num = acc[p]! * op.M + (op.s > 0 ? 2 ** (op.s - 1) : 0);
        q[p] = Math.floor(num / 2 ** op.s);
        r[p] = num - q[p]! * 2 ** op.s;
      }
      v.set(rp.q, q);
      if (rp.r) v.set(rp.r, r);
      padded = padInts(ref, out.shape, out.logDims);
    } else if (op.kind === "lookup") {
      padded = padInts(ref, out.shape, out.logDims);
    } else {
      padded = forward(plan, op, v);
      const live = unpadInts(padded, out.shape, out.logDims);
      for (let j = 0; j < live.length; j++) {
        if (live[j] !== ref[j]) throw new CircuitError(`${op.source}: prover and integer evaluator disagree on ${op.output}[${j}] (${live[j]} vs ${ref[j]}); this is a bug, please report it`, op.source);
      }
    }
    v.set(op.output, padded);
  });
  return v;
}
