// Round polynomials arrive as evaluations at 0, 2, 3, …, d (s(1) = claim − s(0), PROTOCOL §3).
import { type Ext, EXT_ZERO, extAdd, extFromBase, extInv, extMul, extSub } from "../field/index.ts";

/** s(r) for the degree-d polynomial with s(i) = evals[i], i = 0..d, by Lagrange. */
export function interpolateAt(evals: Ext[], r: Ext): Ext {
  const d = evals.length - 1;
  let acc: Ext = EXT_ZERO.slice();
  for (let i = 0; i <= d; i++) {
    let num: Ext = extFromBase(1), den: Ext = extFromBase(1);
    for (let j = 0; j <= d; j++) {
      if (j === i) continue;
      num = extMul(num, extSub(r, extFromBase(j)));
      den = extMul(den, extSub(extFromBase(i), extFromBase(j)));
    }
    acc = extAdd(acc, extMul(evals[i]!, extMul(num, extInv(den))));
  }
  return acc;
}
