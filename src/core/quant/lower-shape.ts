// Lowering of the ops that move elements (reshapes, transposes, slices, concats, pads, tiles,
// resizes, gathers, Where by a constant mask) into index maps, selects and, for a linear
// resize or a constant pad, the few arithmetic ops they need.
import { depthSpacePlan, gatherElementsOffsets, gatherNdPlan, resizeTaps, sizeOf, type GraphNode, type Taps } from "../graph/index.ts";
import { attrsOf, constInts, emitMap, lowerIdentity, mapped, operand, unsupported } from "./lower-common.ts";
import { quantizeValue, typeMin } from "./fixed.ts";
import type { LowerCtx } from "./lower-context.ts";
import type { IndexMap, QTensor } from "./qgraph.ts";


function lowerReshape(ctx: LowerCtx, node: GraphNode): void {
  emitMap(ctx, node, [ctx.input(node, node.inputs[0]!)], { type: "reshape" }, node.outputs[0]!);
}


function lowerTranspose(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const perm = attrsOf(node).ints("perm") ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  emitMap(ctx, node, [x], { type: "transpose", perm }, node.outputs[0]!);
}


function lowerSlice(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const old = ctx.g.opset < 10, a = attrsOf(node);
  const starts = old ? a.ints("starts")! : constInts(ctx, node, node.inputs[1])!;
  const axes = (old ? a.ints("axes") : constInts(ctx, node, node.inputs[3])) ?? starts.map((_, i) => i);
  const steps = (old ? undefined : constInts(ctx, node, node.inputs[4])) ?? starts.map(() => 1);
  const r = x.shape.length;
  const st = new Array<number>(r).fill(0), sp = new Array<number>(r).fill(1);
  axes.forEach((ax, i) => {
    const d = ax < 0 ? ax + r : ax, dim = x.shape[d]!, step = steps[i]!;
    let s = starts[i]!;
    if (s < 0) s += dim;
    st[d] = step > 0 ? Math.min(Math.max(s, 0), dim) : Math.min(Math.max(s, 0), dim - 1);
    sp[d] = step;
  });
  emitMap(ctx, node, [x], { type: "slice", starts: st, steps: sp }, node.outputs[0]!);
}

function lowerSplit(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const r = x.shape.length;
  let axis = attrsOf(node).int("axis", 0);
  if (axis < 0) axis += r;
  let at = 0;
  for (const out of node.outputs) {
    if (!out) continue;
    const starts = x.shape.map((_, i) => (i === axis ? at : 0));
    at += ctx.shapeOf(out)[axis]!;
    emitMap(ctx, node, [x], { type: "slice", starts, steps: x.shape.map(() => 1) }, out);
  }
}

function lowerConcat(ctx: LowerCtx, node: GraphNode): void {
  const out = node.outputs[0]!;
  const parts = node.inputs.map((n) => operand(ctx, node, n));
  let axis = attrsOf(node).int("axis", 0);
  if (axis < 0) axis += ctx.shapeOf(out).length;
  const common = ctx.type({ name: out, role: "activation", shape: ctx.shapeOf(out), signed: parts.some((p) => p.signed), stat: out, maxBits: ctx.limits.get(out) });
  const aligned = parts.map((p) => {
    if (p.k === common.k && p.bits === common.bits && p.signed === common.signed) return p;
    const t = ctx.tensor(ctx.fresh(`${p.name}::to_${out}`), p.shape, common, "activation");
    ctx.requant(node.id, p, 1, t);
    return t;
  });
  emitMap(ctx, node, aligned, { type: "concat", axis }, out);
}

function lowerPad(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const a = attrsOf(node);
  const mode = a.string("mode", "constant");
  if (!["constant", "reflect", "edge", "wrap"].includes(mode)) throw unsupported(node, `pad mode ${mode}`);
  const old = ctx.g.opset < 11;
  const r = x.shape.length;
  const pads = old ? a.ints("pads") ?? a.ints("paddings") : constInts(ctx, node, node.inputs[1]);
  const axesIn = old ? undefined : constInts(ctx, node, node.inputs[3]);
  const axes = axesIn?.map((v) => (v < 0 ? v + r : v)) ?? x.shape.map((_, i) => i);
  if (!pads) throw unsupported(node, "missing pads");
  const begin = new Array<number>(r).fill(0), end = new Array<number>(r).fill(0);
  axes.forEach((ax, i) => { begin[ax] = pads[i]!; end[ax] = pads[i + axes.length]!; });
  if (mode === "constant") {
    lowerConstantPad(ctx, node, x, begin, end, old ? a.float("value", 0) : node.inputs[2] ? ctx.scalar(node.inputs[2]) : 0);
    return;
  }
  if (pads.some((p) => p < 0)) throw unsupported(node, `negative pads in ${mode} mode`);
  // The other modes copy input elements: per padded axis, a gather by the source of each position.
  const source = (i: number, n: number): number => {
    if (mode === "edge") return Math.min(Math.max(i, 0), n - 1);
    if (mode === "wrap") return ((i % n) + n) % n;
    const period = 2 * (n - 1);
    const t = period === 0 ? 0 : ((i % period) + period) % period;
    return t < n ? t : period - t;
  };
  const byAxis: [number, number[]][] = [];
  for (let ax = 0; ax < r; ax++) {
    const n = x.shape[ax]!;
    if (begin[ax] === 0 && end[ax] === 0) continue;
    if (mode === "reflect" && (begin[ax]! >= n || end[ax]! >= n)) throw unsupported(node, `a reflect pad of ${Math.max(begin[ax]!, end[ax]!)} on an axis of ${n} (it must be shorter than the axis)`);
    byAxis.push([ax, Array.from({ length: begin[ax]! + n + end[ax]! }, (_, o) => source(o - begin[ax]!, n))]);
  }
  gathers(ctx, node, x, byAxis, node.outputs[0]!);
}

/**
 * Constant Pad: negative pads crop first (a slice); the rest pads with zeros (an index map); a
 * value v other than 0 is then added where the padding is, as a constant at x's scale (shaped
 * [1 or the padded length] per axis, so it broadcasts over the unpadded axes).
 */
function lowerConstantPad(ctx: LowerCtx, node: GraphNode, x0: QTensor, begin: number[], end: number[], value: number | undefined): void {
  if (value === undefined || !Number.isFinite(value)) throw unsupported(node, "a Pad whose value is not a constant number");
  const out = node.outputs[0]!, outShape = ctx.shapeOf(out);
  let x = x0;
  if (begin.some((p) => p < 0) || end.some((p) => p < 0)) {
    const starts = begin.map((p) => Math.max(0, -p)), shape = x0.shape.map((d, i) => d - starts[i]! - Math.max(0, -end[i]!));
    x = mapped(ctx, node, x0, shape, { type: "slice", starts, steps: shape.map(() => 1) }, `${out}::cropped`);
  }
  const padBegin = begin.map((p) => Math.max(0, p));
  if (value === 0) {
    emitMap(ctx, node, [x], { type: "pad", padBegin }, out);
    return;
  }
  const padded = mapped(ctx, node, x, outShape, { type: "pad", padBegin }, `${out}::padded`);
  const cShape = outShape.map((d, i) => (d === x.shape[i] ? 1 : d));
  const cStrides = cShape.map((_, i) => cShape.slice(i + 1).reduce((p, q) => p * q, 1));
  const fill = Array.from({ length: cShape.reduce((p, q) => p * q, 1) }, (_, f) => {
    const outside = cShape.some((d, i) => {
      if (d === 1) return false;
      const o = Math.floor(f / cStrides[i]!) % d;
      return o < padBegin[i]! || o >= padBegin[i]! + x.shape[i]!;
    });
    return outside ? value : 0;
  });
  const c = ctx.bias(ctx.fresh(`${node.id}::fill`), cShape, fill, x.k);
  const acc = ctx.acc(ctx.fresh(`${out}::acc`), outShape, x.k);
  ctx.op({ kind: "add", source: node.id, inputs: [padded.name, c.name], output: acc.name, coeffs: [1, 1] });
  ctx.requantTo(node, acc, out);
}

/** Tile by constant repeats: per repeated axis, a gather of 0…n−1 over and over. */
function lowerTile(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const reps = constInts(ctx, node, node.inputs[1]);
  if (!reps || reps.length !== x.shape.length || reps.some((k) => !Number.isInteger(k) || k < 1)) throw unsupported(node, "a Tile whose repeats are not constant positive integers, one per axis");
  const byAxis = reps.flatMap((k, ax): [number, number[]][] => (k === 1 ? [] : [[ax, Array.from({ length: k * x.shape[ax]! }, (_, o) => o % x.shape[ax]!)]]));
  gathers(ctx, node, x, byAxis, node.outputs[0]!);
}

/**
 * Resize/Upsample with the taps graph/ops/resize.ts computes: nearest is one gather per resized
 * axis; linear is, per resized axis, a dense op by the constant [out, in] blend matrix along it
 * (moved last by transposes, which relabel for free), requantized to the input's own type
 * between axes (a blend stays within its inputs' range) and to the output's after the last.
 */
function lowerResize(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const { mode, axes } = resizeTaps({ node: node.id, opType: node.opType as "Resize" | "Upsample", opset: ctx.g.opset, attrs: attrsOf(node) }, x.shape, (i) => {
    const name = node.inputs[i];
    if (!name) return undefined;
    const c = ctx.constant(name);
    if (!c) throw unsupported(node, `a ${node.opType} whose scales or sizes are not constants`);
    return Array.from(c.data as ArrayLike<number>, Number);
  });
  const resized = axes.flatMap((t, ax): [number, Taps[]][] => (t.length === x.shape[ax] && t.every((tap, o) => tap.length === 1 && tap[0]![0] === o) ? [] : [[ax, t]]));
  const out = node.outputs[0]!;
  if (mode === "nearest") {
    gathers(ctx, node, x, resized.map(([ax, t]) => [ax, t.map((tap) => tap[0]![0])]), out);
    return;
  }
  if (resized.length === 0) {
    ctx.qOf.set(out, x.name);
    return;
  }
  let cur = x;
  resized.forEach(([ax, t], k) => {
    const r = cur.shape.length, len = cur.shape[ax]!, lastAxis = ax === r - 1, done = k === resized.length - 1;
    // Swapping the axis with the last is its own inverse.
    const perm = cur.shape.map((_, d) => (d === ax ? r - 1 : d === r - 1 ? ax : d));
    const src = lastAxis ? cur : mapped(ctx, node, cur, perm.map((p) => cur.shape[p]!), { type: "transpose", perm }, `${out}::axis${ax}`);
    const blend = new Float64Array(t.length * len);
    t.forEach((taps, o) => { for (const [i, w] of taps) blend[o * len + i] = blend[o * len + i]! + w; });
    const w = ctx.constTensor(ctx.fresh(`${node.id}::blend${ax}`), [t.length, len], blend, "const", { bits: RESIZE_WEIGHT_BITS });
    const acc = ctx.acc(ctx.fresh(`${out}::blend${ax}`), [...src.shape.slice(0, -1), t.length], src.k + w.k);
    ctx.op({ kind: "linear", form: "dense", source: node.id, inputs: [src.name, w.name], output: acc.name });
    if (done && lastAxis) {
      ctx.requantTo(node, acc, out);
      return;
    }
    // Between axes a blend stays within its inputs' range: the input's type; after the last
    // one, the output's (its statistics are the same values, transposed).
    const y = done
      ? ctx.internal(ctx.fresh(`${out}::blended`), acc.shape, { signed: x.signed, stat: out, maxBits: ctx.limits.get(out) })
      : ctx.tensor(ctx.fresh(`${out}::blended${ax}`), acc.shape, cur, "activation");
    ctx.requant(node.id, acc, 1, y);
    if (lastAxis) {
      cur = y;
      return;
    }
    if (done) emitMap(ctx, node, [y], { type: "transpose", perm }, out);
    else cur = mapped(ctx, node, y, perm.map((p) => y.shape[p]!), { type: "transpose", perm }, `${out}::back${ax}`);
  });
}

/** Blend weights lie in [0, 1]: 10 bits give a 2^−9 step (quant/lower.ts's width limits assume 10). */
const RESIZE_WEIGHT_BITS = 10;

/** Cast (or CastLike) between float types is the identity here (every value is already fixed point). */
function lowerCast(ctx: LowerCtx, node: GraphNode): void {
  const to = ctx.g.tensors.get(node.outputs[0]!)?.dtype;
  if (!to || !["float32", "float64", "float16", "bfloat16"].includes(to)) throw unsupported(node, `a Cast of an activation to ${to ?? "an unknown type"} (only between float types)`);
  lowerIdentity(ctx, node);
}

/** Expand (broadcast): leading axes of 1 added by a reshape, then a gather of index 0 along each axis of 1 that grows. */
function lowerExpand(ctx: LowerCtx, node: GraphNode): void {
  const x0 = ctx.input(node, node.inputs[0]!);
  const out = node.outputs[0]!, shape = ctx.shapeOf(out);
  let x = x0;
  if (shape.length > x0.shape.length) {
    x = mapped(ctx, node, x0, [...shape.slice(0, shape.length - x0.shape.length).map(() => 1), ...x0.shape], { type: "reshape" }, `${out}::ranked`);
  }
  const byAxis = x.shape.flatMap((d, ax): [number, number[]][] => (d === shape[ax] ? [] : [[ax, new Array<number>(shape[ax]!).fill(0)]]));
  gathers(ctx, node, x, byAxis, out);
}

/** DepthToSpace / SpaceToDepth: graph/ops/layout.ts's reshape, transpose, reshape as index maps. */
function lowerDepthSpace(ctx: LowerCtx, node: GraphNode): void {
  const x = ctx.input(node, node.inputs[0]!);
  const { view, perm } = depthSpacePlan({ node: node.id, attrs: attrsOf(node) }, node.opType as "DepthToSpace" | "SpaceToDepth", x.shape);
  const out = node.outputs[0]!;
  const v = mapped(ctx, node, x, view, { type: "reshape" }, `${out}::view`);
  const t = mapped(ctx, node, v, perm.map((p) => view[p]!), { type: "transpose", perm }, `${out}::moved`);
  emitMap(ctx, node, [t], { type: "reshape" }, out);
}

/** One gather index map per axis in turn (none: the input itself). */
function gathers(ctx: LowerCtx, node: GraphNode, x: QTensor, byAxis: [number, number[]][], out: string): void {
  if (byAxis.length === 0) {
    ctx.qOf.set(out, x.name);
    return;
  }
  let cur = x;
  byAxis.forEach(([axis, indices], k) => {
    const map: IndexMap = { type: "gather", axis, indices };
    if (k === byAxis.length - 1) {
      emitMap(ctx, node, [cur], map, out);
      return;
    }
    cur = mapped(ctx, node, cur, cur.shape.map((d, i) => (i === axis ? indices.length : d)), map, `${out}::axis${axis}`);
  });
}

function lowerGather(ctx: LowerCtx, node: GraphNode): void {
  const [dn, in_] = node.inputs as [string, string];
  const data = ctx.constant(dn), idx = ctx.constant(in_);
  let axis = attrsOf(node).int("axis", 0);
  if (data && !idx) {
    // An embedding: public integer ids select rows of a weight table.
    if (axis !== 0 || data.shape.length !== 2) throw unsupported(node, "a Gather of a constant other than rows of a 2-D table");
    const ids = ctx.input(node, in_);
    const table = ctx.constTensor(ctx.fresh(dn), data.shape, data.data as ArrayLike<number>, "weight");
    const out = node.outputs[0]!;
    const y = ctx.tensor(ctx.fresh(out), ctx.shapeOf(out), table, "activation", out);
    ctx.qOf.set(out, y.name);
    ctx.op({ kind: "embed", source: node.id, inputs: [ids.name, table.name], output: y.name });
    return;
  }
  if (!idx || data) throw unsupported(node, "a Gather of activations by computed indices");
  const x = ctx.input(node, dn);
  if (axis < 0) axis += x.shape.length;
  emitMap(ctx, node, [x], { type: "gather", axis, indices: Array.from(idx.data as ArrayLike<number>, Number) }, node.outputs[0]!);
}

/**
 * A gather by constant indices as index maps the circuit already proves: x reshaped to `joined`,
 * gathered along its first axis at `flat`, reshaped to the node's output.
 */
function gatherJoined(ctx: LowerCtx, node: GraphNode, x: QTensor, joined: number[], flat: number[]): void {
  const out = node.outputs[0]!;
  const j = mapped(ctx, node, x, joined, { type: "reshape" }, `${out}::joined`);
  const picked = mapped(ctx, node, j, [flat.length, ...joined.slice(1)], { type: "gather", axis: 0, indices: flat }, `${out}::picked`);
  emitMap(ctx, node, [picked], { type: "reshape" }, out);
}

/** The constant indices of a gather of activations (its data input x), or why it is not one. */
function constantGather(ctx: LowerCtx, node: GraphNode): { x: QTensor; idx: NonNullable<ReturnType<LowerCtx["constant"]>> } {
  const [dn, in_] = node.inputs as [string, string];
  const idx = ctx.constant(in_);
  if (!idx || ctx.constant(dn)) throw unsupported(node, `a ${node.opType} other than of activations by constant indices`);
  return { x: ctx.input(node, dn), idx };
}

/** GatherND (batch_dims 0): the addressed leading axes joined into one, each index tuple a block of it. */
function lowerGatherND(ctx: LowerCtx, node: GraphNode): void {
  const { x, idx } = constantGather(ctx, node);
  if (attrsOf(node).int("batch_dims", 0) !== 0) throw unsupported(node, "a GatherND with batch_dims");
  const { inner, offsets } = gatherNdPlan({ node: node.id, attrs: attrsOf(node) }, x.shape, idx.shape, idx.data as ArrayLike<number | bigint>);
  const rest = x.shape.slice(idx.shape[idx.shape.length - 1]!);
  gatherJoined(ctx, node, x, [sizeOf(x.shape) / inner, ...rest], Array.from(offsets, (o) => o / inner));
}

/** GatherElements: x flattened, each output element picked at its flat offset. */
function lowerGatherElements(ctx: LowerCtx, node: GraphNode): void {
  const { x, idx } = constantGather(ctx, node);
  let axis = attrsOf(node).int("axis", 0);
  if (axis < 0) axis += x.shape.length;
  const offsets = gatherElementsOffsets({ node: node.id }, x.shape, idx.shape, axis, idx.data as ArrayLike<number | bigint>);
  gatherJoined(ctx, node, x, [sizeOf(x.shape)], Array.from(offsets));
}

/** Where(cond, a, b) with a constant condition and one constant side: a select. */
function lowerWhere(ctx: LowerCtx, node: GraphNode): void {
  const [cn, an, bn] = node.inputs as [string, string, string];
  const cond = ctx.constant(cn);
  if (!cond) throw unsupported(node, "a Where whose condition is not a constant");
  const aConst = ctx.scalar(an), bConst = ctx.scalar(bn);
  const constSide = aConst !== undefined ? "a" : bConst !== undefined ? "b" : undefined;
  if (!constSide) throw unsupported(node, "a Where without a scalar constant branch");
  const x = ctx.input(node, constSide === "a" ? bn : an);
  const c = (constSide === "a" ? aConst : bConst)!;
  const m = cond.data as ArrayLike<number>;
  const mask = new Int32Array(m.length);
  for (let i = 0; i < m.length; i++) mask[i] = (m[i] ? 1 : 0) ^ (constSide === "a" ? 0 : 1);
  const maskT = ctx.tensor(ctx.fresh(`${node.id}::mask`), cond.shape, { k: 0, bits: 1, signed: false }, "const");
  ctx.q.consts[maskT.name] = mask;
  const fill = quantizeValue(c, x);
  const out = node.outputs[0]!;
  // A fill below the type's range stands for −∞ (a mask), not for the ONNX value itself.
  const minusInf = c * 2 ** x.k <= typeMin(x);
  const y = ctx.tensor(ctx.fresh(out), ctx.shapeOf(out), x, "activation", minusInf ? undefined : out);
  ctx.qOf.set(out, y.name);
  ctx.op({ kind: "select", source: node.id, inputs: [x.name, maskT.name], output: y.name, fill });
  if (minusInf) ctx.lowMasks.set(y.name, maskT.name);
}


export const SHAPE_LOWERINGS: Readonly<Record<string, (ctx: LowerCtx, node: GraphNode) => void>> = {
  Reshape: lowerReshape, Flatten: lowerReshape, Squeeze: lowerReshape, Unsqueeze: lowerReshape,
  Identity: lowerIdentity, Dropout: lowerIdentity, Cast: lowerCast, CastLike: lowerCast,
  Transpose: lowerTranspose, Slice: lowerSlice, Split: lowerSplit, Concat: lowerConcat, Pad: lowerPad,
  Gather: lowerGather, GatherND: lowerGatherND, GatherElements: lowerGatherElements, Where: lowerWhere, Tile: lowerTile, Expand: lowerExpand,
  DepthToSpace: lowerDepthSpace, SpaceToDepth: lowerDepthSpace, Resize: lowerResize, Upsample: lowerResize,
};
