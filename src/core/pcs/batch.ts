// Row-side batching (PROTOCOL.md §6): many claims on one commitment become one opening.
// For claims z_l = (row part, column part): g_l = eq(z_l^row)ᵀM, a logCols-variable sumcheck on
// Σ_l ρ^l ⟨eq(z_l^col), g_l⟩ = Σ_l ρ^l v_l reduces every column part to one point y*; the prover
// sends g_l(y*), and one opening checks the row Σ_l ρ'^l eq(z_l^row) at y*.
import { extAdd, extMul, extSub, extMulBase, extEquals, EXT_ZERO, P } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { eqAt, extPowers, innerProduct } from "./algebra.ts";
import { claimLayout, rowWeights, type ClaimLayout, type PcsClaim } from "./claims.ts";
import { Rejection } from "./errors.ts";
import type { PcsParams } from "./params.ts";
import { BATCH_DEGREE } from "./proof.ts";
import { LABEL } from "./protocol.ts";
import type { RowCombiner } from "./rows.ts";
import { fieldBackend, type Buf } from "../kernels/index.ts";

const INV2 = (P + 1) / 2;
const ext = (v: Uint32Array, i: number): Uint32Array => v.subarray(4 * i, 4 * i + 4);

/** s(r) for the degree-2 polynomial through (0, s0), (1, s1), (2, s2). */
function interpolate2(s0: Uint32Array, s1: Uint32Array, s2: Uint32Array, r: Uint32Array): Uint32Array {
  // Newton form: s0 + r·(s1 − s0) + r(r − 1)/2 · (s2 − 2s1 + s0).
  const d1 = extSub(s1, s0);
  const d2 = extAdd(extSub(s2, extAdd(s1, s1)), s0);
  const r1 = extSub(r, Uint32Array.of(1, 0, 0, 0));
  return extAdd(extAdd(s0, extMul(r, d1)), extMulBase(extMul(extMul(r, r1), d2), INV2));
}

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
  /** Σ_l ρ'^l eq(z_l^row) over all rows: the weights of the evaluation row. */
  rowWeights: Uint32Array;
}

export function proveBatch(t: Transcript, params: PcsParams, M: RowCombiner, claims: readonly PcsClaim[]): BatchProverResult {
  const layouts = claims.map((c) => claimLayout(params, c));
  const cols = 2 ** params.logCols;
  const rho = extPowers(t.squeezeExt(LABEL.rho), claims.length);
  const K = fieldBackend();
  // Per claim: E_l = eq(z_l^col, ·) and G_l = g_l = eq(z_l^row)ᵀM, resident in the kernels.
  const tables: { e: Buf; g: Buf }[] = [];
  try {
    for (const l of layouts) {
      const e = K.alloc(4 * cols);
      tables.push({ e, g: K.from(M.combine(l.rowStart, rowWeights(l))) });
      K.eqTable(l.colPoint, e);
    }
    const rounds = new Uint32Array(4 * BATCH_DEGREE * params.logCols);
    for (let round = 0, m = cols / 2; round < params.logCols; round++, m /= 2) {
      // [s(0), s(2)] of Σ_l ρ^l Σ_y' E_l(X, y')·G_l(X, y').
      let s0: Uint32Array = EXT_ZERO.slice(), s2: Uint32Array = EXT_ZERO.slice();
      tables.forEach(({ e, g }, l) => {
        const s = K.roundProduct([{ buf: e, ext: true }, { buf: g, ext: true }], m);
        s0 = extAdd(s0, extMul(ext(rho, l), s.subarray(0, 4)));
        s2 = extAdd(s2, extMul(ext(rho, l), s.subarray(4, 8)));
      });
      rounds.set(s0, 8 * round);
      rounds.set(s2, 8 * round + 4);
      t.absorbFields(LABEL.sumcheck, rounds.subarray(8 * round, 8 * round + 8));
      const r = t.squeezeExt(LABEL.sumcheck);
      for (const { e, g } of tables) {
        K.foldExt(e, m, r, e);
        K.foldExt(g, m, r, g);
      }
    }
    const rowValues = new Uint32Array(4 * claims.length);
    tables.forEach(({ g }, l) => rowValues.set(K.view(g).subarray(0, 4), 4 * l));
    t.absorbFields(LABEL.rowValues, rowValues);
    const rhoRow = extPowers(t.squeezeExt(LABEL.rhoRow), claims.length);
    return { rounds, rowValues, rowWeights: combinedRowWeights(params, layouts, rhoRow) };
  } finally {
    for (const { e, g } of tables) {
      K.free(e);
      K.free(g);
    }
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
  let claim: Uint32Array = EXT_ZERO.slice();
  claims.forEach((c, l) => (claim = extAdd(claim, extMul(ext(rho, l), c.value))));
  const y = new Uint32Array(4 * params.logCols);
  for (let round = 0; round < params.logCols; round++) {
    const msg = batch.rounds.subarray(8 * round, 8 * round + 8);
    t.absorbFields(LABEL.sumcheck, msg);
    const r = t.squeezeExt(LABEL.sumcheck);
    const s0 = msg.subarray(0, 4), s2 = msg.subarray(4, 8);
    claim = interpolate2(s0, extSub(claim, s0), s2, r);
    y.set(r, 4 * round);
  }
  let expect: Uint32Array = EXT_ZERO.slice();
  layouts.forEach((l, i) => {
    expect = extAdd(expect, extMul(ext(rho, i), extMul(eqAt(l.colPoint, y), ext(batch.rowValues, i))));
  });
  if (!extEquals(expect, claim)) throw new Rejection("batching sumcheck: the row values g_l(y*) do not match the final round");
  t.absorbFields(LABEL.rowValues, batch.rowValues);
  const rhoRow = extPowers(t.squeezeExt(LABEL.rhoRow), claims.length);
  return { rowWeights: combinedRowWeights(params, layouts, rhoRow), colPoint: y, target: innerProduct(rhoRow, batch.rowValues) };
}
