// Tensors in the proof's layout: each dimension padded to a power of two, row-major, entries
// in the field (signed integers as v mod p).
import { P } from "../field/index.ts";

export function paddedSize(logDims: readonly number[]): number {
  return 2 ** logDims.reduce((a, b) => a + b, 0);
}

/**
 * Calls fn(i, pos, len) for every run of live elements along the last dimension: the run's
 * row-major index and padded position (the run is contiguous in both).
 */
export function forEachLiveRun(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number, len: number) => void): void {
  const dims = shape.length;
  if (dims === 0) return fn(0, 0, 1);
  const len = shape[dims - 1]!, rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (len === 0 || rows === 0) return;
  const rowStride = 2 ** logDims[dims - 1]!;
  const idx = new Array<number>(dims - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let pos = 0;
    for (let d = 0; d < dims - 1; d++) pos = pos * 2 ** logDims[d]! + idx[d]!;
    fn(r * len, pos * rowStride, len);
    for (let d = dims - 2; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Calls fn(i, pos) for every live element: its row-major index and its padded position. */
export function forEachLive(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number) => void): void {
  forEachLiveRun(shape, logDims, (i, pos, len) => {
    for (let j = 0; j < len; j++) fn(i + j, pos + j);
  });
}

/** Places a row-major tensor of `shape` into its padded layout; padding is 0. */
export function padInts(values: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(paddedSize(logDims));
  forEachLiveRun(shape, logDims, (i, pos, len) => {
    for (let j = 0; j < len; j++) out[pos + j] = values[i + j]!;
  });
  return out;
}

/** Reads the live region back out of a padded layout. */
export function unpadInts(padded: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  forEachLiveRun(shape, logDims, (i, pos, len) => {
    for (let j = 0; j < len; j++) out[i + j] = padded[pos + j]!;
  });
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
