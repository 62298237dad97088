// Resize and Upsample in nearest and linear modes (Resize-10…19, Upsample-7/9), axis by axis:
// each output index maps to an input coordinate by the coordinate transform; nearest copies the
// element the rounding picks, linear blends the two around it (edges clamped). Resize-10 and
// Upsample map coordinates asymmetrically and round down, as the ONNX version converter says.
// The quantizer lowers the same taps (gathers for nearest, a constant matrix per axis for
// linear), so the float and integer models use the same elements and weights.
import type { Attrs } from "../attrs.ts";
import { fail, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";
import type { Tensor } from "../tensor.ts";
import { sizeOf } from "../tensor.ts";

const MAX_AXIS = 2 ** 24;

export interface ResizeNode {
  node: string;
  opType: "Resize" | "Upsample";
  opset: number;
  attrs: Attrs;
}

/** One output index's taps: [input index, weight] pairs (nearest: one, weight 1). */
export type Taps = [number, number][];

/** Per axis, per output index, the input elements it takes and their weights. */
export function resizeTaps(n: ResizeNode, x: readonly number[], input: (i: number) => number[] | undefined): { mode: "nearest" | "linear"; axes: Taps[][] } {
  const r = x.length;
  const legacy = n.opType === "Upsample" || n.opset < 11;
  const mode = n.attrs.string("mode", "nearest");
  if (mode !== "nearest" && mode !== "linear") throw fail(n, `${n.opType} in ${mode} mode is not supported (nearest and linear are); re-export with one of them`);
  if (mode === "linear" && n.attrs.int("antialias", 0) !== 0) throw fail(n, "an antialiased linear Resize is not supported; re-export with antialias=0");
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
  const axesTaps = x.map((len, d) => Array.from({ length: out[d]! }, (_, o): Taps => {
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
      default: throw fail(n, `coordinate_transformation_mode ${transform} is not supported`);
    }
    const clamp = (i: number) => Math.min(Math.max(i, 0), len - 1);
    if (mode === "linear") {
      const i0 = Math.floor(c), t = c - i0;
      return clamp(i0) === clamp(i0 + 1) || t === 0 ? [[clamp(t === 0 ? i0 : i0 + 1), 1]] : [[clamp(i0), 1 - t], [clamp(i0 + 1), t]];
    }
    let i: number;
    switch (rounding) {
      case "round_prefer_floor": i = c - Math.floor(c) === 0.5 ? Math.floor(c) : Math.round(c); break;
      case "round_prefer_ceil": i = Math.floor(c + 0.5); break;
      case "floor": i = Math.floor(c); break;
      case "ceil": i = Math.ceil(c); break;
      default: throw fail(n, `nearest_mode ${rounding} is not supported`);
    }
    return [[clamp(i), 1]];
  }));
  return { mode, axes: axesTaps };
}

function resizeOp(opType: "Resize" | "Upsample"): OpDef {
  const taps = (ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, x: number[]) => resizeTaps({ node: ctx.node, opType, opset: ctx.opset, attrs: ctx.attrs }, x, (i) => {
    const v = ctx.inputs[i];
    if (v === undefined) return undefined;
    const t = "data" in v ? (v as Tensor) : (v as ValueMeta).value;
    if (!t) throw fail(ctx, `its input ${i} (scales or sizes) must be a constant; export the model with fixed sizes`);
    return Array.from(t.data as ArrayLike<number>, Number);
  }).axes;
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      return [{ dtype: x.dtype, shape: taps(ctx, x.shape).map((t) => t.length) }];
    },
    run(ctx) {
      const x = req(ctx, 0);
      const axes = taps(ctx, x.shape);
      // One axis at a time, in float64: out[…, o, …] = Σ_taps w·in[…, i, …].
      let shape = [...x.shape], cur = Float64Array.from(x.data as ArrayLike<number>);
      axes.forEach((t, d) => {
        if (t.length === shape[d] && t.every((tap, o) => tap.length === 1 && tap[0]![0] === o)) return;
        const outer = sizeOf(shape.slice(0, d)), inner = sizeOf(shape.slice(d + 1)), len = shape[d]!;
        const next = new Float64Array(outer * t.length * inner);
        for (let a = 0; a < outer; a++) {
          for (let o = 0; o < t.length; o++) {
            const dst = (a * t.length + o) * inner;
            for (const [i, w] of t[o]!) {
              const src = (a * len + i) * inner;
              for (let b = 0; b < inner; b++) next[dst + b] = next[dst + b]! + w * cur[src + b]!;
            }
          }
        }
        shape = shape.map((v, k) => (k === d ? t.length : v));
        cur = next;
      });
      // The input's element type (nearest copies exact values of any type).
      const Out = (x.data as unknown as { constructor: new (n: number) => { [i: number]: number } }).constructor;
      const out = new Out(cur.length);
      for (let i = 0; i < cur.length; i++) out[i] = cur[i]!;
      return [{ ...x, shape, data: out } as Tensor];
    },
  };
}

export const resizeOps: Record<string, OpDef> = { Resize: resizeOp("Resize"), Upsample: resizeOp("Upsample") };
