// LogUp instances (PROTOCOL.md §5): one per table, covering every use of it, shown by two fraction trees
//   Σ_uses Σ_i sel_i / (α − Σ_c β^c·a_c(i))  =  Σ_j m_j / (α − Σ_c β^c·t_c(j)).
// All instances of a proof share α, β and one batched GKR (each identity is still checked on its
// own; a shared α only adds a union bound over the instances).
// Uses are laid out in one leaf vector at size-aligned offsets (largest first), unused leaves
// are 0/1. The verifier evaluates the selectors and the table MLE itself; the prover supplies
// only the columns' values at the leaf point (which become claims on the committed or derived
// columns) and m̃ at the table point (a claim on the committed multiplicities).

import { type Ext, EXT_ONE, EXT_ZERO, P, extAdd, extEquals, extIsZero, extMul, extSub } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { absorbExts, gkrProve, gkrVerify, eqEval, pointWords, type GkrClaim, type GkrLeaves, type GkrProof } from "./gkr.ts";
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
import { inKernels, keepResident } from "../kernels/resident.ts";
import { evaluateMle } from "../poly/index.ts";
import { LookupError, LookupRejection } from "./errors.ts";
import { columnFormMle, type ColumnForm } from "./table-mle.ts";

/** A public table: `columns[c][j]` is component c of row j; 2^logRows rows (pad with real rows). */
export interface Table {
  name: string;
  logRows: number;
  columns: Uint32Array[];
  /** Columns that are clamp(j + add, lo, hi) by construction: the verifier evaluates their MLE in O(logRows). */
  forms?: readonly ColumnForm[];
}

/** Where a use's tuples live: a tensor of `shape`, padded to 2^logDims[d] per dimension. */
export interface UseShape {
  shape: number[];
  logDims: number[];
}

export interface LookupUse extends UseShape {
  /** Tuple components over the padded hypercube (row-major, last dimension lowest bits). */
  columns: Uint32Array[];
  /** Names the use in errors (the node and tensor). */
  label: string;
}

/** Every LogUp instance of a proof, proved together: one batched GKR over all their trees. */
export interface LogupProof {
  /** Trees in instance order: instance i's witness tree is tree 2i, its table tree 2i + 1. */
  gkr: GkrProof;
  /** Per instance, per use, per column: the column's MLE at the use's part of the witness leaf point. */
  columnEvals: Ext[][][];
  /** Per instance: m̃ at its table leaf point. */
  multiplicityEvals: Ext[];
}

/** One instance to prove: a table, every use of it, and the multiplicities. */
export interface LogupInstance {
  table: Table;
  uses: LookupUse[];
  m: Uint32Array;
}

export interface ColumnClaim {
  use: number;
  column: number;
  point: Ext[];
  value: Ext;
}

export interface LogupClaims {
  columns: ColumnClaim[];
  multiplicity: { point: Ext[]; value: Ext };
}

function nVarsOf(u: UseShape): number {
  let n = 0;
  for (const d of u.logDims) n += d;
  return n;
}

const largestFirst = (a: { i: number; size: number }, b: { i: number; size: number }) => b.size - a.size || a.i - b.i;

/** Leaf layout: offsets aligned to each use's size, largest first; n = total variables (≥ 1). */
export function layoutUses(uses: UseShape[]): { offsets: number[]; n: number } {
  const order: { i: number; size: number }[] = [];
  for (let i = 0; i < uses.length; i++) order.push({ i, size: 2 ** nVarsOf(uses[i]!) });
  order.sort(largestFirst);
  const offsets = new Array<number>(uses.length);
  let next = 0;
  for (const { i, size } of order) {
    offsets[i] = next;
    next += size;
  }
  let n = 1;
  while (2 ** n < next) n++;
  return { offsets, n };
}

// Masks depend only on the shape: made once per shape (a model's proofs share them). Read-only.
const masks = new Map<string, { bytes: Uint8Array; words: Uint32Array }>();

function masksOf(u: UseShape): { bytes: Uint8Array; words: Uint32Array } {
  const key = `${u.shape.join(",")}|${u.logDims.join(",")}`;
  let mask = masks.get(key);
  if (!mask) {
    if (masks.size >= 512) masks.clear();
    const bytes = buildMask(u);
    masks.set(key, (mask = { bytes, words: Uint32Array.from(bytes) }));
  }
  return mask;
}

/** Row-major position → is it inside the true shape? (1 or 0; shared, never write to it) */
function liveMask(u: UseShape): Uint8Array {
  return masksOf(u).bytes;
}

function buildMask(u: UseShape): Uint8Array {
  const out = new Uint8Array(2 ** nVarsOf(u));
  const dims = u.shape.length;
  if (dims === 0) return out.fill(1);
  // Runs along the last dimension: one fill per row of the others.
  const len = u.shape[dims - 1]!, rowStride = 2 ** u.logDims[dims - 1]!;
  const idx = new Array<number>(dims - 1).fill(0);
  const rows = u.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  for (let r = 0; r < rows && len > 0; r++) {
    let pos = 0;
    for (let d = 0; d < dims - 1; d++) pos = pos * 2 ** u.logDims[d]! + idx[d]!;
    out.fill(1, pos * rowStride, pos * rowStride + len);
    for (let d = dims - 2; d >= 0; d--) {
      if (++idx[d]! < u.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** MLE of the live selector at a point: per dimension, Σ_{i < n_d} eq(r_d, i), in O(bits). */
export function selectorEval(u: UseShape, point: Ext[]): Ext {
  let acc: Ext = EXT_ONE.slice();
  let offset = 0;
  for (let d = u.logDims.length - 1; d >= 0; d--) {
    const bits = u.logDims[d]!;
    acc = extMul(acc, prefixIndicator(point.slice(offset, offset + bits), u.shape[d]!));
    offset += bits;
  }
  return acc;
}

/** Σ_{i < n} eq(r, i) over bits(r) variables, LSB first, by scanning bits from the top. */
function prefixIndicator(r: Ext[], n: number): Ext {
  const bits = r.length;
  if (n >= 2 ** bits) return EXT_ONE.slice();
  // Walk n's bits from the most significant: where n has a 1, every i with a 0 there and the same
  // higher bits is < n (and its lower bits are free: their eq factors sum to 1).
  let acc: Ext = EXT_ZERO.slice();
  let prefix: Ext = EXT_ONE.slice();
  for (let t = bits - 1; t >= 0; t--) {
    const bit = Math.floor(n / 2 ** t) % 2;
    const rt = r[t]!;
    if (bit === 1) {
      acc = extAdd(acc, extMul(prefix, extSub(EXT_ONE, rt)));
      prefix = extMul(prefix, rt);
    } else {
      prefix = extMul(prefix, extSub(EXT_ONE, rt));
    }
  }
  return acc;
}

function weightOf(point: Ext[], nLow: number, offset: number): Ext {
  const high = point.slice(nLow);
  const idx = offset / 2 ** nLow;
  return eqEval(high, high.map((_, t) => (Math.floor(idx / 2 ** t) % 2 ? EXT_ONE : EXT_ZERO)));
}

function checkTable(t: Table): void {
  if (!Number.isInteger(t.logRows) || t.logRows < 1 || t.logRows > 16) throw new LookupError(`table ${t.name}: 2^1..2^16 rows (pad small tables with copies of a real row)`);
  let full = t.columns.length > 0;
  for (const c of t.columns) full &&= c.length === 2 ** t.logRows;
  if (!full) throw new LookupError(`table ${t.name}: every column must have 2^${t.logRows} rows`);
}

/**
 * Counts how often each table row is used; a tuple not in the table is an error naming it
 * (`skipMissing` only for tests that play a cheating prover).
 */
export function multiplicities(table: Table, uses: LookupUse[], opts: { skipMissing?: boolean } = {}): Uint32Array {
  checkTable(table);
  const rows = 2 ** table.logRows;
  const find = rowFinder(table);
  const m = new Uint32Array(rows);
  let total = 0;
  const tuple = new Uint32Array(table.columns.length);
  for (const u of uses) {
    const live = liveMask(u);
    if (find.direct && tuple.length <= 3) {
      // The first column indexes the row directly, the others must match it: no tuple, no call
      // per element.
      const { index, lo, hi } = find.direct, span = hi - lo, col = u.columns[0]!, width = tuple.length;
      const counted = width === 1 ? countOne(m, live, col, index, lo, span) : countTuples(m, live, u.columns, table.columns, index, lo, span);
      if (counted.missing >= 0 && !opts.skipMissing) {
        const x = counted.missing;
        throw new LookupError(`${u.label}: value (${u.columns.map((c) => c[x]).join(",")}) at position ${x} is not in table ${table.name}`);
      }
      total += counted.found;
      if (total >= P) throw new LookupError(`table ${table.name}: more than p lookups`);
      continue;
    }
    for (let x = 0; x < live.length; x++) {
      if (!live[x]) continue;
      for (let c = 0; c < tuple.length; c++) tuple[c] = u.columns[c]![x]!;
      const j = find(tuple);
      if (j < 0) {
        if (opts.skipMissing) continue;
        throw new LookupError(`${u.label}: value (${Array.from(tuple).join(",")}) at position ${x} is not in table ${table.name}`);
      }
      m[j]!++;
      if (++total >= P) throw new LookupError(`table ${table.name}: more than p lookups`);
    }
  }
  return m;
}

// The direct path's counting loops: one column alone (most range checks) reads nothing else; two
// or three compare the row's other columns. Both count every live position whose tuple is in the
// table and return the first that is not (−1: none); the caller decides whether that is an error.

function countOne(m: Uint32Array, live: Uint8Array, col: Uint32Array, index: Int32Array, lo: number, span: number): { found: number; missing: number } {
  let found = 0, missing = -1;
  for (let x = 0; x < live.length; x++) {
    if (live[x] === 0) continue;
    const raw = col[x]!, v = (raw > P / 2 ? raw - P : raw) - lo;
    const j = v >= 0 && v <= span ? index[v]! : -1;
    if (j >= 0) {
      m[j]!++;
      found++;
    } else if (missing < 0) missing = x;
  }
  return { found, missing };
}

function countTuples(m: Uint32Array, live: Uint8Array, cols: readonly Uint32Array[], tcols: readonly Uint32Array[], index: Int32Array, lo: number, span: number): { found: number; missing: number } {
  const col = cols[0]!, u1 = cols[1]!, t1 = tcols[1]!, u2 = cols[2] ?? u1, t2 = tcols[2] ?? t1;
  let found = 0, missing = -1;
  for (let x = 0; x < live.length; x++) {
    if (live[x] === 0) continue;
    const raw = col[x]!, v = (raw > P / 2 ? raw - P : raw) - lo;
    const j = v >= 0 && v <= span ? index[v]! : -1;
    if (j >= 0 && t1[j] === u1[x] && t2[j] === u2[x]) {
      m[j]!++;
      found++;
    } else if (missing < 0) missing = x;
  }
  return { found, missing };
}

/**
 * The row of a tuple, or −1. When the first column alone picks the row (every table the compiler
 * makes but the setup's), by direct index over its signed range; otherwise through a map.
 */
interface RowFinder {
  (tuple: Uint32Array): number;
  /** The first column's direct index (row of value lo + i, or −1), when it alone picks the row. */
  direct?: { index: Int32Array; lo: number; hi: number };
}

// Finders depend only on the table: made once per table object.
const finders = new WeakMap<Table, RowFinder>();

function rowFinder(table: Table): RowFinder {
  let f = finders.get(table);
  if (!f) finders.set(table, (f = buildRowFinder(table)));
  return f;
}

function buildRowFinder(table: Table): RowFinder {
  const rows = 2 ** table.logRows, first = table.columns[0]!;
  const signed = (v: number) => (v > P / 2 ? v - P : v);
  let lo = Infinity, hi = -Infinity;
  for (let j = 0; j < rows; j++) {
    const v = signed(first[j]!);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const index = hi - lo < 2 ** 22 ? new Int32Array(hi - lo + 1).fill(-1) : undefined;
  let keyed = index !== undefined;
  for (let j = 0; j < rows && keyed; j++) {
    const at = signed(first[j]!) - lo, prev = index![at]!;
    if (prev < 0) index![at] = j;
    else if (table.columns.some((c) => c[prev] !== c[j])) keyed = false; // same key, other row
  }
  if (keyed) {
    const find: RowFinder = (t) => {
      const v = signed(t[0]!) - lo;
      const j = v >= 0 && v <= hi - lo ? index![v]! : -1;
      if (j < 0) return -1;
      for (let c = 1; c < t.length; c++) if (table.columns[c]![j] !== t[c]) return -1;
      return j;
    };
    find.direct = { index: index!, lo, hi };
    return find;
  }
  const map = new Map<string, number>();
  for (let j = rows - 1; j >= 0; j--) map.set(table.columns.map((c) => c[j]).join(","), j);
  return (t) => map.get(Array.from(t).join(",")) ?? -1;
}

/** 2^14 extension ones, written over and over: a lookup's padding can be 2^26 leaves. */
const EXT_ONES = (() => {
  const w = new Uint32Array(4 << 14);
  for (let i = 0; i < w.length; i += 4) w[i] = 1;
  return w;
})();

/** Extension ones into `q` from element `from` to `to`. */
function writeExtOnes(K: FieldBackend, q: Buf, from: number, to: number): void {
  for (let at = from; at < to; at += EXT_ONES.length / 4) K.write(q, EXT_ONES.subarray(0, 4 * Math.min(EXT_ONES.length / 4, to - at)), 4 * at);
}

/** α and the powers of β that combine a tuple, squeezed after the witness root. */
function challenges(tr: Transcript, width: number): { alpha: Ext; betaPowers: Ext[] } {
  const alpha = tr.squeezeExt("logup/alpha");
  const beta = tr.squeezeExt("logup/beta");
  const betaPowers: Ext[] = [EXT_ONE.slice()];
  for (let c = 1; c < width; c++) betaPowers.push(extMul(betaPowers[c - 1]!, beta));
  return { alpha, betaPowers };
}

/**
 * Proves every instance (PROTOCOL.md §5) under one α, β: their witness and table trees go
 * through one batched GKR, then the column values and multiplicities at the leaf points.
 */
export function logupProve(instances: LogupInstance[], tr: Transcript): { proof: LogupProof; claims: LogupClaims[] } {
  for (const { table } of instances) checkTable(table);
  const { alpha, betaPowers } = challenges(tr, Math.max(...instances.map((x) => x.table.columns.length)));

  const K = fieldBackend();
  const trees: GkrLeaves[] = [];
  // Every use's columns in kernel memory once: the denominators and, after the GKR, the column
  // values at the leaf point (eq table · column) read them there.
  const columns: Buf[][][] = [];
  // Copies made here (a column already in kernel memory, the pipelined witness's, is a slice of it).
  const copies: Buf[] = [];
  const eqs: Buf[] = [];
  try {
    // Every use's and table's denominators, made in one kernel batch after the loop.
    const dens: { columns: Buf[]; n: number; out: Buf }[] = [];
    for (const { table, uses, m } of instances) {
      const width = table.columns.length;
      const { offsets, n } = layoutUses(uses);
      // The witness leaves, built in kernel memory: p the live selectors (base), q the
      // denominators α − Σ β^c·a_c, and past the uses p = 0, q = 1.
      const p = K.alloc(2 ** n), q = K.allocFor(4 * 2 ** n);
      trees.push({ p, q, n, pBase: true });
      const cols: Buf[][] = [];
      columns.push(cols);
      let covered = 0;
      for (let ui = 0; ui < uses.length; ui++) {
        const u = uses[ui]!;
        if (u.columns.length !== width) throw new LookupError(`${u.label}: ${u.columns.length} columns for a table of ${width}`);
        const live = masksOf(u).words, size = live.length;
        K.write(p, live, offsets[ui]!);
        const bufs: Buf[] = [];
        cols.push(bufs);
        for (const c of u.columns) {
          const { buf, owned } = inKernels(K, c.length === size ? c : c.subarray(0, size));
          bufs.push(buf);
          if (owned) copies.push(buf);
        }
        dens.push({ columns: bufs, n: size, out: K.slice(q, 4 * offsets[ui]!, 4 * size) });
        covered = Math.max(covered, offsets[ui]! + size);
      }
      writeExtOnes(K, q, covered, 2 ** n);
      // The table leaves: p = −m, q = α − Σ β^c·t_c.
      const rows = 2 ** table.logRows;
      // −m as m·(p − 1), by the kernels (split across a pool's threads).
      const tp = K.from(m.length === rows ? m : m.subarray(0, rows)), tq = K.allocFor(4 * rows);
      K.scale(tp, P - 1, tp, rows);
      trees.push({ p: tp, q: tq, n: table.logRows, pBase: true });
      // A table's columns are the plan's (tableToField keeps them): in kernel memory once.
      const tcols: Buf[] = [];
      for (const c of table.columns) tcols.push(keepResident(K, c));
      dens.push({ columns: tcols, n: rows, out: tq });
    }
    K.lookupDenominatorsMany(dens, alpha, betaPowers);
  } catch (e) {
    for (const t of trees) { K.free(t.p); K.free(t.q); }
    for (const b of copies) K.free(b);
    throw e;
  }
  try {
    const { proof: gkr, claims: leafClaims } = gkrProve(trees, tr, K);

    // Each use's columns share its point: one eq table per use (all in one kernel batch), then
    // every column's dot product with its table (another batch), not a call per column.
    const tables: { r: Uint32Array; out: Buf }[] = [], dots: { a: Buf; b: Buf; n: number }[] = [];
    for (let i = 0; i < instances.length; i++) {
      // Uses with as many variables read the same table (many requantizations share a shape).
      const byVars = new Map<number, Buf>();
      for (let ui = 0; ui < instances[i]!.uses.length; ui++) {
        const n = nVarsOf(instances[i]!.uses[ui]!);
        let out = byVars.get(n);
        if (!out) {
          byVars.set(n, (out = K.allocFor(4 * 2 ** n)));
          eqs.push(out);
          tables.push({ r: pointWords(leafClaims[2 * i]!.point.slice(0, n)), out });
        }
        for (const col of columns[i]![ui]!) dots.push({ a: out, b: col, n: 2 ** n });
      }
    }
    K.eqTables(tables);
    const values = K.extDotBaseMany(dots);
    const columnEvals: Ext[][][] = [];
    let at = 0;
    for (let i = 0; i < instances.length; i++) {
      const perUse: Ext[][] = [];
      for (let ui = 0; ui < instances[i]!.uses.length; ui++) {
        const vs: Ext[] = [];
        for (let c = 0; c < columns[i]![ui]!.length; c++, at++) vs.push(values.slice(4 * at, 4 * at + 4));
        perUse.push(vs);
      }
      columnEvals.push(perUse);
    }
    absorbExts(tr, "logup/columns", columnEvals.flat(2));
    // The table tree's leaves are p = −m: the GKR's claim on them at the point is −m̃ there.
    const multiplicityEvals: Ext[] = [];
    for (let i = 0; i < instances.length; i++) multiplicityEvals.push(extSub(EXT_ZERO, leafClaims[2 * i + 1]!.p));
    absorbExts(tr, "logup/multiplicity", multiplicityEvals);
    return { proof: { gkr, columnEvals, multiplicityEvals }, claims: logupClaims(instances, leafClaims, columnEvals, multiplicityEvals) };
  } finally {
    for (const b of [...copies, ...eqs]) K.free(b);
  }
}

function logupClaims(instances: LogupInstance[], leafClaims: GkrClaim[], columnEvals: Ext[][][], multiplicityEvals: Ext[]): LogupClaims[] {
  const out: LogupClaims[] = [];
  for (let i = 0; i < instances.length; i++) {
    const wPoint = leafClaims[2 * i]!.point, uses = instances[i]!.uses, columns: LogupClaims["columns"] = [];
    for (let ui = 0; ui < uses.length; ui++) {
      const point = wPoint.slice(0, nVarsOf(uses[ui]!));
      for (let c = 0; c < uses[ui]!.columns.length; c++) columns.push({ use: ui, column: c, point: point.slice(), value: columnEvals[i]![ui]![c]! });
    }
    out.push({ columns, multiplicity: { point: leafClaims[2 * i + 1]!.point, value: multiplicityEvals[i]! } });
  }
  return out;
}

/** Verifies every instance; returns, per instance, the claims the caller must still check (columns, m). */
export function logupVerify(instances: { table: Table; uses: UseShape[] }[], proof: LogupProof, tr: Transcript): LogupClaims[] {
  for (const { table } of instances) checkTable(table);
  const { alpha, betaPowers } = challenges(tr, Math.max(...instances.map((x) => x.table.columns.length)));
  const layouts = instances.map(({ uses }) => layoutUses(uses));
  const { roots, claims: leafClaims } = gkrVerify(proof.gkr, instances.flatMap(({ table }, i) => [layouts[i]!.n, table.logRows]), tr);
  if (proof.columnEvals.length !== instances.length || proof.multiplicityEvals.length !== instances.length) {
    throw new LookupRejection(`expected column and multiplicity values for ${instances.length} lookup instances`);
  }
  instances.forEach(({ table, uses }, i) => {
    const width = table.columns.length, evals = proof.columnEvals[i]!;
    if (evals.length !== uses.length || evals.some((e) => e.length !== width)) {
      throw new LookupRejection(`table ${table.name}: expected ${width} column values for each of ${uses.length} uses`);
    }
  });
  absorbExts(tr, "logup/columns", proof.columnEvals.flat(2));
  absorbExts(tr, "logup/multiplicity", proof.multiplicityEvals);

  return instances.map(({ table, uses }, i): LogupClaims => {
    const width = table.columns.length, evals = proof.columnEvals[i]!, { offsets } = layouts[i]!;
    // The witness leaf layer at the GKR point, rebuilt from public selectors and the claimed column values.
    const w = leafClaims[2 * i]!, t = leafClaims[2 * i + 1]!;
    let pLeaf: Ext = EXT_ZERO.slice(), qLeaf: Ext = EXT_ZERO.slice(), covered: Ext = EXT_ZERO.slice();
    uses.forEach((u, ui) => {
      const nLow = nVarsOf(u);
      const weight = weightOf(w.point, nLow, offsets[ui]!);
      const low = w.point.slice(0, nLow);
      pLeaf = extAdd(pLeaf, extMul(weight, selectorEval(u, low)));
      let qv = alpha;
      for (let c = 0; c < width; c++) qv = extSub(qv, extMul(betaPowers[c]!, evals[ui]![c]!));
      qLeaf = extAdd(qLeaf, extMul(weight, qv));
      covered = extAdd(covered, weight);
    });
    qLeaf = extAdd(qLeaf, extSub(EXT_ONE, covered));
    if (!extEquals(pLeaf, w.p)) throw new LookupRejection(`table ${table.name}: witness numerators do not match the live selectors`);
    if (!extEquals(qLeaf, w.q)) throw new LookupRejection(`table ${table.name}: witness denominators do not match the claimed column values`);

    let tableQ = alpha;
    for (let c = 0; c < width; c++) {
      const form = table.forms?.[c];
      tableQ = extSub(tableQ, extMul(betaPowers[c]!, form ? columnFormMle(form, t.point) : evaluateMle(table.columns[c]!, false, pointWords(t.point))));
    }
    const mEval = proof.multiplicityEvals[i]!;
    if (!extEquals(tableQ, t.q)) throw new LookupRejection(`table ${table.name}: table denominators do not match the table`);
    if (!extEquals(extSub(EXT_ZERO, mEval), t.p)) throw new LookupRejection(`table ${table.name}: multiplicities do not match the claimed value`);

    const [wP, wQ] = roots[2 * i]!, [tP, tQ] = roots[2 * i + 1]!;
    if (extIsZero(wQ) || extIsZero(tQ)) throw new LookupRejection(`table ${table.name}: a denominator is zero`);
    if (!extIsZero(extAdd(extMul(wP, tQ), extMul(tP, wQ)))) throw new LookupRejection(`table ${table.name}: the looked-up values are not all in the table`);

    return {
      columns: uses.flatMap((u, ui) => Array.from({ length: width }, (_, c) => ({ use: ui, column: c, point: w.point.slice(0, nVarsOf(u)), value: evals[ui]![c]! }))),
      multiplicity: { point: t.point, value: mEval },
    };
  });
}
