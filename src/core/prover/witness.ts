// Every tensor's values in the proof layout (padded, integers), computed over the whole padded
// hypercube by the same formulas the verifier's identities imply. Committed and public tensors
// are zero on padding; virtual ones are whatever their formula gives there (e.g. a broadcast
// bias). Each op's live region is checked against the integer evaluator, so a proof and
// `zkml run --plan` can never disagree silently.
import { type ProofPlan, type PlanTensor, CircuitError, liveBlocks, padInts } from "../circuit/index.ts";
import type { QOp } from "../quant/qgraph.ts";
import { proverGadget } from "./gadgets/index.ts";

export type Values = Map<string, Float64Array>;

function checkLive(op: QOp, out: PlanTensor, padded: Float64Array, ref: Int32Array): void {
  const { starts, positions, rows, len, stride } = liveBlocks(out.shape, out.logDims);
  for (let b = 0; b < starts.length; b++) {
    for (let r = 0; r < rows; r++) {
      const i = starts[b]! + r * len, pos = positions[b]! + r * stride;
      for (let j = 0; j < len; j++) {
        if (padded[pos + j] !== ref[i + j]) throw new CircuitError(`${op.source}: prover and integer evaluator disagree on ${op.output}[${i + j}] (${padded[pos + j]} vs ${ref[i + j]}); this is a bug, please report it`, op.source);
      }
    }
  }
}

/** Model tensors in the padded layout, per model data object: made once for every proof with it. */
const paddedModels = new WeakMap<object, Map<string, Float64Array>>();

/**
 * Values whose model tensors are padded when first read: the gadgets read biases, embedding
 * tables and constants, never a conv's or a dense layer's weights (their field form is a slice
 * of the model matrix), and vgg16's weights padded as numbers would be 268 MB.
 */
class LazyModelValues extends Map<string, Float64Array> {
  constructor(private readonly model: (name: string) => Float64Array | undefined) {
    super();
  }
  override get(name: string): Float64Array | undefined {
    let v = super.get(name);
    if (v === undefined && (v = this.model(name)) !== undefined) super.set(name, v);
    return v;
  }
}

/** The values a proof starts from: the padded inputs, and the model tensors when first read. */
export function initialValues(plan: ProofPlan, consts: Readonly<Record<string, Int32Array>>, inputs: Readonly<Record<string, Int32Array>>): Values {
  const T = plan.tensors;
  for (const name of plan.model) if (!consts[name]) throw new CircuitError(`model tensor ${name} has no data; re-run setup`);
  const padded = paddedModels.get(consts) ?? new Map<string, Float64Array>();
  paddedModels.set(consts, padded);
  const values: Values = new LazyModelValues((name) => {
    if (T[name]?.kind !== "model") return undefined;
    let v = padded.get(name);
    if (!v) padded.set(name, (v = padInts(consts[name]!, T[name]!.shape, T[name]!.logDims)));
    return v;
  });
  for (const name of plan.graph.inputs) values.set(name, padInts(inputs[name]!, T[name]!.shape, T[name]!.logDims));
  return values;
}

/**
 * Every op's values into `values`, in graph order; `done(name)` is told each tensor as it is set
 * (final from then on: the prover commits it while the rest is computed).
 */
export function computeValues(plan: ProofPlan, values: Values, reference: ReadonlyMap<string, Int32Array>, done?: (name: string) => void): Values {
  for (let i = 0; i < plan.graph.ops.length; i++) computeOp(plan, values, reference, i, done);
  return values;
}

function computeOp(plan: ProofPlan, values: Values, reference: ReadonlyMap<string, Int32Array>, i: number, done?: (name: string) => void): void {
  const op = plan.graph.ops[i]!, out = plan.tensors[op.output]!;
  const ref = reference.get(op.output);
  if (!ref) throw new CircuitError(`${op.source}: the integer evaluator produced no ${op.output}`, op.source);
  // A public output of a claim-reducing op keeps the padding its forward fills (its claims are
  // reduced through that op; the verifier checks its live values alone, circuit/live-output.ts).
  if (out.kind === "witness" || (out.kind === "output" && !proverGadget(op)?.forward)) {
    // Committed or checked by a gadget: the gadget's witness, or the live values with zero padding.
    const witness = proverGadget(op)?.witness;
    if (!witness) {
      setValue(values, op.output, padInts(ref, out.shape, out.logDims), done);
      return;
    }
    const made = witness({ plan, values }, i, op, ref);
    checkLive(op, out, made.get(op.output)!, ref);
    for (const [name, v] of made) setValue(values, name, v, done);
    return;
  }
  const forward = proverGadget(op)?.forward;
  if (!forward) throw new CircuitError(`${op.source}: no prover for ${op.kind}`, op.source);
  const padded = forward({ plan, values }, op, ref);
  checkLive(op, out, padded, ref);
  setValue(values, op.output, padded, done);
}

function setValue(values: Values, name: string, v: Float64Array, done?: (name: string) => void): void {
  values.set(name, v);
  done?.(name);
}
