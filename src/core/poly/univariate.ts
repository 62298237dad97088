// Univariate helpers for the sumcheck verifier: a polynomial of degree ≤ d given by its values at
// the integer nodes 0, 1, …, d, evaluated at an extension point (Newton's forward form), O(d²) adds, d multiplications.

import { FieldError } from "../field/errors.ts";
import { add, mul, inv, sub } from "../field/koalabear.ts";
import { type Ext, extFromBase, extMulInto } from "../field/ext.ts";

/** 1/k for k = 1..d (index k), per degree. */
const invCache: number[][] = [];
function smallInverses(d: number): number[] {
  let v = invCache[d];
  if (!v) {
    v = [0];
    for (let k = 1; k <= d; k++) v.push(inv(k));
    invCache[d] = v;
  }
  return v;
}

/** Per-degree scratch of interpolateAt (single-threaded and never re-entered). */
const scratchCache: { diffs: Uint32Array; step: Ext }[] = [];

/**
 * s(r) for the polynomial of degree ≤ d with s(k) = evals[k], k = 0..d (evals.length = d + 1).
 * Exact at the nodes themselves. Newton's forward form, s(r) = Σ_k Δ^k s(0)·C(r, k), by Horner:
 * d extension multiplications (the sumcheck verifier calls it once per round).
 */
export function interpolateAt(evals: readonly Ext[], r: Ext): Ext {
  const d = evals.length - 1;
  if (d < 0) throw new FieldError("bad-size", "interpolation of no values");
  if (d === 0) return evals[0]!.slice(0, 4);
  const invs = smallInverses(d);
  const sc = (scratchCache[d] ??= { diffs: new Uint32Array(4 * (d + 1)), step: new Uint32Array(4) });
  const D = sc.diffs, step = sc.step;
  // Word copies rather than set/subarray: this runs per sumcheck round, where views cost more than the math.
  for (let k = 0; k <= d; k++) {
    const e = evals[k]!;
    D[4 * k] = e[0]!; D[4 * k + 1] = e[1]!; D[4 * k + 2] = e[2]!; D[4 * k + 3] = e[3]!;
  }
  // D[k] ← Δ^k s(0): after pass `level`, D[k] for k ≥ level holds Δ^level s(k − level).
  for (let level = 1; level <= d; level++) {
    for (let k = d; k >= level; k--) for (let i = 0; i < 4; i++) D[4 * k + i] = sub(D[4 * k + i]!, D[4 * (k - 1) + i]!);
  }
  // acc ← D[k−1] + acc·(r − (k − 1))/k for k = d..1; r − j differs from r in c0 only.
  const acc = Uint32Array.of(D[4 * d]!, D[4 * d + 1]!, D[4 * d + 2]!, D[4 * d + 3]!);
  const r0 = r[0]!;
  step[1] = r[1]!; step[2] = r[2]!; step[3] = r[3]!;
  for (let k = d; k >= 1; k--) {
    step[0] = sub(r0, k - 1);
    extMulInto(acc, acc, step);
    const ik = invs[k]!;
    for (let i = 0; i < 4; i++) acc[i] = add(mul(acc[i]!, ik), D[4 * (k - 1) + i]!);
  }
  return acc;
}

/** Values at 0..d of the polynomial given by values at 0..d, extended to the nodes 0..e (e ≥ d). */
export function extendEvals(evals: readonly Ext[], e: number): Ext[] {
  const out: Ext[] = [];
  for (let k = 0; k <= e; k++) out.push(k < evals.length ? evals[k]!.slice(0, 4) : interpolateAt(evals, extFromBase(k)));
  return out;
}
