// One SHA-256 interface; each call goes to the backend that measured fastest for its size
// (bench/merkle.ts): node:crypto costs ~1 µs per call but hashes long messages at GB/s, the
// wasm kernel has almost no per-call cost but runs at ~0.27 GB/s. The crossover is ~256 bytes.
import { nodeCryptoBackend, wasmBackend, type Sha256Backend } from "./backends.ts";

/** Messages at least this long go to node:crypto when it exists. */
export const NATIVE_MIN_BYTES = 256;

function pick(len: number): Sha256Backend {
  return nodeCryptoBackend && len >= NATIVE_MIN_BYTES ? nodeCryptoBackend : wasmBackend;
}

/** SHA-256 of one message. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return pick(bytes.length).one(bytes);
}

/**
 * SHA-256 of each of the data.length / len consecutive messages of `len` bytes, each preceded by
 * the byte `prefix` when given (Merkle domain separation without copying); digests concatenated.
 */
export function sha256Batch(data: Uint8Array, len: number, prefix?: number): Uint8Array {
  return pick(len + (prefix === undefined ? 0 : 1)).batch(data, len, prefix);
}
