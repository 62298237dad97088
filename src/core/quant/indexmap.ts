// Shape ops as explicit index maps: out[i] = in[map[i]], or 0 where map[i] = −1. For several
// inputs (concat), indices run over the inputs laid end to end. The circuit proves the same map.
import { sizeOf, stridesOf } from "../graph/tensor.ts"; // not the index: the exported verifier bundles bounds alone
import { QuantError } from "./errors.ts";
import type { IndexMap } from "./qgraph.ts";

/** Calls fn(flatOut, coords) for every output position in row-major order (coords is reused). */
function forEachCoord(shape: readonly number[], fn: (i: number, c: number[]) => void): void {
  const n = sizeOf(shape);
  const c = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    fn(i, c);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++c[d]! < shape[d]!) break;
      c[d] = 0;
    }
  }
}

/** The map of one indexmap op from its input shapes to its output shape. */
export function indexMapOf(map: IndexMap, inShapes: readonly (readonly number[])[], outShape: readonly number[], where: string): Int32Array {
  const out = new Int32Array(sizeOf(outShape));
  const x = inShapes[0];
  if (!x) throw new QuantError(`${where}: an index map needs an input`, { node: where });
  const xs = stridesOf(x);
  const fail = (what: string) => new QuantError(`${where}: ${map.type} ${what}`, { node: where });
  switch (map.type) {
    case "reshape":
      if (sizeOf(x) !== out.length) throw fail(`from ${sizeOf(x)} to ${out.length} elements`);
      for (let i = 0; i < out.length; i++) out[i] = i;
      return out;
    case "transpose":
      if (map.perm.length !== x.length) throw fail("permutation does not match the input rank");
      forEachCoord(outShape, (i, c) => {
        let j = 0;
        for (let d = 0; d < c.length; d++) j += c[d]! * xs[map.perm[d]!]!;
        out[i] = j;
      });
      return out;
    case "slice":
      forEachCoord(outShape, (i, c) => {
        let j = 0;
        for (let d = 0; d < c.length; d++) {
          const v = map.starts[d]! + c[d]! * map.steps[d]!;
          if (v < 0 || v >= x[d]!) throw fail(`reads outside axis ${d} of the input`);
          j += v * xs[d]!;
        }
        out[i] = j;
      });
      return out;
    case "pad":
      forEachCoord(outShape, (i, c) => {
        let j = 0;
        for (let d = 0; d < c.length; d++) {
          const v = c[d]! - map.padBegin[d]!;
          if (v < 0 || v >= x[d]!) {
            j = -1;
            break;
          }
          j += v * xs[d]!;
        }
        out[i] = j;
      });
      return out;
    case "upsample":
      forEachCoord(outShape, (i, c) => {
        let j = 0;
        for (let d = 0; d < c.length; d++) {
          const v = c[d]! - map.starts[d]!, f = map.factors[d]!;
          if (v < 0 || v % f !== 0 || v / f >= x[d]!) {
            j = -1;
            break;
          }
          j += (v / f) * xs[d]!;
        }
        out[i] = j;
      });
      return out;
    case "concat": {
      const a = map.axis;
      const offsets: number[] = [];
      const starts: number[] = [];
      let flat = 0, along = 0;
      for (const s of inShapes) {
        offsets.push(flat);
        starts.push(along);
        flat += sizeOf(s);
        along += s[a]!;
      }
      forEachCoord(outShape, (i, c) => {
        let k = starts.length - 1;
        while (starts[k]! > c[a]!) k--;
        const s = inShapes[k]!, ss = stridesOf(s);
        let j = offsets[k]!;
        for (let d = 0; d < c.length; d++) j += (d === a ? c[d]! - starts[k]! : c[d]!) * ss[d]!;
        out[i] = j;
      });
      return out;
    }
    case "gather": {
      const a = map.axis;
      const outer = sizeOf(x.slice(0, a)), inner = sizeOf(x.slice(a + 1)), n = x[a]!;
      const m = map.indices.length;
      if (outer * m * inner !== out.length) throw fail("output size does not match its indices");
      for (let o = 0; o < outer; o++) {
        for (let t = 0; t < m; t++) {
          let g = map.indices[t]!;
          if (g < 0) g += n;
          if (g < 0 || g >= n) throw fail(`index ${map.indices[t]} is outside an axis of ${n}`);
          for (let r = 0; r < inner; r++) out[(o * m + t) * inner + r] = (o * n + g) * inner + r;
        }
      }
      return out;
    }
  }
}
