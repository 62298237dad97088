// Opening proofs: the object, its bytes, and a parser whose every bound comes from the
// commitment's public parameters and the number of claims.
import { ByteReader, ByteWriter } from "../bytes/index.ts";
import { maxOpenedColumns, treeDepth, type PcsParams } from "./params.ts";

export const OPENING_VERSION = 1;
/** Degree of the batching sumcheck's round polynomials (eq · g). */
export const BATCH_DEGREE = 2;

export interface OpeningProof {
  /** eq(γ, ·)ᵀM: 2^logCols extension elements (absent in openings without the proximity test). */
  proximityRow?: Uint32Array;
  /** Present when there is more than one claim. */
  batch?: {
    /** logCols rounds, each the round polynomial at 0, 2, …, BATCH_DEGREE. */
    rounds: Uint32Array;
    /** g_l(y*) for every claim l. */
    rowValues: Uint32Array;
  };
  /** The combined evaluation row: 2^logCols extension elements. */
  evalRow: Uint32Array;
  /** The opened encoded columns (2^logRows words each), in increasing column index. */
  columns: Uint32Array;
  /** Merkle siblings of the multi-opening, 32 bytes each. */
  siblings: Uint8Array;
}

/** The largest opening proof for `numClaims` claims under these parameters (a parser's bound). */
export function maxOpeningBytes(params: PcsParams, numClaims: number, proximity = true): number {
  const row = 16 * 2 ** params.logCols, q = maxOpenedColumns(params);
  const batch = numClaims > 1 ? 16 * (params.logCols * BATCH_DEGREE + numClaims) : 0;
  return 1 + (proximity ? 2 : 1) * row + batch + 4 + 4 * q * 2 ** params.logRows + 4 + 32 * q * treeDepth(params);
}

export function writeOpeningProof(p: OpeningProof, params: PcsParams): Uint8Array {
  const w = new ByteWriter().u8(OPENING_VERSION);
  if (p.proximityRow) w.fields(p.proximityRow);
  if (p.batch) w.fields(p.batch.rounds).fields(p.batch.rowValues);
  w.fields(p.evalRow).u32(p.columns.length / 2 ** params.logRows).fields(p.columns);
  return w.u32(p.siblings.length / 32).raw(p.siblings).finish();
}

/** `proximity`: whether the opening carries a proximity row (the verifier knows; never the proof). */
export function readOpeningProof(bytes: Uint8Array, params: PcsParams, numClaims: number, proximity = true): OpeningProof {
  const r = new ByteReader(bytes);
  const at = r.offset;
  const version = r.u8("opening proof version");
  if (version !== OPENING_VERSION) throw r.error("opening proof version", `version ${version} is not ${OPENING_VERSION}`, at);
  const cols = 2 ** params.logCols, height = 2 ** params.logRows;
  const proximityRow = proximity ? r.exts(cols, "proximity row") : undefined;
  const batch = numClaims > 1
    ? { rounds: r.exts(params.logCols * BATCH_DEGREE, "batching sumcheck rounds"), rowValues: r.exts(numClaims, "row values g_l(y*)") }
    : undefined;
  const evalRow = r.exts(cols, "evaluation row");
  const q = r.length("opened columns", maxOpenedColumns(params), 4 * height, 1);
  const columns = r.fields(q * height, "opened columns");
  const s = r.length("Merkle siblings", q * treeDepth(params), 32);
  const siblings = r.raw(32 * s, "Merkle siblings");
  r.expectEnd("end of opening proof");
  return { ...(proximityRow ? { proximityRow } : {}), ...(batch ? { batch } : {}), evalRow, columns, siblings };
}
