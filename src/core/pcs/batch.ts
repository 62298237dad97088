// Row-side batching (PROTOCOL.md §6): many claims on one commitment become one opening.
// For claims z_l = (row part, column part): g_l = eq(z_l^row)ᵀM, a logCols-variable sumcheck on
// Σ_l ρ^l ⟨eq(z_l^col), g_l⟩ = Σ_l ρ^l v_l reduces every column part to one point y*; the prover
// sends g_l(y*), and one opening checks the row Σ_l ρ'^l eq(z_l^row) at y*.
import { extAdd, extMul, extEquals, EXT_ZERO } from "../field/index.ts";
import { fieldBackend, type Buf } from "../kernels/index.ts";
import { eqEval } from "../poly/index.ts";
import { CHALLENGE_LABEL, ROUND_LABEL, verifySumcheck } from "../sumcheck/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { extPowers, innerProduct } from "./algebra.ts";
import { claimLayout, rowWeights, type ClaimLayout, type PcsClaim } from "./claims.ts";
import { Rejection } from "./errors.ts";
import type { PcsParams } from "./params.ts";
import { BATCH_DEGREE } from "./proof.ts";
import { LABEL } from "./protocol.ts";
import type { RowCombiner } from "./rows.ts";

const ext = (v: Uint32Array, i: number): Uint32Array => v.subarray(4 * i, 4 * i + 4);

/** Full-height row weights Σ_l c_l · eq(z_l^row) (c_l extension coefficients). */
function combinedRowWeights(params: PcsParams, layouts: readonly ClaimLayout[], coeffs: Uint32Array): Uint32Array {
  const w = new Uint32Array(4 * 2 ** params.logRows);
  layouts.forEach((l, i) => {
    const c = ext(coeffs, i);
    const eq = rowWeights(l);
    for (let r = 0; r < l.rowCount; r++) {
      const at = l.rowStart + r;
      w.set(extAdd(ext(w, at), extMul(c, ext(eq, r))), 4 * at);
    }
  });
  return w;
}

export interface BatchProverResult {
  rounds: Uint32Array;
  rowValues: Uint32Array;
  /**
   * The evaluation row (Σ_l ρ'^l eq(z_l^row))ᵀM, computed as Σ_l ρ'^l g_l from the g_l the
   * sumcheck started with: the same row without another pass over the matrix.
   */
  evalRow: Uint32Array;
}

/**
 * The prover's half. The sumcheck Σ_l ρ^l Σ_y E_l(y)·G_l(y) runs as one product sumcheck over the
 * claims' tables stacked block after block (E_l pre-scaled by ρ^l): pairs never cross a block, and
 * a fold leaves block l at [l·m, (l+1)·m). Messages and transcript labels are those of ../sumcheck,
 * whose verifySumcheck checks them.
 */
export function proveBatch(t: Transcript, params: PcsParams, M: RowCombiner, claims: readonly PcsClaim[]): BatchProverResult {
  const layouts = claims.map((c) => claimLayout(params, c));
  const cols = 2 ** params.logCols, L = claims.length;
  const rho = extPowers(t.squeezeExt(LABEL.rho), L);
  const K = fieldBackend();
  // E: ρ^l·eq(z_l^col, ·) and G: g_l = eq(z_l^row)ᵀM, each claims × cols extension elements. The
  // first fold writes fresh tables, so gs (the g_l, kept for the evaluation row) is G's first round.
  let E = K.allocFor(4 * cols * L);
  const gs = K.allocFor(4 * cols * L);
  let G = gs;
  try {
    // One kernel batch for every claim's g_l and one for every eq table (a pool would otherwise
    // run a small batch, or a call on one thread, per claim).
    M.combineIntoMany(layouts.map((l, i) => ({ rowStart: l.rowStart, weights: rowWeights(l), out: K.slice(gs, 4 * cols * i, 4 * cols) })));
    K.eqTables(layouts.map((l, i) => ({ r: l.colPoint, out: K.slice(E, 4 * cols * i, 4 * cols), scale: ext(rho, i) })));
    const rounds = new Uint32Array(4 * BATCH_DEGREE * params.logCols);
    let sums = K.roundProduct([{ buf: E, ext: true }, { buf: G, ext: true }], L * cols / 2);
    for (let round = 0, m = cols / 2; round < params.logCols; round++, m /= 2) {
      rounds.set(sums, 8 * round);
      t.absorbFields(ROUND_LABEL, rounds.subarray(8 * round, 8 * round + 8));
      const r = t.squeezeExt(CHALLENGE_LABEL);
      // Both folds and the next round in one pass (pairs stay inside a block while m ≥ 2; the
      // last call's sums are not used). Out of place: a pool's kernels split it across threads.
      const e = K.allocFor(4 * L * m), g = K.allocFor(4 * L * m);
      sums = K.foldRoundProduct([{ buf: E, ext: true }, { buf: G, ext: true }], L * m, r, [e, g]);
      K.free(E);
      if (G !== gs) K.free(G);
      E = e;
      G = g;
    }
    // One element per block is left: g_l(y*).
    const rowValues = K.read(K.slice(G, 0, 4 * L));
    t.absorbFields(LABEL.rowValues, rowValues);
    const rhoRow = extPowers(t.squeezeExt(LABEL.rhoRow), L);
    const w = K.from(rhoRow), evalRow = K.alloc(4 * cols);
    try {
      K.combineRowsExt(gs, L, cols, w, evalRow);
      return { rounds, rowValues, evalRow: K.read(evalRow) };
    } finally {
      K.free(w);
      K.free(evalRow);
    }
  } finally {
    K.free(E);
    if (G !== gs) K.free(G);
    K.free(gs);
  }
}

export interface BatchVerifierResult {
  rowWeights: Uint32Array;
  /** y*: the column point the evaluation row is checked at. */
  colPoint: Uint32Array;
  /** Σ_l ρ'^l g_l(y*): what ⟨evalRow, eq(y*)⟩ must equal. */
  target: Uint32Array;
}

/** The verifier's half; throws Rejection naming the failed check. */
export function verifyBatch(t: Transcript, params: PcsParams, claims: readonly PcsClaim[], batch: { rounds: Uint32Array; rowValues: Uint32Array }): BatchVerifierResult {
  const layouts = claims.map((c) => claimLayout(params, c));
  const rho = extPowers(t.squeezeExt(LABEL.rho), claims.length);
  const claim = innerProduct(rho, Uint32Array.from(claims.flatMap((c) => Array.from(c.value))));
  const rounds = Array.from({ length: params.logCols }, (_, i) => batch.rounds.slice(8 * i, 8 * i + 8));
  const v = verifySumcheck(t, claim, { rounds }, params.logCols, BATCH_DEGREE);
  if (!v.ok) throw new Rejection(`batching sumcheck, round ${v.round}: ${v.reason}`);
  let expect: Uint32Array = EXT_ZERO.slice();
  layouts.forEach((l, i) => {
    expect = extAdd(expect, extMul(ext(rho, i), extMul(eqEval(l.colPoint, v.point), ext(batch.rowValues, i))));
  });
  if (!extEquals(expect, v.claim)) throw new Rejection("batching sumcheck: the row values g_l(y*) do not match the final round");
  t.absorbFields(LABEL.rowValues, batch.rowValues);
  const rhoRow = extPowers(t.squeezeExt(LABEL.rhoRow), claims.length);
  return { rowWeights: combinedRowWeights(params, layouts, rhoRow), colPoint: v.point, target: innerProduct(rhoRow, batch.rowValues) };
}
