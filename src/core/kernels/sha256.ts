// Loader of the wasm SHA-256 kernel (assembly/sha256.ts): batched hashing of equal-length messages.
import { wasmBase64 } from "./generated/sha256.wasm.ts";
import { instantiateKernel, type KernelInstance } from "./load.ts";

export interface Sha256Exports {
  heapBase(): number;
  scratchBytes(len: number): number;
  hashBatch(input: number, len: number, count: number, prefix: number, out: number, scratch: number): void;
  columnScratchBytes(rows: number): number;
  columnsInit(states: number, from: number, to: number, prefix: number): void;
  columnsAbsorb(states: number, block: number, len: number, rows: number, from: number, to: number, scratch: number): void;
  columnsFinish(states: number, from: number, to: number, total: number, out: number, scratch: number): void;
}

let instance: KernelInstance<Sha256Exports> | undefined;
function kernel(): KernelInstance<Sha256Exports> {
  instance ??= instantiateKernel<Sha256Exports>(wasmBase64);
  return instance;
}

// Big batches go through wasm memory in chunks of about this many input bytes, so the
// instance's memory stays small however much is hashed.
const CHUNK_BYTES = 1 << 20;

/**
 * SHA-256 of `data.length / len` consecutive messages of `len` bytes, each preceded by the byte
 * `prefix` when given; returns the 32-byte digests concatenated.
 */
export function wasmSha256Batch(data: Uint8Array, len: number, prefix?: number): Uint8Array {
  const count = len === 0 ? 0 : data.length / len;
  if (!Number.isInteger(count)) throw new Error(`kernels: sha256 batch of ${data.length} bytes is not a multiple of ${len}`);
  const out = new Uint8Array(32 * count);
  const k = kernel();
  const base = k.exports.heapBase();
  const per = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(len, 1)));
  const scratch = (base + per * len + 32 * per + 15) & ~15;
  const need = scratch + k.exports.scratchBytes(len);
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Uint8Array(k.memory.buffer);
  const pre = prefix === undefined ? -1 : prefix & 0xff;
  for (let i = 0; i < count; i += per) {
    const c = Math.min(per, count - i);
    mem.set(data.subarray(i * len, (i + c) * len), base);
    const outPtr = base + c * len;
    k.exports.hashBatch(base, len, c, pre, outPtr, scratch);
    out.set(mem.subarray(outPtr, outPtr + 32 * c), 32 * i);
  }
  return out;
}

/** SHA-256 of one message in wasm. */
export function wasmSha256(data: Uint8Array): Uint8Array {
  const k = kernel();
  const base = k.exports.heapBase(), scratch = (base + data.length + 32 + 15) & ~15;
  const need = scratch + k.exports.scratchBytes(data.length);
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Uint8Array(k.memory.buffer);
  mem.set(data, base);
  k.exports.hashBatch(base, data.length, 1, -1, base + data.length, scratch);
  return mem.slice(base + data.length, base + data.length + 32);
}

/** Bytes of one column's streaming state in the kernels (assembly/sha256.ts COLUMN_STATE). */
export const COLUMN_STATE_BYTES = 36;

/**
 * The Merkle leaves of a code whose rows arrive in blocks: SHA-256(prefix ‖ column as u32le
 * words) of each of `count` columns, fed `rows` rows at a time (a multiple of 16).
 */
export interface ColumnHasher {
  /** Feeds a row-major block of `rows` rows of `count` words. */
  absorb(block: Uint32Array, rows: number): void;
  /** The 32-byte digests, column after column, for messages of `total` bytes (prefix included). */
  finish(total: number): Uint8Array;
}

/** A ColumnHasher on this thread's SHA-256 kernel: each block is copied into its memory. */
export function wasmColumnHasher(count: number, prefix: number): ColumnHasher {
  const k = kernel();
  const states = (k.exports.heapBase() + 15) & ~15;
  const blockAt = (states + COLUMN_STATE_BYTES * count + 63) & ~63;
  const ensure = (bytes: number) => {
    const have = k.memory.buffer.byteLength;
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  };
  ensure(blockAt);
  k.exports.columnsInit(states, 0, count, prefix & 0xff);
  return {
    absorb(block, rows) {
      if (rows % 16 !== 0 || block.length !== rows * count) throw new Error(`kernels: a column block of ${block.length} words is not ${rows} rows (a multiple of 16) of ${count}`);
      const scratch = (blockAt + 4 * block.length + 15) & ~15;
      ensure(scratch + k.exports.columnScratchBytes(rows));
      new Uint32Array(k.memory.buffer, blockAt, block.length).set(block);
      k.exports.columnsAbsorb(states, blockAt, count, rows, 0, count, scratch);
    },
    finish(total) {
      const out = blockAt, scratch = (out + 32 * count + 15) & ~15;
      ensure(scratch + k.exports.columnScratchBytes(16));
      k.exports.columnsFinish(states, 0, count, total, out, scratch);
      return new Uint8Array(k.memory.buffer, out, 32 * count).slice();
    },
  };
}
