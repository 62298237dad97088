// eq(r, x) = Π_i (r_i·x_i + (1 − r_i)(1 − x_i)), x_i = bit i of the index (PROTOCOL.md §3).

import { type Ext, EXT_ONE, extAdd, extMul, extSub, extAt } from "../field/ext.ts";

/** The table eq(r, ·) over {0,1}^n (2^n extension elements, interleaved), built in O(2^n) by the kernels. */
export { eqTable } from "../kernels/index.ts";

/** eq(r, x) at two extension points of the same length (n elements each, 4n words), O(n). */
export function eqEval(r: Uint32Array, x: Uint32Array): Ext {
  if (r.length !== x.length) throw new Error(`poly: eq of points of ${r.length / 4} and ${x.length / 4} variables`);
  let acc: Ext = EXT_ONE.slice();
  for (let i = 0; i < r.length / 4; i++) {
    const ri = extAt(r, i), xi = extAt(x, i);
    const rx = extMul(ri, xi);
    // r·x + (1 − r)(1 − x) = 1 − r − x + 2·r·x
    acc = extMul(acc, extAdd(extSub(extSub(EXT_ONE, ri), xi), extAdd(rx, rx)));
  }
  return acc;
}

/** eq(r, b) for a hypercube point b given as an integer index (bit i = variable i). */
export function eqAtIndex(r: Uint32Array, index: number): Ext {
  let acc: Ext = EXT_ONE.slice();
  for (let i = 0; i < r.length / 4; i++) {
    const ri = extAt(r, i);
    acc = extMul(acc, Math.floor(index / 2 ** i) % 2 ? ri : extSub(EXT_ONE, ri));
  }
  return acc;
}
