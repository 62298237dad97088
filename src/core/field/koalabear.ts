// KoalaBear base field, plain TypeScript reference (PROTOCOL.md §1).
// p = 2^31 − 2^24 + 1; p − 1 = 2^24 · 127; 3 generates F_p^*. Elements are canonical
// numbers in [0, p) everywhere (never Montgomery form outside the wasm kernels' internals).

import { FieldError } from "./errors.ts";

export const P = 2130706433; // 2^31 - 2^24 + 1
export const P_BIG = 2130706433n;
/** Multiplicative generator of F_p^*. */
export const GENERATOR = 3;
/** p − 1 = 2^TWO_ADICITY · 127. */
export const TWO_ADICITY = 24;

export function add(a: number, b: number): number {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function sub(a: number, b: number): number {
  const d = a - b;
  return d < 0 ? d + P : d;
}

export function neg(a: number): number {
  return a === 0 ? 0 : P - a;
}

/** a·b mod p without BigInt: split b into 16-bit halves so every partial product is < 2^53. */
export function mul(a: number, b: number): number {
  const bh = b >>> 16, bl = b & 0xffff;
  return ((a * bh) % P * 65536 + a * bl) % P;
}

export function square(a: number): number {
  return mul(a, a);
}

/** a·b mod p via BigInt: an independent check of `mul` in tests. */
export function mulBig(a: number, b: number): number {
  return Number((BigInt(a) * BigInt(b)) % P_BIG);
}

/** a^e for a non-negative integer exponent (number up to 2^53, or bigint). */
export function pow(a: number, e: number | bigint): number {
  let exp = BigInt(e);
  if (exp < 0n) throw new FieldError("bad-exponent", "negative exponent");
  let base = a, acc = 1;
  while (exp > 0n) {
    if (exp & 1n) acc = mul(acc, base);
    base = mul(base, base);
    exp >>= 1n;
  }
  return acc;
}

/** Multiplicative inverse (Fermat). Throws FieldError("zero-inverse") for 0. */
export function inv(a: number): number {
  if (a === 0) throw new FieldError("zero-inverse", "inverse of zero");
  // Exponent p − 2 as a number loop (fits in 2^31): faster than the BigInt path.
  let e = P - 2, base = a, acc = 1;
  while (e > 0) {
    if (e & 1) acc = mul(acc, base);
    base = mul(base, base);
    e >>>= 1;
  }
  return acc;
}

/**
 * Inverses of every element with one field inversion (Montgomery's trick).
 * Throws FieldError("zero-inverse") naming the first zero's index.
 */
export function batchInverse(xs: Uint32Array): Uint32Array {
  const n = xs.length;
  const out = new Uint32Array(n);
  if (n === 0) return out;
  let acc = 1;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (x === 0) throw new FieldError("zero-inverse", `inverse of zero at index ${i}`, i);
    out[i] = acc; // prefix product of xs[0..i)
    acc = mul(acc, x);
  }
  let invAcc = inv(acc);
  for (let i = n - 1; i >= 0; i--) {
    const x = xs[i]!;
    out[i] = mul(out[i]!, invAcc);
    invAcc = mul(invAcc, x);
  }
  return out;
}

/** True when x is a canonical element (an integer in [0, p)). */
export function isCanonical(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < P;
}

/** Reduces any integer (number or bigint, possibly negative) into [0, p). */
export function fromInt(x: number | bigint): number {
  if (typeof x === "number") {
    if (!Number.isSafeInteger(x)) throw new FieldError("bad-integer", `not a safe integer: ${x}`);
    const r = x % P;
    return r < 0 ? r + P : r;
  }
  const r = x % P_BIG;
  return Number(r < 0n ? r + P_BIG : r);
}

/** Signed view of an element: v in (−(p−1)/2, (p−1)/2]. */
export function toSigned(x: number): number {
  return x > (P - 1) / 2 ? x - P : x;
}

const ROOT_2_24 = pow(GENERATOR, (P - 1) / (1 << TWO_ADICITY)); // 3^127, order exactly 2^24

/**
 * The primitive 2^logN-th root of unity ω_logN = (3^127)^(2^(24 − logN)), for 0 ≤ logN ≤ 24.
 * These are compatible: ω_{k+1}^2 = ω_k. The NTT evaluates at powers of ω_logN.
 */
export function rootOfUnity(logN: number): number {
  if (!Number.isInteger(logN) || logN < 0 || logN > TWO_ADICITY) {
    throw new FieldError("bad-size", `no root of unity of order 2^${logN} (two-adicity is ${TWO_ADICITY})`);
  }
  let w = ROOT_2_24;
  for (let i = logN; i < TWO_ADICITY; i++) w = mul(w, w);
  return w;
}

// ---- element-wise vectors (reference) ----

export function vecAdd(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = add(a[i]!, b[i]!);
  return out;
}

export function vecSub(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = sub(a[i]!, b[i]!);
  return out;
}

export function vecMul(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = mul(a[i]!, b[i]!);
  return out;
}
