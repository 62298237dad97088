// The live selector [i < n] over {0,1}^bits (PROTOCOL.md §3): its MLE at an extension point in
// O(bits). Σ_{x<n} eq(r, x) splits by the highest bit where x drops below n: for each bit i set in
// n, the x that agree with n above i and have 0 at i (free below) contribute
// (1 − r_i) · Π_{j>i} (n_j ? r_j : 1 − r_j), the free bits summing to 1.

import { type Ext, EXT_ONE, extAdd, extMul, extSub, extAt } from "../field/ext.ts";

/** MLE of x ↦ [x < n] at r (r has `bits` extension elements, 4·bits words); n ≥ 0 an integer. */
export function liveSelector(n: number, r: Uint32Array): Ext {
  const bits = r.length / 4;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`poly: live selector bound ${n}`);
  if (n >= 2 ** bits) return EXT_ONE.slice();
  let acc: Ext = new Uint32Array(4);
  let prefix: Ext = EXT_ONE.slice(); // Π_{j>i} (n_j ? r_j : 1 − r_j)
  for (let i = bits - 1; i >= 0; i--) {
    const ri = extAt(r, i);
    const one = Math.floor(n / 2 ** i) % 2 === 1;
    if (one) {
      acc = extAdd(acc, extMul(prefix, extSub(EXT_ONE, ri)));
      prefix = extMul(prefix, ri);
    } else {
      prefix = extMul(prefix, extSub(EXT_ONE, ri));
    }
  }
  return acc;
}
