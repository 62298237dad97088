// LocalResponseNormalization (AlexNet, Inception v1, ZFNet) as primitive integer ops:
//   y = x · (bias + α/size · Σ_{c' near c} x_{c'}²)^−β
// squares (mul, requant), their sum over the channel window (a 1×1 convolution by a 0/1 band of
// channels), the power by table, and the product with x. The calibration observes the squares,
// the window sums and the scale factors under the names the lowering asks for (lrnInternals).
import { Attrs, type GraphNode, type Tensor } from "../graph/index.ts";
import type { LowerCtx } from "./lower-context.ts";
import { unsupported } from "./lower-common.ts";

/** Widths inside LRN: a table input is at most 16 bits; 14 keep the sum's table at 16384 rows. */
const LRN_BITS = { sq: 12, sum: 14, scale: 14 };

interface LrnAttrs {
  size: number;
  alpha: number;
  beta: number;
  bias: number;
}

function lrnAttrs(node: GraphNode): LrnAttrs {
  const a = new Attrs(node.attributes, node.id);
  return { size: a.int("size", 0), alpha: a.float("alpha", 1e-4), beta: a.float("beta", 0.75), bias: a.float("bias", 1) };
}

/** The channels c' in c's window: [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉] within [0, C). */
function windowOf(c: number, size: number, C: number): [number, number] {
  return [Math.max(0, c - Math.floor((size - 1) / 2)), Math.min(C - 1, c + Math.ceil((size - 1) / 2))];
}

export function lowerLrn(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const { size, alpha, beta, bias } = lrnAttrs(node);
  if (!Number.isInteger(size) || size < 1) throw unsupported(node, `an LRN of size ${size} (it must be a positive integer)`);
  const spatial = x.shape.length - 2;
  if (spatial < 0 || spatial > 2) throw unsupported(node, `an LRN over a rank-${x.shape.length} input (it takes [N, C], [N, C, L] or [N, C, H, W])`);
  const id = node.id, C = x.shape[1]!;
  const square = ctx.acc(ctx.fresh(`${id}::square`), x.shape, 2 * x.k);
  ctx.op({ kind: "mul", source: id, inputs: [x.name, x.name], output: square.name });
  const sq = ctx.internal(ctx.fresh(`${id}::sq`), x.shape, { signed: false, stat: `${id}::sq`, bits: LRN_BITS.sq, fullRange: true });
  ctx.requant(id, square, 1, sq);
  // out channel c sums the squares of its window: row c of a 0/1 band.
  const band = new Float64Array(C * C);
  for (let c = 0; c < C; c++) {
    const [c0, c1] = windowOf(c, size, C);
    for (let k = c0; k <= c1; k++) band[c * C + k] = 1;
  }
  const ones = Array.from({ length: spatial }, () => 1), zeros = ones.map(() => 0);
  const w = ctx.constTensor(ctx.fresh(`${id}::band`), [C, C, ...ones], band, "const", { bits: 2 });
  const windowSum = ctx.acc(ctx.fresh(`${id}::window`), x.shape, sq.k + w.k);
  if (spatial === 0) ctx.op({ kind: "linear", form: "dense", source: id, inputs: [sq.name, w.name], output: windowSum.name });
  else ctx.op({ kind: "linear", form: "conv", source: id, inputs: [sq.name, w.name], output: windowSum.name, group: 1, window: { kernel: ones, strides: ones, dilations: ones, padBegin: zeros, padEnd: zeros } });
  const sum = ctx.internal(ctx.fresh(`${id}::sum`), x.shape, { signed: false, stat: `${id}::sum`, bits: LRN_BITS.sum, fullRange: true });
  ctx.requant(id, windowSum, 1, sum);
  const scale = ctx.internal(ctx.fresh(`${id}::scale`), x.shape, { signed: false, stat: `${id}::scale`, bits: LRN_BITS.scale, fullRange: true });
  const table = ctx.table({ fn: "lrn", params: { bias, alpha: alpha / size, beta }, input: sum, output: scale }, id);
  ctx.op({ kind: "lookup", source: id, inputs: [sum.name], output: scale.name, table });
  const prod = ctx.acc(ctx.fresh(`${id}::prod`), x.shape, x.k + scale.k);
  ctx.op({ kind: "mul", source: id, inputs: [x.name, scale.name], output: prod.name });
  ctx.requantTo(node, prod, node.outputs[0]!);
}

/** The float values inside an LRN, keyed like the statistics its lowering asks for. */
export function lrnInternals(node: GraphNode, x: Tensor): Record<string, Float64Array> {
  const { size, alpha, beta, bias } = lrnAttrs(node);
  const d = x.data as ArrayLike<number>;
  const N = x.shape[0] ?? 1, C = x.shape[1] ?? 1, S = d.length / (N * C);
  const sq = Float64Array.from(d, (v) => v * v), sum = new Float64Array(d.length), scale = new Float64Array(d.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const [c0, c1] = windowOf(c, size, C);
      for (let s = 0; s < S; s++) {
        let acc = 0;
        for (let k = c0; k <= c1; k++) acc += sq[(n * C + k) * S + s]!;
        const i = (n * C + c) * S + s;
        sum[i] = acc;
        scale[i] = Math.pow(bias + (alpha / size) * acc, -beta);
      }
    }
  }
  const id = node.id;
  return { [`${id}::sq`]: sq, [`${id}::sum`]: sum, [`${id}::scale`]: scale };
}
