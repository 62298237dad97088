// Public lookup tables the compiler creates (PROTOCOL §4–§5), as integers: rows are the exact
// tuples the verifier's table MLE is built from. Keys are canonical (they name the instance).
import type { PlanTable } from "./plan.ts";

/** Rows (x, clamp(x, lo, hi)) for every signed x of `bits` bits. */
export function clampTable(bits: number, lo: number, hi: number): PlanTable {
  const rows = 2 ** bits;
  const v = new Int32Array(rows), y = new Int32Array(rows);
  for (let j = 0; j < rows; j++) {
    const x = j - rows / 2;
    v[j] = x;
    y[j] = x < lo ? lo : x > hi ? hi : x;
  }
  return { key: `clamp:${bits}:${lo}:${hi}`, logRows: bits, columns: [v, y], forms: [{ add: -rows / 2 }, { add: -rows / 2, lo, hi }] };
}

/** Rows 0..2^bits − 1: the range [0, 2^bits) (a 1-bit table is exactly {0, 1}). */
export function rangeTable(bits: number): PlanTable {
  const logRows = Math.max(1, bits);
  const v = new Int32Array(2 ** logRows);
  for (let j = 0; j < v.length; j++) v[j] = j;
  return { key: `range:${logRows}`, logRows, columns: [v], forms: [{ add: 0 }] };
}

/** Rows (j, clamp(offset + j, lo, hi)) for j < 2^bits: the low part of a split quotient and its clamp. */
export function lowClampTable(bits: number, offset: number, lo: number, hi: number): PlanTable {
  const rows = 2 ** bits;
  const v = new Int32Array(rows), y = new Int32Array(rows);
  for (let j = 0; j < rows; j++) {
    const x = offset + j;
    v[j] = j;
    y[j] = x < lo ? lo : x > hi ? hi : x;
  }
  return { key: `lowclamp:${bits}:${offset}:${lo}:${hi}`, logRows: bits, columns: [v, y], forms: [{ add: 0 }, { add: offset, lo, hi }] };
}

/**
 * Rows (h, sat(h), [h = 0]) for h in [hMin, hMax], the high part of a split quotient: sat is the
 * clamp's upper end above 0, its lower end below 0, and 0 at 0. Padded to a power of two
 * (at least 2 rows) with copies of the first row; repeated rows are harmless in LogUp.
 */
export function highTable(hMin: number, hMax: number, lo: number, hi: number): PlanTable {
  const count = hMax - hMin + 1;
  let logRows = 1;
  while (2 ** logRows < count) logRows++;
  const rows = 2 ** logRows;
  const h = new Int32Array(rows), sat = new Int32Array(rows), zero = new Int32Array(rows);
  for (let j = 0; j < rows; j++) {
    const v = hMin + (j < count ? j : 0);
    h[j] = v;
    sat[j] = v > 0 ? hi : v < 0 ? lo : 0;
    zero[j] = v === 0 ? 1 : 0;
  }
  return { key: `high:${hMin}:${hMax}:${lo}:${hi}`, logRows, columns: [h, sat, zero] };
}
