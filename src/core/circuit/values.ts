// Tensors in the proof's layout: each dimension padded to a power of two, row-major, entries
// in the field (signed integers as v mod p).
import { P } from "../field/index.ts";

export function paddedSize(logDims: readonly number[]): number {
  return 2 ** logDims.reduce((a, b) => a + b, 0);
}

/**
 * Walks the live region by blocks of its last two dimensions: fn(i, pos, rows, len, stride) for
 * each block — row-major index i and padded position pos of its first element, `rows` runs of
 * `len` live elements, runs `stride` apart in the padded layout (len apart in row-major order).
 */
function forEachLiveBlock(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number, rows: number, len: number, stride: number) => void): void {
  const dims = shape.length;
  if (dims === 0) return fn(0, 0, 1, 1, 1);
  const len = shape[dims - 1]!, rows = dims > 1 ? shape[dims - 2]! : 1;
  const stride = 2 ** logDims[dims - 1]!, blockStride = dims > 1 ? stride * 2 ** logDims[dims - 2]! : stride;
  const outer = shape.slice(0, Math.max(0, dims - 2));
  const blocks = outer.reduce((a, b) => a * b, 1);
  if (len === 0 || rows === 0 || blocks === 0) return;
  const idx = new Array<number>(outer.length).fill(0);
  for (let b = 0; b < blocks; b++) {
    let pos = 0;
    for (let d = 0; d < outer.length; d++) pos = pos * 2 ** logDims[d]! + idx[d]!;
    fn(b * rows * len, pos * blockStride, rows, len, stride);
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++idx[d]! < outer[d]!) break;
      idx[d] = 0;
    }
  }
}

/**
 * Calls fn(i, pos, len) for every run of live elements along the last dimension: the run's
 * row-major index and padded position (the run is contiguous in both).
 */
export function forEachLiveRun(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number, len: number) => void): void {
  forEachLiveBlock(shape, logDims, (i, pos, rows, len, stride) => {
    for (let r = 0; r < rows; r++) fn(i + r * len, pos + r * stride, len);
  });
}

/** Calls fn(i, pos) for every live element: its row-major index and its padded position. */
export function forEachLive(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number) => void): void {
  forEachLiveBlock(shape, logDims, (i, pos, rows, len, stride) => {
    for (let r = 0; r < rows; r++) for (let j = 0; j < len; j++) fn(i + r * len + j, pos + r * stride + j);
  });
}

/** Places a row-major tensor of `shape` into its padded layout; padding is 0. */
export function padInts(values: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(paddedSize(logDims));
  forEachLiveBlock(shape, logDims, (i, pos, rows, len, stride) => {
    for (let r = 0; r < rows; r++) {
      const src = i + r * len, dst = pos + r * stride;
      for (let j = 0; j < len; j++) out[dst + j] = values[src + j]!;
    }
  });
  return out;
}

/** Reads the live region back out of a padded layout. */
export function unpadInts(padded: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  forEachLiveBlock(shape, logDims, (i, pos, rows, len, stride) => {
    for (let r = 0; r < rows; r++) {
      const dst = i + r * len, src = pos + r * stride;
      for (let j = 0; j < len; j++) out[dst + j] = padded[src + j]!;
    }
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
