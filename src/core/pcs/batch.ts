// Row-side batching (PROTOCOL.md §6): many claims on one commitment become one opening.
// For claims z_l = (row part, column part): g_l = eq(z_l^row)ᵀM, a logCols-variable sumcheck on
// Σ_l ρ^l ⟨eq(z_l^col), g_l⟩ = Σ_l ρ^l v_l reduces every column part to one point y*; the prover
// sends g_l(y*), and one opening checks the row Σ_l ρ'^l eq(z_l^row) at y*.
import { extAdd, extMul, extSub, extMulBase, extEquals, EXT_ZERO, P } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { eqAt, eqTable, extPowers, innerProduct } from "./algebra.ts";
import { claimLayout, rowWeights, type ClaimLayout, type PcsClaim } from "./claims.ts";
import { Rejection } from "./errors.ts";
import type { PcsParams } from "./params.ts";
import { BATCH_DEGREE } from "./proof.ts";
import { LABEL } from "./protocol.ts";
import { combineRows } from "./rows.ts";

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

/** Binds variable 0: T'[i] = T[2i] + r·(T[2i+1] − T[2i]). */
function fold(t: Uint32Array, r: Uint32Array): Uint32Array {
  const half = t.length / 8;
  const out = new Uint32Array(4 * half);
  for (let i = 0; i < half; i++) {
    const a = ext(t, 2 * i), b = ext(t, 2 * i + 1);
    out.set(extAdd(a, extMul(r, extSub(b, a))), 4 * i);
  }
  return out;
}

export interface BatchProverResult {
  rounds: Uint32Array;
  rowValues: Uint32Array;
  /** Σ_l ρ'^l eq(z_l^row) over all rows: the weights of the evaluation row. */
  rowWeights: Uint32Array;
}

export function proveBatch(t: Transcript, params: PcsParams, matrix: Uint32Array, claims: readonly PcsClaim[]): BatchProverResult {
  const layouts = claims.map((c) => claimLayout(params, c));
  const cols = 2 ** params.logCols;
  const rho = extPowers(t.squeezeExt(LABEL.rho), claims.length);
  let g = layouts.map((l) => combineRows(matrix, cols, l.rowStart, rowWeights(l)));
  let e = layouts.map((l) => eqTable(l.colPoint));
  const rounds = new Uint32Array(4 * BATCH_DEGREE * params.logCols);
  for (let round = 0; round < params.logCols; round++) {
    // s(0) and s(2) of Σ_l ρ^l Σ_y' E_l(X, y') G_l(X, y').
    let s0: Uint32Array = EXT_ZERO.slice(), s2: Uint32Array = EXT_ZERO.slice();
    for (let l = 0; l < claims.length; l++) {
      const E = e[l]!, G = g[l]!;
      let a0: Uint32Array = EXT_ZERO.slice(), a2: Uint32Array = EXT_ZERO.slice();
      for (let i = 0; i < E.length / 8; i++) {
        const e0 = ext(E, 2 * i), e1 = ext(E, 2 * i + 1), g0 = ext(G, 2 * i), g1 = ext(G, 2 * i + 1);
        a0 = extAdd(a0, extMul(e0, g0));
        a2 = extAdd(a2, extMul(extSub(extAdd(e1, e1), e0), extSub(extAdd(g1, g1), g0)));
      }
      s0 = extAdd(s0, extMul(ext(rho, l), a0));
      s2 = extAdd(s2, extMul(ext(rho, l), a2));
    }
    rounds.set(s0, 8 * round);
    rounds.set(s2, 8 * round + 4);
    t.absorbFields(LABEL.sumcheck, rounds.subarray(8 * round, 8 * round + 8));
    const r = t.squeezeExt(LABEL.sumcheck);
    g = g.map((x) => fold(x, r));
    e = e.map((x) => fold(x, r));
  }
  const rowValues = new Uint32Array(4 * claims.length);
  g.forEach((x, l) => rowValues.set(x, 4 * l));
  t.absorbFields(LABEL.rowValues, rowValues);
  const rhoRow = extPowers(t.squeezeExt(LABEL.rhoRow), claims.length);
  return { rounds, rowValues, rowWeights: combinedRowWeights(params, layouts, rhoRow) };
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
