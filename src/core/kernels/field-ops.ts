// A cheap count of the field operations the bulk kernels perform (the prove panel's "field ops/s").
//
// Convention (one count per element-level step; an extension element counts as one, like a base one):
//   vector ops (add … extSum, dot): n;  combineRows: rows·cols;  extOuter: n·m;  matMulBatch: batch·M·S·N;  transpose: 0 (moves, no arithmetic);
//   NTT of 2^k: (2^k/2)·k butterflies (+ 2^k for the inverse's 1/N scaling);
//   RS encoding: rows · (N/2)·log N butterflies, N = 2^(logM+logRate) the codeword length;
//   eqTable: 2^n (the table's size);  fold: 2m (the input table);  sumcheck round: 2m per table;
//   fused fold and round: the folds plus the next round over the m folded elements (m per table);
//   fraction-layer round (gkrRound): 2m per table, four tables, plus m for the split-off eq; a layer up (gkrLayer): 3h.
// The count is per thread (a module-level number): pool workers report theirs per job.

import type { Ext } from "../field/ext.ts";
import type { Buf, FieldBackend, GkrLayerArgs, GkrTables, Table } from "./types.ts";

let ops = 0;

/** Four folds of 2m, then the next round over m folded elements (none when m = 1). */
const gkrFoldOps = (m: number) => 8 * m + (m < 2 ? 0 : 4.5 * m);

/** Field operations performed by the kernels on this thread since it started (see the convention above). */
export function fieldOpsCount(): number {
  return ops;
}

export const butterflies = (logN: number): number => (2 ** logN / 2) * logN;

/** Counts work done outside the counted backend calls (kernels submitted to a pool's workers). */
export function addFieldOps(n: number): void {
  ops += n;
}

/** The backend with every bulk call counted; the inner backend's own calls to itself stay uncounted. */
export function countFieldOps<B extends FieldBackend>(b: B): B {
  const counted: Partial<FieldBackend> = {
    add(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.add(x, y, out, n); },
    sub(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.sub(x, y, out, n); },
    mul(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.mul(x, y, out, n); },
    scale(x: Buf, c: number, out: Buf, n: number) { ops += n; b.scale(x, c, out, n); },
    dot(x: Buf, y: Buf, n: number) { ops += n; return b.dot(x, y, n); },
    extAdd(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.extAdd(x, y, out, n); },
    extSub(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.extSub(x, y, out, n); },
    extMul(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.extMul(x, y, out, n); },
    extMulBase(x: Buf, y: Buf, out: Buf, n: number) { ops += n; b.extMulBase(x, y, out, n); },
    extScale(x: Buf, c: Ext, out: Buf, n: number) { ops += n; b.extScale(x, c, out, n); },
    baseScaleExt(x: Buf, c: Ext, out: Buf, n: number) { ops += n; b.baseScaleExt(x, c, out, n); },
    lookupDenominators(cols: readonly Buf[], alpha: Ext, coeffs: readonly Ext[], n: number, out: Buf) { ops += n * cols.length; b.lookupDenominators(cols, alpha, coeffs, n, out); },
    lookupDenominatorsMany(items: readonly { columns: readonly Buf[]; n: number; out: Buf }[], alpha: Ext, coeffs: readonly Ext[]) {
      for (const x of items) ops += x.n * x.columns.length;
      b.lookupDenominatorsMany(items, alpha, coeffs);
    },
    extDot(x: Buf, y: Buf, n: number) { ops += n; return b.extDot(x, y, n); },
    extDotBase(x: Buf, y: Buf, n: number) { ops += n; return b.extDotBase(x, y, n); },
    extDotBaseMany(items: readonly { a: Buf; b: Buf; n: number }[]) {
      for (const x of items) ops += x.n;
      return b.extDotBaseMany(items);
    },
    extSum(x: Buf, n: number) { ops += n; return b.extSum(x, n); },
    combineRows(m: Buf, rows: number, cols: number, w: Buf, out: Buf) { ops += rows * cols; b.combineRows(m, rows, cols, w, out); },
    combineRowsMany(items: readonly { m: Buf; rows: number; w: Buf; out: Buf }[], cols: number) {
      for (const x of items) ops += x.rows * cols;
      b.combineRowsMany(items, cols);
    },
    combineRowsExt(m: Buf, rows: number, cols: number, w: Buf, out: Buf) { ops += rows * cols; b.combineRowsExt(m, rows, cols, w, out); },
    extOuter(x: Buf, n: number, y: Buf, m: number, out: Buf) { ops += n * m; b.extOuter(x, n, y, m, out); },
    matMulBatch(x: Buf, xs: number, y: Buf, yExt: boolean, ys: number, M: number, S: number, N: number, batch: number, out: Buf, os: number) {
      ops += batch * M * S * N;
      b.matMulBatch(x, xs, y, yExt, ys, M, S, N, batch, out, os);
    },
    ntt(a: Buf, logN: number) { ops += butterflies(logN); b.ntt(a, logN); },
    intt(a: Buf, logN: number) { ops += butterflies(logN) + 2 ** logN; b.intt(a, logN); },
    extNtt(a: Buf, logN: number) { ops += butterflies(logN); b.extNtt(a, logN); },
    extIntt(a: Buf, logN: number) { ops += butterflies(logN) + 2 ** logN; b.extIntt(a, logN); },
    rsEncode(rows: Buf, n: number, logM: number, logRate: number, out: Buf) { ops += n * butterflies(logM + logRate); b.rsEncode(rows, n, logM, logRate, out); },
    rsEncodeExt(rows: Buf, n: number, logM: number, logRate: number, out: Buf) { ops += n * butterflies(logM + logRate); b.rsEncodeExt(rows, n, logM, logRate, out); },
    eqTable(r: Uint32Array, out: Buf, scale?: Ext) { ops += 2 ** (r.length / 4); b.eqTable(r, out, scale); },
    eqTables(tables: readonly { r: Uint32Array; out: Buf; scale?: Ext }[]) {
      for (const t of tables) ops += 2 ** (t.r.length / 4);
      b.eqTables(tables);
    },
    foldBase(inp: Buf, m: number, r: Ext, out: Buf) { ops += 2 * m; b.foldBase(inp, m, r, out); },
    foldExt(inp: Buf, m: number, r: Ext, out: Buf) { ops += 2 * m; b.foldExt(inp, m, r, out); },
    roundProduct(tables: Table[], m: number) { ops += 2 * m * tables.length; return b.roundProduct(tables, m); },
    foldRoundProduct(tables: Table[], m: number, r: Ext, outs: Buf[]) {
      ops += (2 * m + (m < 2 ? 0 : m)) * tables.length;
      return b.foldRoundProduct(tables, m, r, outs);
    },
    gkrFoldRound(tables: readonly Buf[], pExt: boolean, m: number, r: Ext, lambda: Ext, outs: readonly Buf[], withOne?: boolean) {
      ops += gkrFoldOps(m);
      return b.gkrFoldRound(tables, pExt, m, r, lambda, outs, withOne);
    },
    gkrLayer(p0: Buf, p1: Buf, q0: Buf, q1: Buf, pExt: boolean, h: number, np: Buf, nq: Buf) { ops += 3 * h; b.gkrLayer(p0, p1, q0, q1, pExt, h, np, nq); },
    gkrRound(S: Buf, p0: Buf, p1: Buf, q0: Buf, q1: Buf, pExt: boolean, m: number, lambda: Ext, withOne?: boolean) { ops += 9 * m; return b.gkrRound(S, p0, p1, q0, q1, pExt, m, lambda, withOne); },
    gkrRounds(trees: readonly GkrTables[], m: number, lambda: Ext, withOne?: boolean) { ops += 9 * m * trees.length; return b.gkrRounds(trees, m, lambda, withOne); },
    gkrFoldRounds(trees: readonly GkrTables[], m: number, r: Ext, lambda: Ext, withOne?: boolean) {
      ops += gkrFoldOps(m) * trees.length;
      return b.gkrFoldRounds(trees, m, r, lambda, withOne);
    },
    gkrLayers(layers: readonly GkrLayerArgs[], h: number) { ops += 3 * h * layers.length; b.gkrLayers(layers, h); },
  };
  return { ...b, ...counted };
}
