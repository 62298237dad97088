// Degree-4 extension F_p^4 = F_p[X]/(X^4 − 3), plain TypeScript reference (PROTOCOL.md §1).
// An element is a Uint32Array of length 4: c0..c3 in the basis 1, X, X², X³, each canonical.
// A vector of n extension elements is one Uint32Array of length 4n, interleaved (element i is
// words 4i..4i+3). Every function returns a fresh array and never mutates its arguments, but
// the *Into variants, which write a caller's array (allocation-free hot loops).

import { FieldError } from "./errors.ts";
import { P, add, sub, neg, mul, inv } from "./koalabear.ts";

export type Ext = Uint32Array;

/** X^4 = W in the extension. */
export const EXT_W = 3;

// Shared constants: never mutate them (typed arrays cannot be frozen); copy with .slice().
export const EXT_ZERO: Ext = new Uint32Array(4);
export const EXT_ONE: Ext = Uint32Array.of(1, 0, 0, 0);

export function ext(c0: number, c1 = 0, c2 = 0, c3 = 0): Ext {
  return Uint32Array.of(c0, c1, c2, c3);
}

export function extFromBase(x: number): Ext {
  return Uint32Array.of(x, 0, 0, 0);
}

/** Element i of an interleaved extension vector (a copy). */
export function extAt(v: Uint32Array, i: number): Ext {
  return v.slice(4 * i, 4 * i + 4);
}

/** Writes x as element i of an interleaved extension vector. */
export function extSet(v: Uint32Array, i: number, x: Ext): void {
  v.set(x.subarray(0, 4), 4 * i);
}

export function extAdd(a: Ext, b: Ext): Ext {
  return Uint32Array.of(add(a[0]!, b[0]!), add(a[1]!, b[1]!), add(a[2]!, b[2]!), add(a[3]!, b[3]!));
}

export function extSub(a: Ext, b: Ext): Ext {
  return Uint32Array.of(sub(a[0]!, b[0]!), sub(a[1]!, b[1]!), sub(a[2]!, b[2]!), sub(a[3]!, b[3]!));
}

export function extNeg(a: Ext): Ext {
  return Uint32Array.of(neg(a[0]!), neg(a[1]!), neg(a[2]!), neg(a[3]!));
}

/** Extension element times a base-field element. */
export function extMulBase(a: Ext, b: number): Ext {
  return Uint32Array.of(mul(a[0]!, b), mul(a[1]!, b), mul(a[2]!, b), mul(a[3]!, b));
}

const mulW = (x: number): number => add(add(x, x), x);

/**
 * Each coefficient is one sum of four products reduced once: b's words split into 16-bit halves
 * keep every partial sum below 2^51 (a·b_h < 2^46, a·b_l < 2^47, ten terms with W = 3), so
 * ((hi mod p)·2^16 + lo) mod p < 2^53 is exact. Same values as four separate `mul`s.
 */
export function extMul(a: Ext, b: Ext): Ext {
  const out = new Uint32Array(4);
  extMulInto(out, a, b);
  return out;
}

/** out = a·b; out may alias a or b (every input word is read before any write). */
export function extMulInto(out: Ext, a: Ext, b: Ext): void {
  const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!;
  const b0 = b[0]!, b1 = b[1]!, b2 = b[2]!, b3 = b[3]!;
  const h0 = b0 >>> 16, h1 = b1 >>> 16, h2 = b2 >>> 16, h3 = b3 >>> 16;
  const l0 = b0 & 0xffff, l1 = b1 & 0xffff, l2 = b2 & 0xffff, l3 = b3 & 0xffff;
  const c0h = a0 * h0 + 3 * (a1 * h3 + a2 * h2 + a3 * h1), c0l = a0 * l0 + 3 * (a1 * l3 + a2 * l2 + a3 * l1);
  const c1h = a0 * h1 + a1 * h0 + 3 * (a2 * h3 + a3 * h2), c1l = a0 * l1 + a1 * l0 + 3 * (a2 * l3 + a3 * l2);
  const c2h = a0 * h2 + a1 * h1 + a2 * h0 + 3 * (a3 * h3), c2l = a0 * l2 + a1 * l1 + a2 * l0 + 3 * (a3 * l3);
  const c3h = a0 * h3 + a1 * h2 + a2 * h1 + a3 * h0, c3l = a0 * l3 + a1 * l2 + a2 * l1 + a3 * l0;
  out[0] = ((c0h % P) * 65536 + c0l) % P;
  out[1] = ((c1h % P) * 65536 + c1l) % P;
  out[2] = ((c2h % P) * 65536 + c2l) % P;
  out[3] = ((c3h % P) * 65536 + c3l) % P;
}

export function extSquare(a: Ext): Ext {
  return extMul(a, a);
}

export function extEquals(a: Ext, b: Ext): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function extIsZero(a: Ext): boolean {
  return a[0] === 0 && a[1] === 0 && a[2] === 0 && a[3] === 0;
}

export function isCanonicalExt(a: Ext): boolean {
  return a.length === 4 && a[0]! < P && a[1]! < P && a[2]! < P && a[3]! < P;
}

/**
 * Inverse through the norm: a(X)·a(−X) = b(X²) with b in F_p[Y]/(Y² − 3), and
 * b(Y)·b(−Y) = N ∈ F_p; so a⁻¹ = a(−X) · b(−X²) / N. Throws FieldError("zero-inverse") for 0.
 */
export function extInv(a: Ext): Ext {
  const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!;
  if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) throw new FieldError("zero-inverse", "inverse of zero");
  // b = e² − Y·o², e = a0 + a2·Y, o = a1 + a3·Y.
  const b0 = sub(add(mul(a0, a0), mulW(mul(a2, a2))), mulW(add(mul(a1, a3), mul(a1, a3))));
  const b1 = sub(add(mul(a0, a2), mul(a0, a2)), add(mul(a1, a1), mulW(mul(a3, a3))));
  const n = sub(mul(b0, b0), mulW(mul(b1, b1)));
  const nInv = inv(n);
  const i0 = mul(b0, nInv), i1 = mul(neg(b1), nInv); // b⁻¹ = i0 + i1·Y
  // a(−X) · (i0 + i1·X²)
  return Uint32Array.of(
    add(mul(a0, i0), mulW(mul(a2, i1))),
    neg(add(mul(a1, i0), mulW(mul(a3, i1)))),
    add(mul(a2, i0), mul(a0, i1)),
    neg(add(mul(a3, i0), mul(a1, i1))),
  );
}

/** a^e for a non-negative exponent (number up to 2^53, or bigint; the group order is p^4 − 1). */
export function extPow(a: Ext, e: number | bigint): Ext {
  let exp = BigInt(e);
  if (exp < 0n) throw new FieldError("bad-exponent", "negative exponent");
  let base: Ext = a.slice(0, 4), acc: Ext = EXT_ONE.slice();
  while (exp > 0n) {
    if (exp & 1n) acc = extMul(acc, base);
    base = extMul(base, base);
    exp >>= 1n;
  }
  return acc;
}

/**
 * Inverses of every element of an interleaved extension vector (length 4n), one extInv in all.
 * Throws FieldError("zero-inverse") naming the first zero's element index.
 */
export function extBatchInverse(xs: Uint32Array): Uint32Array {
  if (xs.length % 4 !== 0) throw new FieldError("bad-length", `extension vector length ${xs.length} is not a multiple of 4`);
  const n = xs.length / 4;
  const out = new Uint32Array(xs.length);
  if (n === 0) return out;
  let acc: Ext = EXT_ONE.slice();
  for (let i = 0; i < n; i++) {
    const x = xs.subarray(4 * i, 4 * i + 4);
    if (extIsZero(x)) throw new FieldError("zero-inverse", `inverse of zero at index ${i}`, i);
    out.set(acc, 4 * i);
    acc = extMul(acc, x);
  }
  let invAcc = extInv(acc);
  for (let i = n - 1; i >= 0; i--) {
    const x = xs.subarray(4 * i, 4 * i + 4);
    out.set(extMul(out.subarray(4 * i, 4 * i + 4), invAcc), 4 * i);
    invAcc = extMul(invAcc, x);
  }
  return out;
}
