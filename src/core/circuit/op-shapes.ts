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
    case "indexmap":
      return indexMapShapeProblem(op.map, op.inputs.map((n) => T[n]!.shape), y);
    case "maxpool":
    case "sumpool":
      return null; // poolProblem
  }
}

/**
 * The index maps' shapes (indexMapProblem builds their relations, not these checks): the output
 * must be what the map makes of its inputs, and nothing may read outside an input — a slice
 * proved as a relabeling would otherwise read the input's padding, which the prover chooses.
 */
function indexMapShapeProblem(map: Extract<QOp, { kind: "indexmap" }>["map"], ins: (readonly number[])[], y: readonly number[]): string | null {
  const x = ins[0]!, r = y.length;
  const bad = (what: string) => `${map.type} ${ins.map(str).join(", ")} → ${str(y)}: ${what}`;
  if (map.type !== "concat" && ins.length !== 1) return bad("takes one input");
  if (map.type === "reshape") return x.reduce((a, b) => a * b, 1) === y.reduce((a, b) => a * b, 1) ? null : bad("changes the element count");
  if (ins.some((s) => s.length !== r)) return bad("changes the rank");
  switch (map.type) {
    case "transpose":
      if (map.perm.length !== r || !map.perm.every((p, d) => map.perm.indexOf(p) === d && p < r)) return bad(`[${map.perm.join(", ")}] is not a permutation`);
      return map.perm.every((p, d) => y[d] === x[p]) ? null : bad("the output is not the permuted input");
    case "slice":
      if (map.starts.length !== r || map.steps.length !== r) return bad("needs a start and a step per axis");
      for (let d = 0; d < r; d++) {
        const first = map.starts[d]!, last = first + (y[d]! - 1) * map.steps[d]!;
        if (map.steps[d] === 0 || first >= x[d]! || last < 0 || last >= x[d]!) return bad(`reads outside axis ${d}`);
      }
      return null;
    case "pad":
      return map.padBegin.length === r ? null : bad("needs a pad per axis");
    case "upsample":
      if (map.factors.length !== r || map.starts.length !== r) return bad("needs a factor and a start per axis");
      return map.factors.every((f) => Number.isInteger(f) && f >= 1) ? null : bad("needs whole factors ≥ 1");
    case "concat": {
      if (map.axis >= r) return bad(`has no axis ${map.axis}`);
      const along = ins.reduce((a, s) => a + s[map.axis]!, 0);
      return along === y[map.axis] && ins.every((s) => s.every((v, d) => d === map.axis || v === y[d])) ? null : bad("the inputs do not tile the output");
    }
    case "gather":
      if (map.axis >= r) return bad(`has no axis ${map.axis}`);
      return x.every((v, d) => d === map.axis || v === y[d]) ? null : bad("changes an axis it does not gather");
  }
}
