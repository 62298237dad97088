// The shapes each op's gadget assumes, checked from the VK alone. A hostile VK whose shapes
// disagree would make the verifier's algebra (points split by the declared layouts) prove
// something other than what the integer evaluator computes; the compiler refuses it instead.
import type { QOp, QTensor } from "../quant/qgraph.ts";

type Shapes = Record<string, Pick<QTensor, "shape">>;

const ARITY: { [K in QOp["kind"]]: [number, number] } = {
  linear: [2, 3], matmul2: [2, 2], requant: [1, 1], lookup: [1, 1], add: [2, 2], mul: [2, 2], select: [2, 2],
  maxpool: [1, 1], sumpool: [1, 1], reducemax: [1, 1], rowsum: [1, 1], indexmap: [1, 64], embed: [2, 2],
};

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const str = (s: readonly number[]) => `[${s.join(", ")}]`;

/** Right-aligned numpy broadcast of `x` into `y`: every dimension equal or 1. */
function broadcasts(x: readonly number[], y: readonly number[]): boolean {
  const shift = y.length - x.length;
  return shift >= 0 && x.every((d, i) => d === 1 || d === y[i + shift]);
}

/** A vector of n values, whatever its rank (only its last dimension may exceed 1). */
const vectorOf = (s: readonly number[], n: number) => s[s.length - 1] === n && s.slice(0, -1).every((d) => d === 1);

/** Why an op has the wrong number of inputs, or null (checked before anything reads them). */
export function arityProblem(op: QOp): string | null {
  const [lo, hi] = ARITY[op.kind];
  return op.inputs.length < lo || op.inputs.length > hi ? `${op.kind} with ${op.inputs.length} inputs` : null;
}

/** Why an op's tensor shapes are not the ones its gadget proves, or null (arity checked first). */
export function opShapeProblem(T: Shapes, op: QOp): string | null {
  const x = T[op.inputs[0]!]!.shape, y = T[op.output]!.shape;
  const second = op.inputs[1] !== undefined ? T[op.inputs[1]]!.shape : [];
  switch (op.kind) {
    case "requant":
    case "lookup":
      return same(x, y) ? null : `${op.kind} from ${str(x)} to ${str(y)}`;
    case "add":
    case "mul":
    case "select":
      if (op.kind === "add" && op.coeffs.length !== op.inputs.length) return `add with ${op.coeffs.length} coefficients for ${op.inputs.length} inputs`;
      return op.inputs.every((n) => broadcasts(T[n]!.shape, y)) ? null : `${op.kind} of ${op.inputs.map((n) => str(T[n]!.shape)).join(" and ")} into ${str(y)}`;
    case "linear": {
      const bias = op.inputs[2] !== undefined ? T[op.inputs[2]]!.shape : undefined;
      if (op.form === "conv") {
        // convProblem checks channels, groups and kernel; the batch and the bias are checked here.
        if (x[0] !== y[0]) return `conv from batch ${x[0]} to ${y[0]}`;
        return bias && !vectorOf(bias, y[1]!) ? `conv bias ${str(bias)} for ${y[1]} channels` : null;
      }
      const [N, K] = second;
      if (second.length !== 2 || x[x.length - 1] !== K || !same(y, [...x.slice(0, -1), N!])) return `dense ${str(x)} × ${str(second)}ᵀ into ${str(y)}`;
      return bias && !vectorOf(bias, N!) ? `dense bias ${str(bias)} for ${N} outputs` : null;
    }
    case "matmul2": {
      const c = second;
      if (x.length < 2 || c.length < 2 || y.length !== Math.max(x.length, c.length)) return `matmul of ranks ${x.length} and ${c.length} into ${y.length}`;
      const ok = x[x.length - 1] === c[c.length - 2] && y[y.length - 2] === x[x.length - 2] && y[y.length - 1] === c[c.length - 1] &&
        broadcasts(x.slice(0, -2), y.slice(0, -2)) && broadcasts(c.slice(0, -2), y.slice(0, -2));
      return ok ? null : `matmul ${str(x)} × ${str(c)} into ${str(y)}`;
    }
    case "reducemax":
    case "rowsum": {
      if (op.axis >= x.length) return `${op.kind} over axis ${op.axis} of ${str(x)}`;
      const kept = x.map((d, i) => (i === op.axis ? 1 : d));
      // The max gadget broadcasts the row max back over the row, so it keeps the axis.
      const ok = same(y, kept) || (op.kind === "rowsum" && same(y, x.filter((_, i) => i !== op.axis)));
      return ok ? null : `${op.kind} over axis ${op.axis} from ${str(x)} to ${str(y)}`;
    }
    case "embed":
      return second.length === 2 && same(y, [...x, second[1]!]) ? null : `embedding of ids ${str(x)} in ${str(second)} into ${str(y)}`;
    case "maxpool":
    case "sumpool":
    case "indexmap":
      return null; // poolProblem / indexMapProblem
  }
}
