// Loader of the wasm SHA-256 kernel (assembly/sha256.ts): batched hashing of equal-length messages.
import { wasmBase64 } from "./generated/sha256.wasm.ts";
import { instantiateKernel, type KernelInstance } from "./load.ts";

interface Sha256Exports {
  heapBase(): number;
  scratchBytes(len: number): number;
  hashBatch(input: number, len: number, count: number, prefix: number, out: number, scratch: number): void;
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
