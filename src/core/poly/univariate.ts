// Univariate helpers for the sumcheck verifier: a polynomial of degree ≤ d given by its values at
// the integer nodes 0, 1, …, d, evaluated at an extension point by Lagrange interpolation, O(d).

import { FieldError } from "../field/errors.ts";
import { P, mul, inv, sub } from "../field/koalabear.ts";
import { type Ext, extAdd, extMul, extMulBase, extSub, extFromBase, EXT_ONE } from "../field/ext.ts";

const weightCache: number[][] = [];

/** Barycentric weights 1 / Π_{j≠k} (k − j) for nodes 0..d (base field). */
function lagrangeWeights(d: number): number[] {
  let w = weightCache[d];
  if (!w) {
    w = [];
    for (let k = 0; k <= d; k++) {
      let den = 1;
      for (let j = 0; j <= d; j++) if (j !== k) den = mul(den, sub(k, j) % P);
      w.push(inv(den));
    }
    weightCache[d] = w;
  }
  return w;
}

/**
 * s(r) for the polynomial of degree ≤ d with s(k) = evals[k], k = 0..d (evals.length = d + 1).
 * Exact at the nodes themselves.
 */
export function interpolateAt(evals: readonly Ext[], r: Ext): Ext {
  const d = evals.length - 1;
  if (d < 0) throw new FieldError("bad-size", "interpolation of no values");
  if (d === 0) return evals[0]!.slice(0, 4);
  const w = lagrangeWeights(d);
  // prefix[k] = Π_{j<k} (r − j), suffix[k] = Π_{j>k} (r − j)
  const diffs = evals.map((_, j) => extSub(r, extFromBase(j)));
  const prefix: Ext[] = [EXT_ONE.slice()];
  for (let k = 0; k < d; k++) prefix.push(extMul(prefix[k]!, diffs[k]!));
  let suffix: Ext = EXT_ONE.slice();
  let acc: Ext = new Uint32Array(4);
  for (let k = d; k >= 0; k--) {
    const basis = extMulBase(extMul(prefix[k]!, suffix), w[k]!);
    acc = extAdd(acc, extMul(basis, evals[k]!));
    suffix = extMul(suffix, diffs[k]!);
  }
  return acc;
}

/** Values at 0..d of the polynomial given by values at 0..d, extended to the nodes 0..e (e ≥ d). */
export function extendEvals(evals: readonly Ext[], e: number): Ext[] {
  const out: Ext[] = [];
  for (let k = 0; k <= e; k++) out.push(k < evals.length ? evals[k]!.slice(0, 4) : interpolateAt(evals, extFromBase(k)));
  return out;
}
