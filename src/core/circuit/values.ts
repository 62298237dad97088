// Tensors in the proof's layout: each dimension padded to a power of two, row-major, entries
// in the field (signed integers as v mod p).
import { P } from "../field/index.ts";

export function paddedSize(logDims: readonly number[]): number {
  return 2 ** logDims.reduce((a, b) => a + b, 0);
}

/** Calls fn(i, pos) for every live element: its row-major index and its padded position. */
export function forEachLive(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const dims = shape.length;
  const idx = new Array<number>(dims).fill(0);
  for (let i = 0; i < n; i++) {
    let pos = 0;
    for (let d = 0; d < dims; d++) pos = pos * 2 ** logDims[d]! + idx[d]!;
    fn(i, pos);
    for (let d = dims - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Places a row-major tensor of `shape` into its padded layout; padding is 0. */
export function padInts(values: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(paddedSize(logDims));
  forEachLive(shape, logDims, (i, pos) => (out[pos] = values[i]!));
  return out;
}

/** Reads the live region back out of a padded layout. */
export function unpadInts(padded: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  forEachLive(shape, logDims, (i, pos) => (out[i] = padded[pos]!));
  return out;
}

/** Signed integers (|v| < p/2) into canonical field elements. */
export function toField(values: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v < 0 ? P + v : v;
  }
  return out;
}
