// Numpy-style multidirectional broadcasting.
import { sameShape } from "./op.ts";
import { sizeOf, stridesOf } from "../tensor.ts";

/** The broadcast shape of several shapes, or undefined when they are incompatible. */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!, cur = out[o]!;
      if (d === cur || d === 1) continue;
      if (cur === 1) out[o] = d;
      else return undefined;
    }
  }
  return out;
}

/**
 * For each element of `out` (row-major), the index of the element of a tensor of shape `from`
 * broadcast to it; undefined when no mapping is needed (same shape).
 */
export function broadcastIndex(out: readonly number[], from: readonly number[]): Int32Array | undefined {
  if (sameShape(out, from)) return undefined;
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  if (sizeOf(from) === 1) return idx;
  const rank = out.length;
  const fs = stridesOf(from);
  const st = new Array<number>(rank).fill(0);
  for (let i = 0; i < from.length; i++) {
    const o = rank - from.length + i;
    st[o] = from[i] === 1 ? 0 : fs[i]!;
  }
  const inner = out[rank - 1] ?? 1, innerStride = st[rank - 1] ?? 0;
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let i = 0; i < n; i += inner) {
    for (let j = 0; j < inner; j++) idx[i + j] = base + j * innerStride;
    // advance the odometer over all but the innermost axis
    for (let ax = rank - 2; ax >= 0; ax--) {
      counter[ax]!++;
      base += st[ax]!;
      if (counter[ax]! < out[ax]!) break;
      base -= st[ax]! * counter[ax]!;
      counter[ax] = 0;
    }
  }
  return idx;
}
