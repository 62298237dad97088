// The bulk-kernel interface, implemented twice: by the wasm kernels (wasm-backend.ts, the fast
// one) and by plain TypeScript (ts-backend.ts, the reference). Both must agree bit for bit.
//
// Memory: a backend owns its buffers. `alloc` gives a zero-filled buffer of `len` u32 words
// (in wasm: inside the kernel instance's memory, so hot loops never copy big arrays in or out);
// `view` is a live Uint32Array over it, valid until the next alloc (wasm memory may grow and
// detach old views — take a fresh view after any alloc); `read` copies out; `free` returns it.
// `slice` is a non-owning window into a buffer (never free a slice).
//
// Layout: base vectors are one word per element; extension vectors four words per element,
// interleaved (c0..c3). Counts (n, m, rows, cols) are in elements; every buffer must be at least
// as long as the counts say. Values must be canonical (< p); outputs always are.

import type { Ext } from "../field/ext.ts";

export interface Buf {
  /** Length in u32 words. */
  readonly len: number;
}

/** A sumcheck table: a multilinear's evaluations, base (1 word each) or extension (4 words). */
export interface Table {
  buf: Buf;
  ext: boolean;
}

/** One fraction tree's tables in a batched GKR round: [S, p0, p1, q0, q1], its weight in the combined message, and where a fold writes the last four. */
export interface GkrTables {
  tables: readonly Buf[];
  pExt: boolean;
  weight: Ext;
  outs?: readonly Buf[];
}

/** One tree's layer-up in a batch: np = p0·q1 + p1·q0, nq = q0·q1 (p0, p1 base unless pExt). */
export interface GkrLayerArgs {
  p0: Buf;
  p1: Buf;
  q0: Buf;
  q1: Buf;
  pExt: boolean;
  np: Buf;
  nq: Buf;
}

export interface FieldBackend {
  readonly name: "ts" | "wasm";

  // ---- memory ----
  alloc(words: number): Buf;
  /** A buffer the caller fills completely before reading it (not zeroed: cheaper for outputs). */
  allocFor(words: number): Buf;
  from(data: Uint32Array): Buf;
  slice(b: Buf, offsetWords: number, words: number): Buf;
  view(b: Buf): Uint32Array;
  read(b: Buf): Uint32Array;
  write(b: Buf, data: Uint32Array, offsetWords?: number): void;
  free(b: Buf): void;

  // ---- base-field vectors (out may alias a or b) ----
  add(a: Buf, b: Buf, out: Buf, n: number): void;
  sub(a: Buf, b: Buf, out: Buf, n: number): void;
  mul(a: Buf, b: Buf, out: Buf, n: number): void;
  scale(a: Buf, c: number, out: Buf, n: number): void;
  dot(a: Buf, b: Buf, n: number): number;

  // ---- extension vectors (out may alias an input of the same layout) ----
  extAdd(a: Buf, b: Buf, out: Buf, n: number): void;
  extSub(a: Buf, b: Buf, out: Buf, n: number): void;
  extMul(a: Buf, b: Buf, out: Buf, n: number): void;
  /** out = a ⊙ b with a extension, b base. */
  extMulBase(a: Buf, b: Buf, out: Buf, n: number): void;
  /** out = c·a, a extension. */
  extScale(a: Buf, c: Ext, out: Buf, n: number): void;
  /** out (extension) = c·a, a base. */
  baseScaleExt(a: Buf, c: Ext, out: Buf, n: number): void;
  /** out (extension) = alpha − Σ_c coeffs[c]·columns[c] over n entries, for 1–3 base columns (LogUp's denominators). */
  lookupDenominators(columns: readonly Buf[], alpha: Ext, coeffs: readonly Ext[], n: number, out: Buf): void;
  /** lookupDenominators of each (columns, n, out), with the first columns.length of `coeffs`. */
  lookupDenominatorsMany(items: readonly { columns: readonly Buf[]; n: number; out: Buf }[], alpha: Ext, coeffs: readonly Ext[]): void;
  extDot(a: Buf, b: Buf, n: number): Ext;
  /** Σ a_i·b_i with a extension, b base. */
  extDotBase(a: Buf, b: Buf, n: number): Ext;
  /** extDotBase of each (a, b, n), one extension element (4 words) per item, in order. */
  extDotBaseMany(items: readonly { a: Buf; b: Buf; n: number }[]): Uint32Array;
  extSum(a: Buf, n: number): Ext;
  /** out[j] = Σ_i w_i·M[i][j]: M base, row-major rows × cols; w extension (rows); out extension (cols). */
  combineRows(m: Buf, rows: number, cols: number, w: Buf, out: Buf): void;
  /** combineRows for several independent (matrix rows, weights, out) triples of `cols` columns. */
  combineRowsMany(items: readonly { m: Buf; rows: number; w: Buf; out: Buf }[], cols: number): void;
  /** Same with M an extension matrix. */
  combineRowsExt(m: Buf, rows: number, cols: number, w: Buf, out: Buf): void;
  /**
   * Batched matrix products out_t = A_t·B_t, t < batch: A_t extension M×S, B_t base (bExt false) or
   * extension S×N, out_t extension M×N, row-major; strides between consecutive t in elements of
   * each buffer's kind (0: the same operand for every t). No aliasing of out with the inputs.
   */
  matMulBatch(a: Buf, aStride: number, b: Buf, bExt: boolean, bStride: number, M: number, S: number, N: number, batch: number, out: Buf, oStride: number): void;
  /** out[i·m + j] = a[i]·b[j]: the tensor product of extension vectors of n and m elements. No aliasing. */
  extOuter(a: Buf, n: number, b: Buf, m: number, out: Buf): void;
  /** out (cols × rows) = transpose of the row-major u32 matrix a (rows × cols). No aliasing. */
  transpose(a: Buf, rows: number, cols: number, out: Buf): void;

  // ---- NTT (in place, natural order): a_j ← Σ_i a_i·ω^(ij), ω = rootOfUnity(logN) ----
  ntt(a: Buf, logN: number): void;
  /** Inverse NTT (includes the 1/N). */
  intt(a: Buf, logN: number): void;
  /** Coordinate-wise NTT of an extension vector of 2^logN elements. */
  extNtt(a: Buf, logN: number): void;
  extIntt(a: Buf, logN: number): void;
  /**
   * Reed–Solomon encoding at rate 2^-logRate of `rows` rows of 2^logM base elements (row-major):
   * each row as coefficients evaluated at ω^j, j < 2^(logM+logRate), ω = rootOfUnity(logM+logRate),
   * in natural order (= zero-pad and NTT). out: rows × 2^(logM+logRate), row-major. No aliasing.
   */
  rsEncode(rows: Buf, rowCount: number, logM: number, logRate: number, out: Buf): void;
  /** The same for rows of extension elements (each coordinate encoded). */
  rsEncodeExt(rows: Buf, rowCount: number, logM: number, logRate: number, out: Buf): void;

  // ---- multilinear ----
  /** eq(r, x) (times `scale` if given) for x ∈ {0,1}^n, x_i = bit i of the index; r is n extension elements (4n words). out: 2^n ext. */
  eqTable(r: Uint32Array, out: Buf, scale?: Ext): void;
  /** eqTable for several points at once (independent outputs). */
  eqTables(tables: readonly { r: Uint32Array; out: Buf; scale?: Ext }[]): void;
  /** Fix variable 0 of a base table of 2m elements to r: out[i] = in[2i] + r·(in[2i+1] − in[2i]) (m ext). No aliasing. */
  foldBase(inp: Buf, m: number, r: Ext, out: Buf): void;
  /** Same for an extension table; out may be inp (in-place). */
  foldExt(inp: Buf, m: number, r: Ext, out: Buf): void;
  /**
   * One sumcheck round of Π_k f_k over m pairs (2 or 3 tables, base or extension, any order):
   * [s(0), s(2), …, s(d)] for d = tables.length, as 4d words.
   */
  roundProduct(tables: Table[], m: number): Uint32Array;
  /**
   * Fused fold and next round (2 or 3 tables of m pairs, base or extension): folds table j at r
   * into outs[j] (m extension elements; outs[j] may be tables[j].buf when that is extension) and
   * returns the next round's [s(0), s(2), …, s(d)] over the m/2 folded pairs (empty when m = 1).
   */
  foldRoundProduct(tables: Table[], m: number, r: Ext, outs: Buf[]): Uint32Array;
  /**
   * One round of a LogUp fraction layer with the eq factor split off (Gruen): over m pairs,
   * t(X) = Σ_i S_i·(p0·q1 + p1·q0 + λ·q0·q1)(X) on pair i, as [t(0), t(2), t(1)] (12 words; t(1)
   * only when `withOne`, else 0). S has m extension elements; q0, q1 extension tables; p0, p1
   * extension or (pExt false) base.
   */
  gkrRound(S: Buf, p0: Buf, p1: Buf, q0: Buf, q1: Buf, pExt: boolean, m: number, lambda: Ext, withOne?: boolean): Uint32Array;
  /** A fraction-tree layer up: np = p0·q1 + p1·q0, nq = q0·q1 over h entries (p0, p1 base unless pExt). */
  gkrLayer(p0: Buf, p1: Buf, q0: Buf, q1: Buf, pExt: boolean, h: number, np: Buf, nq: Buf): void;
  /**
   * Folds tables [S, p0, p1, q0, q1]'s last four at r into outs (four buffers of m extension
   * elements, not aliasing the inputs), then gkrRound with S over the m/2 folded pairs (empty
   * when m = 1).
   */
  gkrFoldRound(tables: readonly Buf[], pExt: boolean, m: number, r: Ext, lambda: Ext, outs: readonly Buf[], withOne?: boolean): Uint32Array;
  /** gkrRound for several trees of m pairs each: Σ_t weight_t·(tree t's sums), 12 words. */
  gkrRounds(trees: readonly GkrTables[], m: number, lambda: Ext, withOne?: boolean): Uint32Array;
  /** gkrFoldRound for several trees of m pairs each at the same r and λ (every tree gives its outs): the weighted sum as gkrRounds (zeros when m = 1). */
  gkrFoldRounds(trees: readonly GkrTables[], m: number, r: Ext, lambda: Ext, withOne?: boolean): Uint32Array;
  /** gkrLayer for several trees of h entries each. */
  gkrLayers(layers: readonly GkrLayerArgs[], h: number): void;
}

/** The column count of a lookupDenominators call (1–3, one coefficient each), or a thrown error. */
export function checkDenominators(columns: readonly unknown[], coeffs: readonly unknown[], n: number): number {
  if (columns.length < 1 || columns.length > 3 || coeffs.length !== columns.length || !Number.isInteger(n) || n < 0) {
    throw new Error(`kernels: lookupDenominators takes 1–3 columns with a coefficient each (got ${columns.length} and ${coeffs.length})`);
  }
  return columns.length;
}
