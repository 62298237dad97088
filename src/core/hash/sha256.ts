// One SHA-256 interface; each call goes to the backend that measured fastest for its size
// (bench/merkle.ts, /tmp measurements in the commit log): node:crypto costs ~1 µs per call but
// hashes long messages at 1–1.7 GB/s; the wasm kernel has almost no per-call cost and hashes
// batches four lanes at a time (~0.6 GB/s), single messages at ~0.27 GB/s.
import { nodeCryptoBackend, wasmBackend, type Sha256Backend } from "./backends.ts";

/** Batched messages at least this long go to node:crypto when it exists (wasm SIMD below). */
export const NATIVE_MIN_BATCH_BYTES = 1024;
/** A single message at least this long goes to node:crypto when it exists. */
export const NATIVE_MIN_ONE_BYTES = 512;

/** The backend a message of `len` bytes goes to (`native`: node:crypto, or null where there is none). */
export function chooseBackend(len: number, batch: boolean, native: Sha256Backend | null = nodeCryptoBackend ?? null): Sha256Backend {
  return native && len >= (batch ? NATIVE_MIN_BATCH_BYTES : NATIVE_MIN_ONE_BYTES) ? native : wasmBackend;
}

/** SHA-256 of one message. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return chooseBackend(bytes.length, false).one(bytes);
}

/**
 * SHA-256 of each of the data.length / len consecutive messages of `len` bytes, each preceded by
 * the byte `prefix` when given (Merkle domain separation without copying); digests concatenated.
 */
export function sha256Batch(data: Uint8Array, len: number, prefix?: number): Uint8Array {
  return chooseBackend(len + (prefix === undefined ? 0 : 1), true).batch(data, len, prefix);
}
