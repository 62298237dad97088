// Tensors in the proof's layout: each dimension padded to a power of two, row-major, entries
// in the field (signed integers as v mod p).
import { P } from "../field/index.ts";

export function paddedSize(logDims: readonly number[]): number {
  return 2 ** logDims.reduce((a, b) => a + b, 0);
}

/**
 * The live region by blocks of its last two dimensions: block b starts at row-major index
 * starts[b] and padded position positions[b], and holds `rows` runs of `len` live elements,
 * runs `stride` apart in the padded layout (len apart in row-major order). Made once per shape.
 */
export interface LiveBlocks {
  starts: Float64Array;
  positions: Float64Array;
  rows: number;
  len: number;
  stride: number;
}

const blockCache = new Map<string, LiveBlocks>();

export function liveBlocks(shape: readonly number[], logDims: readonly number[]): LiveBlocks {
  const key = `${shape.join(",")}|${logDims.join(",")}`;
  let made = blockCache.get(key);
  if (!made) {
    if (blockCache.size >= 1024) blockCache.clear();
    blockCache.set(key, (made = buildBlocks(shape, logDims)));
  }
  return made;
}

function buildBlocks(shape: readonly number[], logDims: readonly number[]): LiveBlocks {
  const dims = shape.length;
  if (dims === 0) return { starts: Float64Array.of(0), positions: Float64Array.of(0), rows: 1, len: 1, stride: 1 };
  const len = shape[dims - 1]!, rows = dims > 1 ? shape[dims - 2]! : 1;
  const stride = 2 ** logDims[dims - 1]!, blockStride = dims > 1 ? stride * 2 ** logDims[dims - 2]! : stride;
  const outer = shape.slice(0, Math.max(0, dims - 2));
  const blocks = len === 0 || rows === 0 ? 0 : outer.reduce((a, b) => a * b, 1);
  const starts = new Float64Array(blocks), positions = new Float64Array(blocks);
  // Padded position of block (i_0, …, i_k) = Σ i_d·step[d]; the index counts up like an odometer
  // (no power per block: vgg16's conv weights have 262144 blocks).
  const step = outer.map((_, d) => blockStride * 2 ** logDims.slice(d + 1, outer.length).reduce((a, b) => a + b, 0));
  const idx = new Array<number>(outer.length).fill(0);
  let pos = 0;
  for (let b = 0; b < blocks; b++) {
    starts[b] = b * rows * len;
    positions[b] = pos;
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++idx[d]! < outer[d]!) {
        pos += step[d]!;
        break;
      }
      pos -= (idx[d]! - 1) * step[d]!;
      idx[d] = 0;
    }
  }
  return { starts, positions, rows, len, stride };
}

/**
 * Calls fn(i, pos, len) for every run of live elements along the last dimension: the run's
 * row-major index and padded position (the run is contiguous in both).
 */
export function forEachLiveRun(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number, len: number) => void): void {
  const { starts, positions, rows, len, stride } = liveBlocks(shape, logDims);
  for (let b = 0; b < starts.length; b++) for (let r = 0; r < rows; r++) fn(starts[b]! + r * len, positions[b]! + r * stride, len);
}

/** Calls fn(i, pos) for every live element: its row-major index and its padded position. */
export function forEachLive(shape: readonly number[], logDims: readonly number[], fn: (i: number, pos: number) => void): void {
  forEachLiveRun(shape, logDims, (i, pos, len) => {
    for (let j = 0; j < len; j++) fn(i + j, pos + j);
  });
}

/** Places a row-major tensor of `shape` into its padded layout (`out`'s padding is kept: 0 when new). */
export function padInts(values: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array;
export function padInts<T extends Float64Array | Int32Array>(values: ArrayLike<number>, shape: readonly number[], logDims: readonly number[], out: T): T;
export function padInts(values: ArrayLike<number>, shape: readonly number[], logDims: readonly number[], out: Float64Array | Int32Array = new Float64Array(paddedSize(logDims))): Float64Array | Int32Array {
  const blocks = liveBlocks(shape, logDims);
  // Long runs of a typed array convert in one set() each (native); short runs of Int32Array
  // (conv kernels, the integer evaluator's outputs) in loops of one element type each.
  if (blocks.len < 32 && values instanceof Int32Array) {
    if (out instanceof Int32Array) copyRunsI32(values, out, blocks);
    else copyRunsF64(values, out, blocks);
    return out;
  }
  const { starts, positions, rows, len, stride } = blocks;
  const typed = len >= 32 && ArrayBuffer.isView(values) ? (values as unknown as Int32Array) : undefined;
  for (let b = 0; b < starts.length; b++) {
    for (let r = 0; r < rows; r++) {
      const src = starts[b]! + r * len, dst = positions[b]! + r * stride;
      if (typed) out.set(typed.subarray(src, src + len), dst);
      else for (let j = 0; j < len; j++) out[dst + j] = values[src + j]!;
    }
  }
  return out;
}

function copyRunsI32(values: Int32Array, out: Int32Array, { starts, positions, rows, len, stride }: LiveBlocks): void {
  for (let b = 0; b < starts.length; b++) {
    for (let r = 0, src = starts[b]!, dst = positions[b]!; r < rows; r++, src += len, dst += stride) {
      for (let j = 0; j < len; j++) out[dst + j] = values[src + j]!;
    }
  }
}

function copyRunsF64(values: Int32Array, out: Float64Array, { starts, positions, rows, len, stride }: LiveBlocks): void {
  for (let b = 0; b < starts.length; b++) {
    for (let r = 0, src = starts[b]!, dst = positions[b]!; r < rows; r++, src += len, dst += stride) {
      for (let j = 0; j < len; j++) out[dst + j] = values[src + j]!;
    }
  }
}

/** Reads the live region back out of a padded layout. */
export function unpadInts(padded: ArrayLike<number>, shape: readonly number[], logDims: readonly number[]): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const { starts, positions, rows, len, stride } = liveBlocks(shape, logDims);
  for (let b = 0; b < starts.length; b++) {
    for (let r = 0; r < rows; r++) {
      const dst = starts[b]! + r * len, src = positions[b]! + r * stride;
      for (let j = 0; j < len; j++) out[dst + j] = padded[src + j]!;
    }
  }
  return out;
}

/** Signed integers (|v| < p/2) into canonical field elements. */
export function toField(values: ArrayLike<number>, out: Uint32Array = new Uint32Array(values.length)): Uint32Array {
  if (out.length !== values.length) throw new Error(`toField: ${values.length} values into ${out.length} slots`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v < 0 ? P + v : v;
  }
  return out;
}
