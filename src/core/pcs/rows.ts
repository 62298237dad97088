// The PCS's hot loop: u = Σ_r w_r · M[r] (extension weights, base-field rows). Products are
// accumulated exactly in float64 and reduced once per block of rows: each weight word is split
// into 15- and 16-bit halves, so a half times an element is < 2^47 and 32 of them stay < 2^53.
import { P } from "../field/index.ts";

const ROWS_PER_REDUCE = 32;

function modP(x: number): number {
  const r = x - P * Math.floor(x / P);
  return r < 0 ? r + P : r >= P ? r - P : r;
}

/**
 * Σ_r weights[r] · M[rowStart + r] over rows of `cols` elements of the row-major matrix M;
 * `weights` holds one extension element (4 words) per row. Returns `cols` extension elements.
 */
export function combineRows(M: Uint32Array, cols: number, rowStart: number, weights: Uint32Array): Uint32Array {
  const rows = weights.length / 4;
  const hi = new Float64Array(4 * cols), lo = new Float64Array(4 * cols);
  const out = new Uint32Array(4 * cols);
  for (let r0 = 0; r0 < rows; r0 += ROWS_PER_REDUCE) {
    const r1 = Math.min(rows, r0 + ROWS_PER_REDUCE);
    for (let r = r0; r < r1; r++) {
      const w0 = weights[4 * r]!, w1 = weights[4 * r + 1]!, w2 = weights[4 * r + 2]!, w3 = weights[4 * r + 3]!;
      const h0 = w0 >>> 16, h1 = w1 >>> 16, h2 = w2 >>> 16, h3 = w3 >>> 16;
      const l0 = w0 & 0xffff, l1 = w1 & 0xffff, l2 = w2 & 0xffff, l3 = w3 & 0xffff;
      const base = (rowStart + r) * cols;
      for (let c = 0, j = 0; c < cols; c++, j += 4) {
        const m = M[base + c]!;
        hi[j] = hi[j]! + m * h0; hi[j + 1] = hi[j + 1]! + m * h1; hi[j + 2] = hi[j + 2]! + m * h2; hi[j + 3] = hi[j + 3]! + m * h3;
        lo[j] = lo[j]! + m * l0; lo[j + 1] = lo[j + 1]! + m * l1; lo[j + 2] = lo[j + 2]! + m * l2; lo[j + 3] = lo[j + 3]! + m * l3;
      }
    }
    // Fold the block into the running result (kept < p in `out`).
    for (let j = 0; j < 4 * cols; j++) {
      out[j] = modP(modP(hi[j]!) * 65536 + modP(lo[j]!) + out[j]!);
      hi[j] = 0;
      lo[j] = 0;
    }
  }
  return out;
}

/** Σ_i weights[i] · column[i] for one opened column (base elements), as one extension element. */
export function combineColumn(column: Uint32Array, weights: Uint32Array): Uint32Array {
  return combineRows(column, 1, 0, weights);
}
