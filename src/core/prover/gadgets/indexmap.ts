// Index maps that relabel the padded layout (circuit/indexmaps.ts): the output's padded values
// are the input's, moved; a claim on the output is a claim on the input at the relabelled point.
import { type Claim, joinPoint, paddedSize, relabelPoint, splitPoint } from "../../circuit/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";

type IndexMapOp = Extract<QOp, { kind: "indexmap" }>;

function coords(pos: number, logDims: readonly number[]): number[] {
  const c = new Array<number>(logDims.length);
  for (let d = logDims.length - 1; d >= 0; d--) {
    const w = 2 ** logDims[d]!;
    c[d] = pos % w;
    pos = Math.floor(pos / w);
  }
  return c;
}

function position(c: readonly number[], logDims: readonly number[]): number {
  let pos = 0;
  for (let d = 0; d < c.length; d++) pos = pos * 2 ** logDims[d]! + c[d]!;
  return pos;
}

export function forwardIndexMap(ctx: Pick<ProverCtx, "plan" | "values">, op: IndexMapOp): Float64Array {
  const x = ctx.plan.tensors[op.inputs[0]!]!, y = ctx.plan.tensors[op.output]!;
  const xv = ctx.values.get(x.name)!;
  const map = op.map;
  if (map.type === "reshape") return xv.slice(0, paddedSize(y.logDims));
  const out = new Float64Array(paddedSize(y.logDims));
  for (let p = 0; p < out.length; p++) {
    const c = coords(p, y.logDims);
    const src = map.type === "transpose"
      ? (() => { const s = new Array<number>(c.length); map.perm.forEach((from, d) => (s[from] = c[d]!)); return s; })()
      : map.type === "slice" ? c.map((v, d) => map.starts[d]! + v) : c;
    out[p] = xv[position(src, x.logDims)]!;
  }
  return out;
}

export function proveIndexMap(ctx: ProverCtx, op: IndexMapOp, claim: Claim): void {
  const x = ctx.plan.tensors[op.inputs[0]!]!, y = ctx.plan.tensors[op.output]!;
  const point = op.map.type === "reshape" ? claim.point : joinPoint(relabelPoint(op.map, splitPoint(claim.point, y.logDims), x.logDims, y.logDims));
  ctx.book.add(x.name, point, claim.value);
}
