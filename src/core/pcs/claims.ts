// Evaluation claims on a commitment, each addressed to a segment (or to the whole vector), and
// their split into the matrix's row part and column part.
import { P } from "../field/index.ts";
import { ByteWriter } from "../bytes/index.ts";
import { eqTable } from "../poly/index.ts";
import { PcsError } from "./errors.ts";
import type { PcsParams } from "./params.ts";

export interface PcsClaim {
  /** The segment's MLE at `point` equals `value`. Absent segment: the whole committed vector. */
  segment?: { offset: number; logSize: number };
  /** 4·logSize words: one extension element per variable, variable 0 (the index's bit 0) first. */
  point: Uint32Array;
  /** Extension element (4 words). */
  value: Uint32Array;
}

/** Where a claim lives in the matrix. */
export interface ClaimLayout {
  /** Its rows: rowStart .. rowStart + rowCount, weighted by eq(rowPoint, ·). */
  rowStart: number;
  rowCount: number;
  rowPoint: Uint32Array;
  /** All logCols column coordinates (a segment narrower than a row adds its offset's bits). */
  colPoint: Uint32Array;
}

/** Checks a claim against the parameters; throws PcsError. */
export function checkClaim(params: PcsParams, c: PcsClaim, i: number): void {
  const seg = c.segment ?? { offset: 0, logSize: params.logN };
  const size = 2 ** seg.logSize;
  if (!Number.isInteger(seg.logSize) || seg.logSize < 0 || seg.logSize > params.logN || !Number.isInteger(seg.offset) || seg.offset < 0 || seg.offset % size !== 0 || seg.offset + size > 2 ** params.logN) {
    throw new PcsError(`claim ${i}: segment at ${seg.offset} of 2^${seg.logSize} is not an aligned part of 2^${params.logN}`);
  }
  if (c.point.length !== 4 * seg.logSize) throw new PcsError(`claim ${i}: point has ${c.point.length / 4} coordinates, the segment has ${seg.logSize} variables`);
  if (c.value.length !== 4) throw new PcsError(`claim ${i}: value must be one extension element`);
  for (const x of c.point) if (x >= P) throw new PcsError(`claim ${i}: point is not canonical`);
  for (const x of c.value) if (x >= P) throw new PcsError(`claim ${i}: value is not canonical`);
}

export function claimLayout(params: PcsParams, c: PcsClaim): ClaimLayout {
  const { logCols } = params;
  const offset = c.segment?.offset ?? 0;
  const k = c.segment?.logSize ?? params.logN;
  // Word by word: an opening lays out hundreds of claims (no subarray or power per variable).
  const colPoint = new Uint32Array(4 * logCols), own = 4 * Math.min(k, logCols);
  for (let i = 0; i < own; i++) colPoint[i] = c.point[i]!;
  // The offset's bits above the segment's variables (0 or 1 in the extension's first coordinate).
  for (let v = k, bits = Math.floor(offset / 2 ** k); v < logCols; v++, bits = Math.floor(bits / 2)) colPoint[4 * v] = bits % 2;
  const rowVars = Math.max(0, k - logCols);
  return {
    rowStart: Math.floor(offset / 2 ** logCols),
    rowCount: 2 ** rowVars,
    rowPoint: c.point.slice(4 * logCols, 4 * (logCols + rowVars)),
    colPoint,
  };
}

/** eq(rowPoint, ·) over the claim's rows (rowCount extension elements). */
export function rowWeights(l: ClaimLayout): Uint32Array {
  return eqTable(l.rowPoint);
}

/** Bytes binding the claims into the transcript: segment, point and value of each. */
export function claimBytes(claims: readonly PcsClaim[], logN: number): Uint8Array {
  const w = new ByteWriter().u32(claims.length);
  for (const c of claims) w.u32(c.segment?.offset ?? 0).u32(c.segment?.logSize ?? logN).fields(c.point).fields(c.value);
  return w.finish();
}
