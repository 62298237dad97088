// Fixed-point integer arithmetic shared by the plan builder, the evaluator and the bound
// check: every number here is an integer held exactly in a float64 (|v| < 2^53).
import type { QType } from "./qgraph.ts";

/** The KoalaBear prime: every requant's quotient range times 2^s must stay below it. */
export const FIELD_P = 2 ** 31 - 2 ** 24 + 1;
/** PROTOCOL §1: every intermediate value must satisfy |v| < 2^29. */
export const VALUE_BOUND = 2 ** 29;

/** round(v) = floor(v + 1/2): half up, negatives included (−2.5 → −2). */
export function roundHalfUp(v: number): number {
  return Math.floor(v + 0.5);
}

export function typeMin(t: Pick<QType, "bits" | "signed">): number {
  return t.signed ? -(2 ** (t.bits - 1)) : 0;
}

export function typeMax(t: Pick<QType, "bits" | "signed">): number {
  return t.signed ? 2 ** (t.bits - 1) - 1 : 2 ** t.bits - 1;
}

/** v clamped into the type's range, the bounds computed once per type (2^bits per element cost vgg16's weights a second). */
export function clamperFor(t: Pick<QType, "bits" | "signed">): (v: number) => number {
  const lo = typeMin(t), hi = typeMax(t);
  return (v) => (v < lo ? lo : v > hi ? hi : v);
}

/** clamp(round(x·2^k)) into the type's range: how a float becomes an integer of type t. */
export function quantizeValue(x: number, t: QType): number {
  return quantizerFor(t)(x);
}

/** quantizeValue for one type, its scale and bounds computed once. */
export function quantizerFor(t: QType): (x: number) => number {
  const clamp = clamperFor(t), f = 2 ** t.k;
  return (x) => clamp(roundHalfUp(x * f));
}

/**
 * The requantization y = clamp(floor((acc·M + 2^(s−1)) / 2^s), lo, hi) (s = 0: clamp(acc·M)).
 * Exact: acc·M is an integer below 2^53 and dividing by 2^s is exact in float64.
 */
export function requantize(acc: number, M: number, s: number, lo: number, hi: number): number {
  const q = s === 0 ? acc * M : Math.floor((acc * M + 2 ** (s - 1)) / 2 ** s);
  return q < lo ? lo : q > hi ? hi : q;
}

/** Bits of a signed type that holds every integer in [lo, hi]. */
export function signedBitsFor(lo: number, hi: number): number {
  const m = Math.max(-lo, hi + 1, 1);
  return Math.ceil(Math.log2(m)) + 1;
}

/** Bits of an unsigned type that holds [0, hi]. */
export function unsignedBitsFor(hi: number): number {
  return Math.max(1, Math.ceil(Math.log2(hi + 1)));
}

/**
 * An integer multiplier and shift with M/2^s ≈ f (f > 0), M ≤ maxM, s ≤ maxShift: the most
 * precise pair. Powers of two (and integers) come out exact with the smallest M.
 */
export function multiplierFor(f: number, maxM: number, maxShift = 40): { M: number; s: number } {
  if (!(f > 0) || !Number.isFinite(f)) throw new RangeError(`multiplierFor: factor ${f} must be positive and finite`);
  let best = { M: Math.max(1, Math.round(f)), s: 0 };
  for (let s = 0; s <= maxShift; s++) {
    const M = Math.round(f * 2 ** s);
    if (M > maxM) break;
    if (M >= 1) best = { M, s };
    if (M === f * 2 ** s) break; // exact: more shift only grows M
  }
  // Drop common factors of two so exact powers of two come out as M = 1.
  while (best.s > 0 && best.M % 2 === 0) best = { M: best.M / 2, s: best.s - 1 };
  return best;
}
