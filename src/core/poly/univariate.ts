// Univariate helpers for the sumcheck verifier: a polynomial of degree ≤ d given by its values at
// the integer nodes 0, 1, …, d, evaluated at an extension point by Lagrange interpolation, O(d).

import { FieldError } from "../field/errors.ts";
import { P, add, mul, inv, sub } from "../field/koalabear.ts";
import { type Ext, extFromBase, extMulInto, EXT_ONE } from "../field/ext.ts";

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

/** Per-degree scratch of interpolateAt (single-threaded and never re-entered). */
const scratchCache: { prefix: Ext[]; suffix: Ext; diff: Ext; term: Ext }[] = [];

/**
 * s(r) for the polynomial of degree ≤ d with s(k) = evals[k], k = 0..d (evals.length = d + 1).
 * Exact at the nodes themselves. Allocates only its result: the verifier calls it once per round.
 */
export function interpolateAt(evals: readonly Ext[], r: Ext): Ext {
  const d = evals.length - 1;
  if (d < 0) throw new FieldError("bad-size", "interpolation of no values");
  if (d === 0) return evals[0]!.slice(0, 4);
  const w = lagrangeWeights(d);
  const sc = (scratchCache[d] ??= { prefix: Array.from({ length: d + 1 }, () => new Uint32Array(4)), suffix: new Uint32Array(4), diff: new Uint32Array(4), term: new Uint32Array(4) });
  const { prefix, suffix, diff, term } = sc;
  // prefix[k] = Π_{j<k} (r − j), suffix = Π_{j>k} (r − j); r − j differs from r in c0 only.
  const r0 = r[0]!;
  diff.set(r.subarray(0, 4));
  prefix[0]!.set(EXT_ONE);
  for (let k = 0; k < d; k++) {
    diff[0] = sub(r0, k);
    extMulInto(prefix[k + 1]!, prefix[k]!, diff);
  }
  suffix.set(EXT_ONE);
  const acc = new Uint32Array(4);
  for (let k = d; k >= 0; k--) {
    extMulInto(term, prefix[k]!, suffix);
    extMulInto(term, term, evals[k]!);
    const wk = w[k]!;
    for (let i = 0; i < 4; i++) acc[i] = add(acc[i]!, mul(term[i]!, wk));
    diff[0] = sub(r0, k);
    extMulInto(suffix, suffix, diff);
  }
  return acc;
}

/** Values at 0..d of the polynomial given by values at 0..d, extended to the nodes 0..e (e ≥ d). */
export function extendEvals(evals: readonly Ext[], e: number): Ext[] {
  const out: Ext[] = [];
  for (let k = 0; k <= e; k++) out.push(k < evals.length ? evals[k]!.slice(0, 4) : interpolateAt(evals, extFromBase(k)));
  return out;
}
