// Public parameters of a commitment (they go in the VK): matrix shape, code rate, query count.
import { ByteReader, ByteWriter } from "../bytes/index.ts";
import { PcsError } from "./errors.ts";

/** Two-adicity of KoalaBear: encoded rows are NTT domains of at most 2^24 points. */
const MAX_LOG_DOMAIN = 24;

export interface PcsParams {
  /** The committed vector has 2^logN entries: the MLE has logN variables. */
  logN: number;
  /** The matrix has 2^logRows rows (the high logRows bits of an index pick the row). */
  logRows: number;
  /** ... and 2^logCols columns before encoding (the low bits). */
  logCols: number;
  /** Rate 2^-logBlowup: each row of 2^logCols becomes 2^(logCols+logBlowup) code symbols. */
  logBlowup: number;
  /** Columns opened per proof (sampled with replacement, deduplicated). */
  queries: number;
}

export const DEFAULT_LOG_BLOWUP = 2;
export const DEFAULT_QUERIES = 148;
export const MIN_SECURITY_BITS = 100;

/**
 * Bits of security of the proximity test: each query passes a word at distance above the
 * unique-decoding radius δ = (1 − ρ)/2 with probability ≤ 1 − δ, so t queries give
 * −t·log2(1 − δ). Rate 1/4, t = 148: (5/8)^148 < 2^−100.
 */
export function securityBits(p: Pick<PcsParams, "logBlowup" | "queries">): number {
  const rate = 2 ** -p.logBlowup;
  return -p.queries * Math.log2((1 + rate) / 2);
}

/** Encoded row length (number of Merkle leaves). */
export function codeLength(p: PcsParams): number {
  return 2 ** (p.logCols + p.logBlowup);
}

/** Depth of the column Merkle tree. */
export function treeDepth(p: PcsParams): number {
  return p.logCols + p.logBlowup;
}

/** Distinct columns an opening can carry at most. */
export function maxOpenedColumns(p: PcsParams): number {
  return Math.min(p.queries, codeLength(p));
}

/** Throws PcsError unless the parameters describe a commitment we can build and check. */
export function validateParams(p: PcsParams): void {
  const ints = [p.logN, p.logRows, p.logCols, p.logBlowup, p.queries];
  if (!ints.every((x) => Number.isInteger(x) && x >= 0)) throw new PcsError(`parameters must be non-negative integers: ${JSON.stringify(p)}`);
  if (p.logRows + p.logCols !== p.logN) throw new PcsError(`logRows ${p.logRows} + logCols ${p.logCols} must equal logN ${p.logN}`);
  if (p.logBlowup < 1) throw new PcsError(`logBlowup ${p.logBlowup} must be ≥ 1 (rate at most 1/2)`);
  if (p.logCols + p.logBlowup > MAX_LOG_DOMAIN) throw new PcsError(`rows of 2^${p.logCols} at blowup 2^${p.logBlowup} exceed the field's 2^${MAX_LOG_DOMAIN} NTT domain; use more rows`);
  if (p.logN > 30) throw new PcsError(`2^${p.logN} entries is beyond what one commitment holds (2^30)`);
  if (p.queries < 1) throw new PcsError("at least one query is needed");
}

/**
 * Estimated bytes of a single-claim opening: `rows` extension rows (2: proximity and evaluation;
 * 1 for a commitment whose proximity was tested once), opened columns, Merkle siblings.
 */
export function estimateProofBytes(p: PcsParams, rows = 2): number {
  const rowBytes = rows * 16 * 2 ** p.logCols;
  const q = maxOpenedColumns(p);
  const columns = q * 4 * 2 ** p.logRows;
  const siblings = 32 * q * Math.max(0, treeDepth(p) - Math.log2(q));
  return rowBytes + columns + siblings;
}

export interface ParamOptions {
  logBlowup?: number;
  queries?: number;
  /** Force the column count (otherwise chosen to minimise the proof). */
  logCols?: number;
  /** Rows each opening sends (2 by default; 1 where openings skip the proximity row). */
  openingRows?: 1 | 2;
}

/**
 * Parameters for a vector of 2^logN entries: the matrix shape minimising the opening size
 * (rows cost 32 bytes per column, opened columns 4·t bytes per row), defaults rate 1/4 and
 * 148 queries; throws PcsError if the result is below 100 bits.
 */
export function chooseParams(logN: number, opts: ParamOptions = {}): PcsParams {
  const logBlowup = opts.logBlowup ?? DEFAULT_LOG_BLOWUP;
  const queries = opts.queries ?? DEFAULT_QUERIES;
  let best: PcsParams | undefined;
  const lo = opts.logCols ?? 0, hi = opts.logCols ?? Math.min(logN, MAX_LOG_DOMAIN - logBlowup);
  for (let logCols = lo; logCols <= hi; logCols++) {
    const p = { logN, logRows: logN - logCols, logCols, logBlowup, queries };
    if (!best || estimateProofBytes(p, opts.openingRows) < estimateProofBytes(best, opts.openingRows)) best = p;
  }
  if (!best) throw new PcsError(`no matrix layout for 2^${logN} entries`);
  validateParams(best);
  if (securityBits(best) < MIN_SECURITY_BITS && opts.queries === undefined) {
    throw new PcsError(`default queries give ${securityBits(best).toFixed(1)} bits at rate 2^-${logBlowup}; pass more queries`);
  }
  return best;
}

/** Canonical bytes of the parameters (for the VK): u8 logN, logRows, logCols, logBlowup; u32 queries. */
export function writeParams(w: ByteWriter, p: PcsParams): ByteWriter {
  validateParams(p);
  return w.u8(p.logN).u8(p.logRows).u8(p.logCols).u8(p.logBlowup).u32(p.queries);
}

/** Reads parameters written by writeParams; invalid ones are a ProofFormatError at their offset. */
export function readParams(r: ByteReader): PcsParams {
  const at = r.offset;
  const p = { logN: r.u8("pcs logN"), logRows: r.u8("pcs logRows"), logCols: r.u8("pcs logCols"), logBlowup: r.u8("pcs logBlowup"), queries: r.u32("pcs queries") };
  try {
    validateParams(p);
  } catch (e) {
    throw r.error("valid pcs parameters", e instanceof Error ? e.message : String(e), at);
  }
  return p;
}
