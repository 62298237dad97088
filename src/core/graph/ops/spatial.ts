// Window geometry shared by Conv, ConvTranspose and the pools: strides, dilations, pads,
// auto_pad and ceil_mode turned into concrete per-axis numbers.
import type { Attrs } from "../attrs.ts";
import { fail } from "./op.ts";

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padBegin: number[];
  padEnd: number[];
  /** Output spatial sizes. */
  out: number[];
}

function perAxis(ctx: { node: string }, attrs: Attrs, name: string, rank: number, def: number): number[] {
  const v = attrs.ints(name);
  if (!v) return new Array<number>(rank).fill(def);
  if (v.length !== rank) throw fail(ctx, `attribute ${name} has ${v.length} values for ${rank} spatial axes`);
  return v;
}

/** Geometry of a sliding window over `spatial` (Conv and pools). */
export function slidingWindow(
  ctx: { node: string }, attrs: Attrs, spatial: number[], kernel: number[], ceilMode = false,
): Window {
  const r = spatial.length;
  if (kernel.length !== r) throw fail(ctx, `kernel has ${kernel.length} spatial axes but the input has ${r}`);
  const strides = perAxis(ctx, attrs, "strides", r, 1);
  const dilations = perAxis(ctx, attrs, "dilations", r, 1);
  if ([...strides, ...dilations, ...kernel].some((v) => !Number.isInteger(v) || v < 1)) {
    throw fail(ctx, "kernel sizes, strides and dilations must be positive integers");
  }
  const autoPad = attrs.string("auto_pad", "NOTSET");
  const padBegin = new Array<number>(r).fill(0), padEnd = new Array<number>(r).fill(0);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const ext = (kernel[i]! - 1) * dilations[i]! + 1;
    const s = strides[i]!, n = spatial[i]!;
    if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      const o = Math.ceil(n / s);
      const total = Math.max(0, (o - 1) * s + ext - n);
      const small = Math.floor(total / 2);
      padBegin[i] = autoPad === "SAME_UPPER" ? small : total - small;
      padEnd[i] = total - padBegin[i]!;
      out[i] = o;
    } else {
      if (autoPad === "NOTSET") {
        const pads = attrs.ints("pads");
        if (pads) {
          if (pads.length !== 2 * r) throw fail(ctx, `attribute pads has ${pads.length} values for ${r} spatial axes`);
          padBegin[i] = pads[i]!;
          padEnd[i] = pads[i + r]!;
        }
      } else if (autoPad !== "VALID") {
        throw fail(ctx, `unknown auto_pad '${autoPad}'`);
      }
      if (padBegin[i]! < 0 || padEnd[i]! < 0) throw fail(ctx, "negative pads are not supported");
      const span = n + padBegin[i]! + padEnd[i]! - ext;
      if (span < 0) throw fail(ctx, `the window (${ext}) is larger than the padded input (${n + padBegin[i]! + padEnd[i]!}) on spatial axis ${i}`);
      let o = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // a last window that would start in the end padding is dropped (ceil_mode)
      if (ceilMode && (o - 1) * s >= n + padBegin[i]!) o--;
      out[i] = o;
    }
  }
  return { kernel, strides, dilations, padBegin, padEnd, out };
}

/** Geometry of ConvTranspose: output sizes and the pads that produce them. */
export function transposedWindow(ctx: { node: string }, attrs: Attrs, spatial: number[], kernel: number[]): Window {
  const r = spatial.length;
  const strides = perAxis(ctx, attrs, "strides", r, 1);
  const dilations = perAxis(ctx, attrs, "dilations", r, 1);
  const outPad = perAxis(ctx, attrs, "output_padding", r, 0);
  const autoPad = attrs.string("auto_pad", "NOTSET");
  const outputShape = attrs.ints("output_shape");
  const padBegin = new Array<number>(r).fill(0), padEnd = new Array<number>(r).fill(0);
  const out = new Array<number>(r);
  const pads = attrs.ints("pads");
  for (let i = 0; i < r; i++) {
    const ext = (kernel[i]! - 1) * dilations[i]! + 1;
    const full = strides[i]! * (spatial[i]! - 1) + outPad[i]! + ext;
    let target: number | undefined;
    if (outputShape) target = outputShape[outputShape.length - r + i];
    else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") target = spatial[i]! * strides[i]!;
    if (target !== undefined) {
      const total = full - target;
      const half = Math.floor(total / 2);
      padBegin[i] = autoPad === "SAME_UPPER" ? half : total - half;
      padEnd[i] = total - padBegin[i]!;
      out[i] = target;
    } else {
      if (pads) {
        if (pads.length !== 2 * r) throw fail(ctx, `attribute pads has ${pads.length} values for ${r} spatial axes`);
        padBegin[i] = pads[i]!;
        padEnd[i] = pads[i + r]!;
      }
      out[i] = full - padBegin[i]! - padEnd[i]!;
    }
    if (!(out[i]! >= 1)) throw fail(ctx, `output spatial size ${out[i]} on axis ${i} is not positive`);
  }
  return { kernel, strides, dilations, padBegin, padEnd, out };
}
