// Resize and Upsample in nearest mode: every output element copies one input element, picked per
// axis by the coordinate transform and the rounding the attributes name (Resize-10…19,
// Upsample-7/9). Resize-10 and Upsample map coordinates asymmetrically and round down, as the
// ONNX version converter says. The quantizer lowers the same choice of sources to gathers, so
// the float and integer models pick the same elements (resizeSources serves both).
import type { Attrs } from "../attrs.ts";
import { fail, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";
import type { Tensor } from "../tensor.ts";
import { sizeOf, stridesOf } from "../tensor.ts";

const MAX_AXIS = 2 ** 24;

export interface ResizeNode {
  node: string;
  opType: "Resize" | "Upsample";
  opset: number;
  attrs: Attrs;
}

/** Per axis, the input index each output index copies (its length is the output size). */
export function resizeSources(n: ResizeNode, x: readonly number[], input: (i: number) => number[] | undefined): number[][] {
  const r = x.length;
  const legacy = n.opType === "Upsample" || n.opset < 11;
  const mode = n.attrs.string("mode", "nearest");
  if (mode !== "nearest") throw fail(n, `${n.opType} in ${mode} mode is not supported (nearest is); re-export with mode='nearest'`);
  const transform = legacy ? "asymmetric" : n.attrs.string("coordinate_transformation_mode", "half_pixel");
  const rounding = legacy ? "floor" : n.attrs.string("nearest_mode", "round_prefer_floor");
  if (n.attrs.string("keep_aspect_ratio_policy", "stretch") !== "stretch") throw fail(n, "keep_aspect_ratio_policy other than stretch is not supported");
  const scalesIn = n.opType === "Upsample" && n.opset < 9 ? n.attrs.floats("scales") : input(n.opType === "Resize" && n.opset >= 11 ? 2 : 1);
  const sizesIn = n.opType === "Resize" && n.opset >= 11 ? input(3) : undefined;
  const axes = (n.attrs.ints("axes") ?? x.map((_, d) => d)).map((a) => (a < 0 ? a + r : a));
  if (axes.some((a) => !Number.isInteger(a) || a < 0 || a >= r)) throw fail(n, `axes [${axes.join(",")}] do not fit a rank-${r} input`);
  const scale = x.map(() => 1), out = [...x];
  if (sizesIn && sizesIn.length > 0) {
    if (sizesIn.length !== axes.length || sizesIn.some((v) => !Number.isInteger(v) || v < 1)) throw fail(n, `sizes [${sizesIn.join(",")}] must be ${axes.length} positive integers`);
    axes.forEach((a, i) => { out[a] = sizesIn[i]!; scale[a] = sizesIn[i]! / x[a]!; });
  } else if (scalesIn && scalesIn.length > 0) {
    if (scalesIn.length !== axes.length || scalesIn.some((v) => !(v > 0) || !Number.isFinite(v))) throw fail(n, `scales [${scalesIn.join(",")}] must be ${axes.length} positive numbers`);
    axes.forEach((a, i) => { scale[a] = scalesIn[i]!; out[a] = Math.floor(x[a]! * scalesIn[i]!); });
  } else {
    throw fail(n, `${n.opType} needs scales or sizes (constant inputs)`);
  }
  if (out.some((d) => d < 1)) throw fail(n, `the output shape [${out.join(",")}] has an empty axis`);
  // Checked before the per-axis tables are made (the loader bounds the whole tensor after).
  if (out.some((d) => d > MAX_AXIS)) throw fail(n, `the output shape [${out.join(",")}] has an axis over ${MAX_AXIS}; check the scales or sizes`);
  return x.map((len, d) => Array.from({ length: out[d]! }, (_, o) => {
    const s = scale[d]!, size = out[d]!;
    let c: number;
    switch (transform) {
      case "half_pixel": c = (o + 0.5) / s - 0.5; break;
      case "pytorch_half_pixel": c = size > 1 ? (o + 0.5) / s - 0.5 : 0; break;
      case "align_corners": c = size === 1 ? 0 : (o * (len - 1)) / (size - 1); break;
      case "asymmetric": c = o / s; break;
      case "half_pixel_symmetric": {
        const adjustment = size / (s * len), center = (len / 2) * (1 - adjustment);
        c = center + (o + 0.5) / s - 0.5;
        break;
      }
      default: throw fail(n, `coordinate_transformation_mode ${transform} is not supported with nearest resizing`);
    }
    let i: number;
    switch (rounding) {
      case "round_prefer_floor": i = c - Math.floor(c) === 0.5 ? Math.floor(c) : Math.round(c); break;
      case "round_prefer_ceil": i = Math.floor(c + 0.5); break;
      case "floor": i = Math.floor(c); break;
      case "ceil": i = Math.ceil(c); break;
      default: throw fail(n, `nearest_mode ${rounding} is not supported`);
    }
    return Math.min(Math.max(i, 0), len - 1);
  }));
}

function resizeOp(opType: "Resize" | "Upsample"): OpDef {
  const sources = (ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, x: number[]) => resizeSources({ node: ctx.node, opType, opset: ctx.opset, attrs: ctx.attrs }, x, (i) => {
    const v = ctx.inputs[i];
    if (v === undefined) return undefined;
    const t = "data" in v ? (v as Tensor) : (v as ValueMeta).value;
    if (!t) throw fail(ctx, `its input ${i} (scales or sizes) must be a constant; export the model with fixed sizes`);
    return Array.from(t.data as ArrayLike<number>, Number);
  });
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      return [{ dtype: x.dtype, shape: sources(ctx, x.shape).map((s) => s.length) }];
    },
    run(ctx) {
      const x = req(ctx, 0);
      const src = sources(ctx, x.shape), shape = src.map((s) => s.length), xs = stridesOf(x.shape);
      const data = x.data as ArrayLike<number> & { length: number };
      const out = new (data.constructor as new (n: number) => Float32Array)(sizeOf(shape));
      const c = new Array<number>(shape.length).fill(0);
      for (let i = 0; i < out.length; i++) {
        let j = 0;
        for (let d = 0; d < shape.length; d++) j += src[d]![c[d]!]! * xs[d]!;
        out[i] = data[j]!;
        for (let d = shape.length - 1; d >= 0; d--) {
          if (++c[d]! < shape[d]!) break;
          c[d] = 0;
        }
      }
      return [{ ...x, shape, data: out } as Tensor];
    },
  };
}

export const resizeOps: Record<string, OpDef> = { Resize: resizeOp("Resize"), Upsample: resizeOp("Upsample") };
