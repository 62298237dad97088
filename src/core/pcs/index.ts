/**
 * Polynomial commitment (PROTOCOL.md §6): SHA-256 Merkle tree and the Ligero-style multilinear
 * commitment over KoalaBear.
 *
 * Parameters: `chooseParams(logN, opts)` picks the 2^logRows × 2^logCols layout minimising the
 * opening (`estimateProofBytes`), rate 1/4 and 148 queries by default (`securityBits` ≥ 100);
 * `validateParams` checks a VK's parameters; `writeParams`/`readParams` give their canonical bytes.
 * Segments: `layoutSegments(tensors)` places tensors at size-aligned offsets, `packSegments`
 * builds the committed vector, `validateSegmentMap` checks a map read from a VK.
 * Merkle: `hashLeaves`, `buildMerkle`, `merkleRoot`, `openMulti` (deduplicated siblings),
 * `verifyMulti` (throws `Rejection`).
 * Commitment: `commit(params, evals)` → `PcsProverData` (its `root` is the commitment), on the
 * current kernels: under a pool's backend (parallel/) the RS encoding, transposition, leaf
 * hashing and wide Merkle levels run on every thread, with the same bytes.
 * Opening: `open(transcript, data, claims, { proximity, resident })` → `OpeningProof` (one claim: direct;
 * several: row-side batching with one sumcheck; `proximity: false` drops the proximity row, only
 * for a commitment whose proximity was proven once before; `resident` keeps the matrix in kernel
 * memory for later openings), `writeOpeningProof(proof, params)` → bytes;
 * `verifyOpening(transcript, params, root, claims, bytes)` → `{ ok: true } | { ok: false, reason }`
 * (never throws; parses with `readOpeningProof`, bounded by the parameters); `maxOpeningBytes`
 * bounds an opening's size for outer formats. A `PcsClaim` is
 * { segment?, point, value }: the segment's MLE at `point` (variable 0 first) is `value`.
 * The caller must have absorbed everything that determines the claims before opening; the
 * opening itself absorbs the root and the claims first.
 * Errors: `PcsError` for caller mistakes; verifiers return `{ ok: false, reason }`.
 */
export { PcsError, Rejection } from "./errors.ts";
export {
  type PcsParams, type ParamOptions, chooseParams, validateParams, securityBits, estimateProofBytes,
  codeLength, treeDepth, maxOpenedColumns, DEFAULT_LOG_BLOWUP, DEFAULT_QUERIES, MIN_SECURITY_BITS,
  writeParams, readParams,
} from "./params.ts";
export { type Segment, type SegmentMap, layoutSegments, validateSegmentMap, packSegments, segmentByName } from "./segments.ts";
export { type MerkleTree, hashLeaves, buildMerkle, merkleRoot, openMulti, verifyMulti, siblingCount, distinctSorted, equalBytes } from "./merkle.ts";
export { type PcsClaim, type ClaimLayout, claimLayout } from "./claims.ts";
export { type PcsProverData, type KeptPcsData, type ColumnStore, commit } from "./commit.ts";
export { canStream, commitStreamed } from "./stream.ts";
export { commitOnGpu, gpuCommitFits, gpuCommitBytes } from "./commit-gpu.ts";
export { open, type OpenOptions } from "./open.ts";
export { type VerifyResult, verifyOpening } from "./verify.ts";
export { type OpeningProof, writeOpeningProof, readOpeningProof, maxOpeningBytes, OPENING_VERSION } from "./proof.ts";
