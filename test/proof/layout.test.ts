// The padded layout (PROTOCOL §3): every dimension padded to a power of two, row-major. Checked
// against the definition position by position, for ranks 0 to 5 and odd sizes.
import { describe, expect, it } from "vitest";
import { forEachLive, forEachLiveRun, log2Ceil, padInts, unpadInts } from "../../src/core/circuit/index.ts";

function paddedPosition(coords: number[], logDims: number[]): number {
  return coords.reduce((pos, c, d) => pos * 2 ** logDims[d]! + c, 0);
}

function coordsOf(i: number, shape: number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

describe("padded layouts", () => {
  for (const shape of [[], [5], [3, 1], [1, 7], [3, 5], [2, 3, 3], [512, 3, 3], [2, 1, 6, 5], [1, 3, 4, 4], [3, 5, 2, 3], [3, 2, 3, 1, 3]]) {
    it(`places and reads back ${JSON.stringify(shape)}`, () => {
      const logDims = shape.map(log2Ceil);
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Float64Array.from({ length: n }, (_, i) => i * 7 - 40);
      const padded = padInts(values, shape, logDims);
      expect(padded.length).toBe(2 ** logDims.reduce((a, b) => a + b, 0));
      const expected = new Float64Array(padded.length);
      for (let i = 0; i < n; i++) expected[paddedPosition(coordsOf(i, shape), logDims)] = values[i]!;
      expect(padded).toEqual(expected);
      expect(unpadInts(padded, shape, logDims)).toEqual(values);
      // Int32Array sources (weights, the integer evaluator's outputs) into either output type.
      const ints = Int32Array.from(values);
      expect(padInts(ints, shape, logDims)).toEqual(expected);
      expect(padInts(ints, shape, logDims, new Int32Array(padded.length))).toEqual(Int32Array.from(expected));
      const seen: [number, number][] = [];
      forEachLive(shape, logDims, (i, pos) => seen.push([i, pos]));
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => [i, paddedPosition(coordsOf(i, shape), logDims)]));
      let covered = 0;
      forEachLiveRun(shape, logDims, (i, pos, len) => {
        for (let j = 0; j < len; j++) expect(pos + j).toBe(paddedPosition(coordsOf(i + j, shape), logDims));
        covered += len;
      });
      expect(covered).toBe(n);
    });
  }
});
