// Row-side batching (PROTOCOL.md §6): many claims on one commitment become one opening.
// For claims z_l = (row part, column part): g_l = eq(z_l^row)ᵀM, a logCols-variable sumcheck on
// Σ_l ρ^l ⟨eq(z_l^col), g_l⟩ = Σ_l ρ^l v_l reduces every column part to one point y*; the prover
// sends g_l(y*), and one opening checks the row Σ_l ρ'^l eq(z_l^row) at y*.
import { extAdd, extMul, extEquals, EXT_ZERO, vecAdd } from "../field/index.ts";
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
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

/**
 * Words of E (and as many of the g's) the batching sumcheck holds whole: 64 MiB each. Above it
 * (a 2^28 witness with thousands of claims: 1.5 GiB each) the first round streams.
 */
export const BATCH_STREAM = { words: 1 << 24 };

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
 * Claims that read one row of M alone (a segment no wider than a row) share that row as their g_l.
 * The prover runs the sumcheck over one (E, G) pair per such row, E the sum of its claims'
 * ρ^l·eq(z_l^col, ·): the round sums are bilinear in (E, G) and folds are linear, so the messages
 * are those of one pair per claim, with far fewer pairs (tiny_gpt: 539 claims on 80 rows). A claim
 * over several rows has a combination of its own.
 */
interface RowGroup {
  rowStart: number;
  /** eq(z^row, ·) over the group's rows (one row: the weight 1). */
  weights: Uint32Array;
  rowPoint: Uint32Array;
  claims: number[];
}

function rowGroups(layouts: readonly ClaimLayout[]): { groups: RowGroup[]; groupOf: Int32Array } {
  const groups: RowGroup[] = [], groupOf = new Int32Array(layouts.length), byRow = new Map<number, number>();
  for (let i = 0; i < layouts.length; i++) {
    const l = layouts[i]!;
    let g = l.rowCount === 1 ? byRow.get(l.rowStart) : undefined;
    if (g === undefined) {
      g = groups.length;
      groups.push({ rowStart: l.rowStart, weights: rowWeights(l), rowPoint: l.rowPoint, claims: [] });
      if (l.rowCount === 1) byRow.set(l.rowStart, g);
    }
    groups[g]!.claims.push(i);
    groupOf[i] = g;
  }
  return { groups, groupOf };
}

function overlapsAny(spans: readonly [number, number][], start: number, end: number): boolean {
  for (const [a, b] of spans) if (a < end && start < b) return true;
  return false;
}

/**
 * Writes every group's E (`cols` extension elements each, not zeroed: what no table covers is
 * zeroed here) from its claims' eq tables. eq(z^col, ·) of a segment narrower than a row is zero
 * outside the segment's columns (the offset's bits are 0/1 coordinates), so each claim's table
 * covers only its own 2^vars columns; one that overlaps a table already in its group's E is made
 * aside and added.
 */
function writeColumnEqs(params: PcsParams, claims: readonly PcsClaim[], groups: readonly RowGroup[], rho: Uint32Array, E: Buf): void {
  const K = fieldBackend(), cols = 2 ** params.logCols;
  // Per claim: its columns of E, and where in the scratch its table goes (−1: straight onto E).
  const plan: { r: Uint32Array; scale: Uint32Array; into: Buf; size: number; aside: number }[] = [];
  let asideWords = 0;
  for (let gi = 0; gi < groups.length; gi++) {
    const written: [number, number][] = [];
    for (const l of groups[gi]!.claims) {
      const c = claims[l]!, vars = Math.min(c.segment?.logSize ?? params.logN, params.logCols), size = 2 ** vars;
      const start = (c.segment?.offset ?? 0) % cols, end = start + size;
      const overlaps = overlapsAny(written, start, end);
      if (!overlaps) written.push([start, end]);
      plan.push({ r: c.point.subarray(0, 4 * vars), scale: ext(rho, l), into: K.slice(E, 4 * (gi * cols + start), 4 * size), size, aside: overlaps ? asideWords : -1 });
      if (overlaps) asideWords += 4 * size;
    }
    // Zero the columns between the tables written straight onto E (the rest is written whole).
    written.sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [from, to] of written) {
      if (from > at) K.view(K.slice(E, 4 * (gi * cols + at), 4 * (from - at))).fill(0);
      at = Math.max(at, to);
    }
    if (at < cols) K.view(K.slice(E, 4 * (gi * cols + at), 4 * (cols - at))).fill(0);
  }
  const scratch = asideWords > 0 ? K.allocFor(asideWords) : undefined;
  try {
    const tables: { r: Uint32Array; scale: Uint32Array; out: Buf }[] = [];
    for (const p of plan) tables.push({ r: p.r, scale: p.scale, out: p.aside < 0 ? p.into : K.slice(scratch!, p.aside, 4 * p.size) });
    K.eqTables(tables);
    for (let i = 0; i < plan.length; i++) if (plan[i]!.aside >= 0) K.extAdd(plan[i]!.into, tables[i]!.out, plan[i]!.into, plan[i]!.size);
  } finally {
    if (scratch) K.free(scratch);
  }
}

/** The combinations of each group's rows, into consecutive blocks of `cols` extension elements of G. */
function groupRows(K: FieldBackend, groups: readonly RowGroup[], G: Buf, cols: number) {
  const out: { rowStart: number; weights: Uint32Array; rowPoint: Uint32Array; out: Buf }[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    out.push({ rowStart: g.rowStart, weights: g.weights, rowPoint: g.rowPoint, out: K.slice(G, 4 * cols * i, 4 * cols) });
  }
  return out;
}

/**
 * The prover's half. The sumcheck Σ_l ρ^l Σ_y E_l(y)·G_l(y) runs as one product sumcheck over the
 * row groups' tables stacked block after block (E pre-scaled by ρ^l): pairs never cross a block,
 * and a fold leaves block i at [i·m, (i+1)·m). Messages and transcript labels are those of
 * ../sumcheck, whose verifySumcheck checks them.
 */
export function proveBatch(t: Transcript, params: PcsParams, M: RowCombiner, claims: readonly PcsClaim[]): BatchProverResult {
  const layouts: ClaimLayout[] = [];
  for (const c of claims) layouts.push(claimLayout(params, c));
  const cols = 2 ** params.logCols, L = claims.length;
  const rho = extPowers(t.squeezeExt(LABEL.rho), L);
  const K = fieldBackend();
  const { groups, groupOf } = rowGroups(layouts);
  const n = groups.length;
  // E: the groups' Σ ρ^l·eq(z_l^col, ·) and G: their rows' combination g, each n × cols extension
  // elements. The first fold writes fresh tables, so gs (the g's, kept for the evaluation row) is
  // G's first round.
  const rounds = new Uint32Array(4 * BATCH_DEGREE * params.logCols);
  // Small enough: E and the g's whole (the g's kept, so the evaluation row costs no other pass
  // over the matrix). Else the first round streams over blocks of groups, made twice (for the
  // round, then for its fold), and only the folded halves are ever whole: a third of the memory.
  const chunk = Math.max(1, Math.floor(BATCH_STREAM.words / (4 * cols)));
  const whole = n <= chunk;
  let E: Buf, G: Buf, sums: Uint32Array, round: number;
  let gs: Buf | undefined;
  if (whole) {
    E = K.allocFor(4 * cols * n);
    G = gs = K.allocFor(4 * cols * n);
    // One kernel batch for every group's g and one for every eq table (a pool would otherwise
    // run a small batch, or a call on one thread, per claim).
    M.combineIntoMany(groupRows(K, groups, G, cols));
    writeColumnEqs(params, claims, groups, rho, E);
    sums = K.roundProduct([{ buf: E, ext: true }, { buf: G, ext: true }], n * cols / 2);
    round = 0;
  } else {
    const blocks = (fn: (e: Buf, g: Buf, from: number, count: number) => void) => {
      for (let from = 0; from < n; from += chunk) {
        const count = Math.min(chunk, n - from), part = groups.slice(from, from + count);
        const e = K.allocFor(4 * cols * count), g = K.allocFor(4 * cols * count);
        try {
          M.combineIntoMany(groupRows(K, part, g, cols));
          writeColumnEqs(params, claims, part, rho, e);
          fn(e, g, from, count);
        } finally {
          K.free(e);
          K.free(g);
        }
      }
    };
    // Blocks' round sums add up (extension addition is coordinate-wise: vecAdd on the words).
    let first: Uint32Array | undefined;
    blocks((e, g, _, count) => {
      const part = K.roundProduct([{ buf: e, ext: true }, { buf: g, ext: true }], count * cols / 2);
      first = first ? vecAdd(first, part) : part;
    });
    rounds.set(first!, 0);
    t.absorbFields(ROUND_LABEL, rounds.subarray(0, 8));
    const r = t.squeezeExt(CHALLENGE_LABEL), half = cols / 2;
    E = K.allocFor(4 * n * half);
    G = K.allocFor(4 * n * half);
    let next: Uint32Array | undefined;
    blocks((e, g, from, count) => {
      const part = K.foldRoundProduct([{ buf: e, ext: true }, { buf: g, ext: true }], count * half, r, [K.slice(E, 4 * from * half, 4 * count * half), K.slice(G, 4 * from * half, 4 * count * half)]);
      next = next ? vecAdd(next, part) : part;
    });
    sums = next!;
    round = 1;
  }
  try {
    for (let m = cols >> (round + 1); round < params.logCols; round++, m /= 2) {
      rounds.set(sums, 8 * round);
      t.absorbFields(ROUND_LABEL, rounds.subarray(8 * round, 8 * round + 8));
      const r = t.squeezeExt(CHALLENGE_LABEL);
      // Both folds and the next round in one pass (pairs stay inside a block while m ≥ 2; the
      // last call's sums are not used). Out of place: a pool's kernels split it across threads.
      const e = K.allocFor(4 * n * m), g = K.allocFor(4 * n * m);
      sums = K.foldRoundProduct([{ buf: E, ext: true }, { buf: G, ext: true }], n * m, r, [e, g]);
      K.free(E);
      if (G !== gs) K.free(G);
      E = e;
      G = g;
    }
    // One element per block is left: g(y*) of each group, which is g_l(y*) of each of its claims.
    const ends = K.read(K.slice(G, 0, 4 * n));
    const rowValues = new Uint32Array(4 * L);
    for (let l = 0; l < L; l++) rowValues.set(ext(ends, groupOf[l]!), 4 * l);
    t.absorbFields(LABEL.rowValues, rowValues);
    const rhoRow = extPowers(t.squeezeExt(LABEL.rhoRow), L);
    // Without the g's: the same row straight from the matrix, Σ_l ρ'^l eq(z_l^row)ᵀM.
    if (!gs) return { rounds, rowValues, evalRow: M.combine(0, combinedRowWeights(params, layouts, rhoRow)) };
    // Σ_l ρ'^l g_l with the claims' weights summed per group.
    const weights = new Uint32Array(4 * n);
    for (let l = 0; l < L; l++) weights.set(extAdd(ext(weights, groupOf[l]!), ext(rhoRow, l)), 4 * groupOf[l]!);
    const w = K.from(weights), evalRow = K.alloc(4 * cols);
    try {
      K.combineRowsExt(gs, n, cols, w, evalRow);
      return { rounds, rowValues, evalRow: K.read(evalRow) };
    } finally {
      K.free(w);
      K.free(evalRow);
    }
  } finally {
    K.free(E);
    if (G !== gs) K.free(G);
    if (gs) K.free(gs);
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
