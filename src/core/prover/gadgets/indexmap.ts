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
  if (op.map.type === "reshape") return xv.slice(0, paddedSize(y.logDims));
  const src = sourcePositions(op, x.logDims, y.logDims);
  const out = new Float64Array(src.length);
  for (let p = 0; p < out.length; p++) out[p] = xv[src[p]!]!;
  return out;
}

// Where each output position reads depends only on the op's shapes: made once per op (plans are
// shared between proofs), not per proof.
const sources = new WeakMap<IndexMapOp, Int32Array>();

/** For every padded output position, the padded input position it copies (transpose or slice). */
function sourcePositions(op: IndexMapOp, xDims: readonly number[], yDims: readonly number[]): Int32Array {
  let src = sources.get(op);
  if (src) return src;
  const map = op.map;
  src = new Int32Array(paddedSize(yDims));
  for (let p = 0; p < src.length; p++) {
    const c = coords(p, yDims);
    const from = map.type === "transpose"
      ? (() => { const s = new Array<number>(c.length); map.perm.forEach((f, d) => (s[f] = c[d]!)); return s; })()
      : map.type === "slice" ? c.map((v, d) => map.starts[d]! + v) : c;
    src[p] = position(from, xDims);
  }
  sources.set(op, src);
  return src;
}

export function proveIndexMap(ctx: ProverCtx, op: IndexMapOp, claim: Claim): void {
  const x = ctx.plan.tensors[op.inputs[0]!]!, y = ctx.plan.tensors[op.output]!;
  const point = op.map.type === "reshape" ? claim.point : joinPoint(relabelPoint(op.map, splitPoint(claim.point, y.logDims), x.logDims, y.logDims));
  ctx.book.add(x.name, point, claim.value);
}
