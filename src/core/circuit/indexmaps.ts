// Index maps that are pure relabelings of the padded layout (no sumcheck): reshapes that keep
// the row-major padded positions, transposes (padding is per dimension, so it transposes along),
// and slices whose start is aligned to the slice's padded size. Other maps need an index
// relation (circuit support for them is a separate gadget).
import type { IndexMap } from "../quant/qgraph.ts";
import { log2Ceil } from "./log.ts";

const isPow2 = (d: number) => d >= 1 && 2 ** log2Ceil(d) === d;

/** Padded positions coincide with row-major positions when every dimension but the first is a power of two. */
export function layoutIsFlat(shape: readonly number[]): boolean {
  return shape.slice(1).every(isPow2);
}

/** Why this map is not a relabeling, or null when it is. */
export function relabelingProblem(map: IndexMap, inShape: readonly number[], outShape: readonly number[]): string | null {
  switch (map.type) {
    case "reshape":
      return layoutIsFlat(inShape) && layoutIsFlat(outShape) ? null : `reshape ${JSON.stringify(inShape)} → ${JSON.stringify(outShape)} changes the padded layout`;
    case "transpose":
      return null;
    case "pad":
      // Zero padding of nothing (exported Pad nodes with all-zero pads) is the identity.
      return map.padBegin.every((v) => v === 0) && inShape.every((v, d) => v === outShape[d]) ? null : "pad is not a relabeling";
    case "slice":
      for (let d = 0; d < outShape.length; d++) {
        const size = 2 ** log2Ceil(outShape[d]!), start = map.starts[d]!;
        if (map.steps[d] !== 1) return `slice with step ${map.steps[d]} on axis ${d}`;
        if (start % size !== 0 || start + size > 2 ** log2Ceil(inShape[d]!)) return `slice start ${start} on axis ${d} is not aligned to its padded size ${size}`;
      }
      return null;
    default:
      return `${map.type} is not a relabeling`;
  }
}

/** The input point a relabeling reads: per-dimension variable groups moved or fixed. */
export function relabelPoint(map: IndexMap, parts: readonly Uint32Array[], inLogDims: readonly number[], outLogDims: readonly number[]): Uint32Array[] {
  switch (map.type) {
    case "transpose": {
      const out = new Array<Uint32Array>(parts.length);
      map.perm.forEach((src, d) => (out[src] = parts[d]!));
      return out;
    }
    case "slice":
      return parts.map((p, d) => {
        const extra = inLogDims[d]! - outLogDims[d]!;
        const block = map.starts[d]! / 2 ** outLogDims[d]!;
        const full = new Uint32Array(4 * inLogDims[d]!);
        full.set(p, 0);
        for (let t = 0; t < extra; t++) full[4 * (outLogDims[d]! + t)] = Math.floor(block / 2 ** t) % 2;
        return full;
      });
    default:
      return [...parts];
  }
}
