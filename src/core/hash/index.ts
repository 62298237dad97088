/**
 * SHA-256 behind one interface, the same bytes on every backend.
 *
 * - `sha256(bytes)`: digest of one message.
 * - `sha256Batch(data, len, prefix?)`: digests (32 bytes each, concatenated) of the
 *   data.length / len consecutive messages of `len` bytes, each preceded by the byte `prefix`
 *   when given — Merkle leaves (prefix 0x00, len = column bytes) and nodes (0x01, len 64).
 * - Backends: node:crypto (Node only, loaded at run time, never a static import), the wasm kernel
 *   and @noble/hashes; each call takes the fastest for its message length (`chooseBackend`; in browsers always wasm).
 *   `availableBackends()` lists them for tests and benchmarks.
 */
export { sha256, sha256Batch, chooseBackend, NATIVE_MIN_BATCH_BYTES, NATIVE_MIN_ONE_BYTES } from "./sha256.ts";
export { availableBackends, wasmBackend, nobleBackend, nodeCryptoBackend, type Sha256Backend } from "./backends.ts";
