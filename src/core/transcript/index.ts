/**
 * Fiat–Shamir transcript (PROTOCOL.md §2), SHA-256 based.
 *
 * - `new Transcript()` starts from s0 = SHA256("zkml-studio/transcript/v1").
 * - `absorb(label, bytes)`, `absorbFields(label, xs)` (canonical u32le words; a value ≥ p throws
 *   `TranscriptError`) — absorb every prover message before the next squeeze.
 * - `squeezeField(label)`, `squeezeExt(label)` (Uint32Array(4), c0..c3),
 *   `squeezeExts(label, n)` (Uint32Array(4n), one squeeze), `squeezeIndices(label, count, bits)`
 *   (indices in [0, 2^bits) with replacement; the caller deduplicates).
 * - `digest()`: a copy of the state, to compare prover and verifier transcripts.
 */
export { Transcript } from "./transcript.ts";
export { TranscriptError } from "./errors.ts";
