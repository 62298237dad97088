// Ops that change only shape or type, or make constants: Reshape, Flatten, Squeeze,
// Unsqueeze, Shape, Size, Identity, Dropout, Expand, Constant, ConstantOfShape, Range, Cast.
import { DTYPES } from "../../onnx/index.ts";
import {
  allocValues, fromTensorData, isFloat, isWideInt, roundToBfloat16, roundToFloat16, sizeOf,
  type DType, type Tensor, type TensorValues,
} from "../tensor.ts";
import { broadcastIndex, broadcastShapes } from "./broadcast.ts";
import { axisOf, constInts, fail, num, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";

type AnyCtx = OpCtx<ValueMeta> | OpCtx<Tensor>;

/** A same-data view with a new shape: tensors are never mutated, so sharing is safe. */
function view(t: Tensor, shape: number[]): Tensor {
  return { dtype: t.dtype, shape, data: t.data };
}

function shapeOp(plan: (ctx: AnyCtx, shape: number[]) => number[]): OpDef {
  return {
    infer: (ctx) => {
      const x = req(ctx, 0);
      return [{ dtype: x.dtype, shape: plan(ctx, x.shape) }];
    },
    run: (ctx) => {
      const x = req(ctx, 0);
      return [view(x, plan(ctx, x.shape))];
    },
  };
}

function reshapeTarget(ctx: AnyCtx, shape: number[]): number[] {
  const target = ctx.opset < 5 ? ctx.attrs.ints("shape") : constInts(ctx, 1, "target shape");
  if (!target) throw fail(ctx, "has no target shape");
  const allowZero = ctx.attrs.int("allowzero", 0) === 1;
  const out = target.map((d, i) => (d === 0 && !allowZero ? shape[i] ?? 0 : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1 || out.some((d) => d < -1 || !Number.isInteger(d))) throw fail(ctx, `invalid target shape [${target.join(",")}]`);
  const total = sizeOf(shape);
  if (neg === 1) {
    const known = out.reduce((s, d) => (d === -1 ? s : s * d), 1);
    if (known === 0 || total % known !== 0) throw fail(ctx, `cannot reshape [${shape.join(",")}] to [${target.join(",")}]`);
    out[out.indexOf(-1)] = total / known;
  }
  if (sizeOf(out) !== total) throw fail(ctx, `cannot reshape [${shape.join(",")}] (${total} elements) to [${out.join(",")}]`);
  return out;
}

function flattenTarget(ctx: AnyCtx, shape: number[]): number[] {
  const a = ctx.attrs.int("axis", 1);
  const axis = a < 0 ? a + shape.length : a;
  if (axis < 0 || axis > shape.length) throw fail(ctx, `axis ${a} is out of range for rank ${shape.length}`);
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis))];
}

function listedAxes(ctx: AnyCtx): number[] | undefined {
  return ctx.opset < 13 ? ctx.attrs.ints("axes") : constInts(ctx, 1, "axes");
}

function squeezeTarget(ctx: AnyCtx, shape: number[]): number[] {
  const axes = listedAxes(ctx);
  if (!axes) return shape.filter((d) => d !== 1);
  const drop = new Set(axes.map((a) => axisOf(ctx, a, shape.length)));
  for (const a of drop) if (shape[a] !== 1) throw fail(ctx, `cannot squeeze axis ${a} of size ${shape[a]}`);
  return shape.filter((_, i) => !drop.has(i));
}

function unsqueezeTarget(ctx: AnyCtx, shape: number[]): number[] {
  const axes = listedAxes(ctx);
  if (!axes) throw fail(ctx, "needs axes");
  const rank = shape.length + axes.length;
  const ins = new Set(axes.map((a) => axisOf(ctx, a, rank)));
  if (ins.size !== axes.length) throw fail(ctx, `axes [${axes.join(",")}] repeat an axis`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ins.has(i) ? 1 : shape[k++]!);
  return out;
}

function shapeRange(ctx: AnyCtx, rank: number): [number, number] {
  const clampEnd = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  return [clampEnd(ctx.attrs.int("start", 0)), clampEnd(ctx.attrs.int("end", rank))];
}

const shape: OpDef = {
  shapeOnly: true,
  infer(ctx) {
    const [s, e] = shapeRange(ctx, req(ctx, 0).shape.length);
    return [{ dtype: "int64", shape: [Math.max(0, e - s)] }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    const [s, e] = shapeRange(ctx, x.shape.length);
    return [{ dtype: "int64", shape: [Math.max(0, e - s)], data: Float64Array.from(x.shape.slice(s, e)) }];
  },
};

const size: OpDef = {
  shapeOnly: true,
  infer: () => [{ dtype: "int64", shape: [] }],
  run: (ctx) => [{ dtype: "int64", shape: [], data: Float64Array.of(sizeOf(req(ctx, 0).shape)) }],
};

/** Identity and inference-mode Dropout; Dropout's optional mask is all ones. */
const passThrough: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    return ctx.nOutputs > 1 ? [{ dtype: x.dtype, shape: x.shape }, { dtype: "bool", shape: x.shape }] : [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    if (ctx.attrs.int("training_mode", 0) === 1 || (ctx.inputs[2] && num(ctx, ctx.inputs[2]).data[0])) {
      throw fail(ctx, "Dropout in training mode is random; export the model in eval mode");
    }
    const outs: Tensor[] = [x];
    if (ctx.nOutputs > 1) outs.push({ dtype: "bool", shape: x.shape, data: new Uint8Array(x.data.length).fill(1) });
    return outs;
  },
};

function expandShape(ctx: AnyCtx, x: number[]): number[] {
  const target = constInts(ctx, 1, "shape")!;
  const out = broadcastShapes([x, target]);
  if (!out) throw fail(ctx, `cannot expand [${x.join(",")}] to [${target.join(",")}]`);
  return out;
}

/** Copies `t` broadcast to `shape`. */
export function broadcastTo(t: Tensor, shape: number[]): Tensor {
  const idx = broadcastIndex(shape, t.shape);
  if (!idx) return t;
  const out = allocValues(t.dtype, idx.length);
  const src = t.data;
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]!]! as never;
  return { dtype: t.dtype, shape, data: out };
}

const expand: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    return [{ dtype: x.dtype, shape: expandShape(ctx, x.shape) }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    return [broadcastTo(x, expandShape(ctx, x.shape))];
  },
};

function constantValue(ctx: AnyCtx): Tensor {
  const a = ctx.attrs;
  const t = a.tensor("value");
  if (t) return fromTensorData(t);
  if (a.has("value_float")) return { dtype: "float32", shape: [], data: Float32Array.of(a.float("value_float", 0)) };
  const fs = a.floats("value_floats");
  if (fs) return { dtype: "float32", shape: [fs.length], data: Float32Array.from(fs) };
  if (a.has("value_int")) return { dtype: "int64", shape: [], data: Float64Array.of(a.int("value_int", 0)) };
  if (a.has("value_ints")) {
    const is = a.ints("value_ints")!;
    return { dtype: "int64", shape: [is.length], data: Float64Array.from(is) };
  }
  if (a.has("value_string")) return { dtype: "string", shape: [], data: [a.string("value_string", "")] };
  throw fail(ctx, "Constant has no supported value attribute (sparse_value is not supported)");
}

const constant: OpDef = {
  infer(ctx) {
    const v = constantValue(ctx);
    return [{ dtype: v.dtype, shape: v.shape }];
  },
  run: (ctx) => [constantValue(ctx)],
};

function fillValue(ctx: AnyCtx): Tensor {
  const t = ctx.attrs.tensor("value");
  if (!t) return { dtype: "float32", shape: [1], data: Float32Array.of(0) };
  const v = fromTensorData(t);
  if (v.data.length !== 1) throw fail(ctx, "attribute value must hold exactly one element");
  return v;
}

function constantOfShapeDims(ctx: AnyCtx): number[] {
  const dims = constInts(ctx, 0, "shape")!;
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw fail(ctx, `shape [${dims.join(",")}] has a negative or fractional dimension`);
  return dims;
}

const constantOfShape: OpDef = {
  infer(ctx) {
    return [{ dtype: fillValue(ctx).dtype, shape: constantOfShapeDims(ctx) }];
  },
  run(ctx) {
    const v = fillValue(ctx), dims = constantOfShapeDims(ctx);
    const data = allocValues(v.dtype, sizeOf(dims));
    (data as { fill(x: unknown): unknown }).fill(v.data[0]);
    return [{ dtype: v.dtype, shape: dims, data }];
  },
};

function rangeArgs(ctx: AnyCtx): { start: number; delta: number; n: number } {
  const [start, limit, delta] = [0, 1, 2].map((i) => {
    const v = constInts(ctx, i, ["start", "limit", "delta"][i]!);
    if (!v || v.length !== 1) throw fail(ctx, `input ${i} must be a scalar`);
    return v[0]!;
  }) as [number, number, number];
  if (delta === 0) throw fail(ctx, "delta is zero");
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  if (!Number.isFinite(n)) throw fail(ctx, "range is unbounded");
  return { start, delta, n };
}

const range: OpDef = {
  infer(ctx) {
    return [{ dtype: req(ctx, 0).dtype, shape: [rangeArgs(ctx).n] }];
  },
  run(ctx) {
    const { start, delta, n } = rangeArgs(ctx);
    const dtype = req(ctx, 0).dtype;
    const out = allocValues(dtype, n) as Float64Array;
    for (let i = 0; i < n; i++) out[i] = start + i * delta;
    return [{ dtype, shape: [n], data: out }];
  },
};

function parseNumber(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === "inf" || t === "+inf" || t === "infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  return Number(t);
}

/** Converts values to dtype `to` with numpy's astype semantics (truncation toward zero for ints). */
export function castValues(ctx: { node: string }, t: Tensor, to: DType): Tensor {
  if (t.dtype === to) return t;
  if (to === "string") throw fail(ctx, "casting to string is not supported");
  const src = t.dtype === "string" ? (t.data as string[]).map(parseNumber) : (t.data as ArrayLike<number>);
  const n = src.length;
  const out = allocValues(to, n) as Exclude<TensorValues, string[]>;
  if (to === "bool") for (let i = 0; i < n; i++) out[i] = src[i] ? 1 : 0;
  else if (to === "float16") for (let i = 0; i < n; i++) out[i] = roundToFloat16(Math.fround(src[i]!));
  else if (to === "bfloat16") for (let i = 0; i < n; i++) out[i] = roundToBfloat16(src[i]!);
  else if (isWideInt(to)) for (let i = 0; i < n; i++) out[i] = Math.trunc(src[i]!);
  else if (isFloat(to)) for (let i = 0; i < n; i++) out[i] = src[i]!;
  else for (let i = 0; i < n; i++) { const v = src[i]!; out[i] = Number.isFinite(v) ? Math.trunc(v) : 0; }
  return { dtype: to, shape: t.shape, data: out };
}

function castTarget(ctx: AnyCtx): DType {
  const code = ctx.attrs.int("to", 0);
  const to = Object.hasOwn(DTYPES, code) ? DTYPES[code] : undefined;
  if (!to) throw fail(ctx, `attribute to=${code} is not a known data type`);
  return to;
}

const cast: OpDef = {
  infer: (ctx) => [{ dtype: castTarget(ctx), shape: req(ctx, 0).shape }],
  run: (ctx) => [castValues(ctx, req(ctx, 0), castTarget(ctx))],
};

const castLike: OpDef = {
  infer: (ctx) => [{ dtype: req(ctx, 1).dtype, shape: req(ctx, 0).shape }],
  run: (ctx) => [castValues(ctx, req(ctx, 0), req(ctx, 1).dtype)],
};

export const shapeOps: Record<string, OpDef> = {
  Reshape: shapeOp(reshapeTarget),
  Flatten: shapeOp(flattenTarget),
  Squeeze: shapeOp(squeezeTarget),
  Unsqueeze: shapeOp(unsqueezeTarget),
  Shape: shape,
  Size: size,
  Identity: passThrough,
  Dropout: passThrough,
  Expand: expand,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  Cast: cast,
  CastLike: castLike,
};
