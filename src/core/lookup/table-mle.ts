// Closed forms of the compiler's structured table columns (circuit/tables.ts): a column whose row j
// holds j + add, optionally clamped to [lo, hi], has an MLE the verifier evaluates in O(n) field
// operations instead of O(2^n). Exactly the MLE of the same rows: tests check it against
// evaluateMle at random points, for every edge of the clamp.
import { type Ext, EXT_ONE, EXT_ZERO, extAdd, extFromBase, extMul, extSub, fromInt } from "../field/index.ts";

/** Row j of a column is clamp(j + add, lo, hi) (no clamp when lo and hi are absent). */
export interface ColumnForm {
  add: number;
  lo?: number;
  hi?: number;
}

const fieldOf = (v: number): Ext => extFromBase(fromInt(v));

/**
 * S0 = Σ_{j < A} eq(r, j) and S1 = Σ_{j < A} j·eq(r, j) over j ∈ [0, 2^n) (r LSB first), for
 * 0 ≤ A ≤ 2^n: where A has a 1 at bit t, the j that agree with A above t and have a 0 at t are
 * below A, their lower bits free (Σ eq = 1 over them, Σ low·eq = Σ_{i<t} 2^i·r_i).
 */
function prefixSums(r: readonly Ext[], A: number): { s0: Ext; s1: Ext } {
  const n = r.length;
  if (A >= 2 ** n) return { s0: EXT_ONE.slice(), s1: weighted(r, n) };
  let s0: Ext = EXT_ZERO.slice(), s1: Ext = EXT_ZERO.slice(), prefix: Ext = EXT_ONE.slice();
  for (let t = n - 1; t >= 0; t--) {
    const bit = Math.floor(A / 2 ** t) % 2, rt = r[t]!, notR = extSub(EXT_ONE, rt);
    if (bit === 1) {
      const block = extMul(prefix, notR);
      // j = (A's bits above t) · 2^(t+1) + low, low < 2^t.
      const high = Math.floor(A / 2 ** (t + 1)) * 2 ** (t + 1);
      s0 = extAdd(s0, block);
      s1 = extAdd(s1, extMul(block, extAdd(fieldOf(high), weighted(r, t))));
      prefix = extMul(prefix, rt);
    } else {
      prefix = extMul(prefix, notR);
    }
  }
  return { s0, s1 };
}

/** Σ_{i < t} 2^i·r_i: the MLE of j over the lowest t variables. */
function weighted(r: readonly Ext[], t: number): Ext {
  let acc: Ext = EXT_ZERO.slice();
  for (let i = 0; i < t; i++) acc = extAdd(acc, extMul(fieldOf(2 ** i), r[i]!));
  return acc;
}

/** The MLE at r (LSB first) of the column of 2^r.length rows given by `form`. */
export function columnFormMle(form: ColumnForm, r: readonly Ext[]): Ext {
  const n = r.length, rows = 2 ** n;
  // Σ_j (j + add)·eq(r, j) = Σ_i 2^i r_i + add.
  let v = extAdd(weighted(r, n), fieldOf(form.add));
  if (form.lo !== undefined && form.hi !== undefined && form.lo > form.hi) throw new Error(`table column: clamp [${form.lo}, ${form.hi}] is empty`);
  if (form.lo !== undefined) {
    // clamp(x) = x + max(0, lo − x) − max(0, x − hi) with x = j + add (lo ≤ hi): below row
    // a = lo − add add (a − j); above row b = hi − add take away (j − b).
    const a = form.lo - form.add;
    if (a > 0) {
      const { s0, s1 } = prefixSums(r, Math.min(rows, a));
      v = extAdd(v, extSub(extMul(fieldOf(a), s0), s1));
    }
  }
  if (form.hi !== undefined) {
    const b1 = Math.min(rows, Math.max(0, form.hi - form.add + 1));
    if (b1 < rows) {
      // Σ_{j ≥ b1} (j − b)·eq = (T1 − S1(b1)) − b·(1 − S0(b1)), with b = hi − add itself (below
      // 0 when every row is above hi).
      const b = form.hi - form.add;
      const { s0, s1 } = prefixSums(r, b1);
      const above = extSub(extSub(weighted(r, n), s1), extMul(fieldOf(b), extSub(EXT_ONE, s0)));
      v = extSub(v, above);
    }
  }
  return v;
}
