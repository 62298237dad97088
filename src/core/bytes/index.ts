/**
 * Binary proof formats: little-endian, canonical field elements (PROTOCOL.md §1, §7).
 *
 * - `ByteWriter`: u8/u32/u64, raw bytes, `fields`/`field` (canonical u32le; a value ≥ p throws),
 *   `fieldVec`/`extVec`/`bytesVec` (u32 count, then items), `finish()`.
 * - `ByteReader`: the mirror image for hostile bytes. Every read names what it expects; vectors
 *   take a maximum length from the caller and check it and the bytes remaining before allocating;
 *   a non-canonical element, a too-long length, truncation or `expectEnd()` with trailing bytes
 *   throws `ProofFormatError` (with `offset` and `expected`).
 */
export { ByteWriter, LITTLE_ENDIAN } from "./writer.ts";
export { ByteReader } from "./reader.ts";
export { ProofFormatError } from "./errors.ts";
