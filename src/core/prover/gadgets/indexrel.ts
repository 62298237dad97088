// Index maps proved against relations (circuit/index-relations.ts): y is the input's values
// moved to the output's live positions (0 elsewhere); a claim ỹ(r) becomes, per input x_j,
// Σ_i Ĩ_j(r, i)·x̃_j(i) — one degree-2 sumcheck each (with several inputs the prover first
// sends each input's share, which must add up to ỹ(r)).
import { type Claim, forEachLiveRun, paddedSize, splitPoint, type PlanTensor } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { relationsOf, type AxisMap, type MapRelation } from "../../circuit/index-relations.ts";
import { indexMapOf } from "../../quant/indexmap.ts";
import { fieldBackend } from "../../kernels/index.ts";
import { add } from "../../field/index.ts";
import { eqTable } from "../../poly/index.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { outerProduct } from "./window-tables.ts";

type IndexMapOp = Extract<QOp, { kind: "indexmap" }>;

/** Padded position of every live element, in row-major order. */
function livePositions(t: PlanTensor): Int32Array {
  const out = new Int32Array(t.shape.reduce((a, b) => a * b, 1));
  forEachLiveRun(t.shape, t.logDims, (i, pos, len) => {
    for (let j = 0; j < len; j++) out[i + j] = pos + j;
  });
  return out;
}

export function forwardIndexRelation(ctx: Pick<ProverCtx, "plan" | "values">, op: IndexMapOp): Float64Array {
  const T = ctx.plan.tensors, y = T[op.output]!, xs = op.inputs.map((n) => T[n]!);
  const map = indexMapOf(op.map, xs.map((x) => x.shape), y.shape, op.source);
  // Concat indexes the inputs laid end to end: (input, live index) for every flat source.
  const starts: number[] = [];
  let total = 0;
  for (const x of xs) {
    starts.push(total);
    total += x.shape.reduce((a, b) => a * b, 1);
  }
  const pos = xs.map(livePositions), vals = xs.map((x) => ctx.values.get(x.name)!);
  const out = new Float64Array(paddedSize(y.logDims));
  const yPos = livePositions(y);
  for (let i = 0; i < map.length; i++) {
    const f = map[i]!;
    if (f < 0) continue;
    let j = starts.length - 1;
    while (starts[j]! > f) j--;
    out[yPos[i]!] = vals[j]![pos[j]![f - starts[j]!]!]!;
  }
  return out;
}

/** Σ_o eq(r, o)·[i = step·o + start] (up: [o = step·i + start]) over the input axis' padded range. */
function axisVector(a: AxisMap, r: Uint32Array): Uint32Array {
  const eq = eqTable(r), out = new Uint32Array(4 * 2 ** a.inLog);
  if (a.up) {
    for (let i = 0; i < a.in; i++) {
      const o = a.step * i + a.start;
      if (o >= 0 && o < a.out) out.set(eq.subarray(4 * o, 4 * o + 4), 4 * i);
    }
    return out;
  }
  for (let o = 0; o < a.out; o++) {
    const i = a.step * o + a.start;
    if (i >= 0 && i < a.in) out.set(eq.subarray(4 * o, 4 * o + 4), 4 * i);
  }
  return out;
}

/** Ĩ(r, ·) over the input's padded layout. */
function relationTable(rel: MapRelation, y: PlanTensor, x: PlanTensor, point: Uint32Array): Uint32Array {
  const r = splitPoint(point, y.logDims);
  if (rel.kind === "axes") return outerProduct(rel.axes.map((a, d) => axisVector(a, r[d]!)));
  if (rel.kind === "gather") {
    return outerProduct(rel.axes.map((a, d) => {
      if (d !== rel.axis) return axisVector(a, r[d]!);
      const eq = eqTable(r[d]!), out = new Uint32Array(4 * 2 ** a.inLog);
      rel.indices.forEach((src, t) => {
        for (let c = 0; c < 4; c++) out[4 * src + c] = add(out[4 * src + c]!, eq[4 * t + c]!);
      });
      return out;
    }));
  }
  // flat: the live input element f sits at the output's live element f.
  const eq = eqTable(point), out = new Uint32Array(4 * paddedSize(x.logDims));
  const xPos = livePositions(x), yPos = livePositions(y);
  for (let f = 0; f < xPos.length; f++) out.set(eq.subarray(4 * yPos[f]!, 4 * yPos[f]! + 4), 4 * xPos[f]!);
  return out;
}

export function proveIndexRelation(ctx: ProverCtx, op: IndexMapOp, claim: Claim): void {
  const T = ctx.plan.tensors, y = T[op.output]!;
  const rels = relationsOf(T, op);
  const K = fieldBackend();
  const tables = rels.map((rel, j) => relationTable(rel, y, T[op.inputs[j]!]!, claim.point));
  if (rels.length > 1) {
    const shares = tables.map((g, j) => {
      const gb = K.from(g), xb = K.from(ctx.field(op.inputs[j]!));
      try {
        return K.extDotBase(gb, xb, g.length / 4);
      } finally {
        K.free(gb); K.free(xb);
      }
    });
    ctx.w.send(ctx.tr, LABELS.indexParts, shares);
  }
  tables.forEach((g, j) => {
    const x = op.inputs[j]!;
    const sc = proveProduct(ctx.tr, [{ data: g, ext: true }, { data: ctx.field(x), ext: false }]);
    for (const r of sc.proof.rounds) ctx.w.words(r);
    ctx.w.send(ctx.tr, LABELS.indexEnd, [sc.evals[1]!]);
    ctx.book.add(x, sc.point, sc.evals[1]!);
  });
}
