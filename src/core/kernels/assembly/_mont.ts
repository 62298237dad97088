// KoalaBear Montgomery arithmetic for the wasm kernels (scalar and 4-lane SIMD).
//
// Data in memory is always canonical in [0, p). A Montgomery product mm(a, b) = a·b·2^-32 mod p
// (signed variant: t = a·b, q = t·p⁻¹ mod 2^32, r = hi(t) − hi(q·p) ∈ (−p, p), add p if negative).
// Constants (twiddles, challenges) are pre-scaled to Montgomery form c·2^32 so that
// mm(x, c·2^32) = x·c is canonical again: every product of data by a constant is one reduction.
// Products of two data values take one reduction and are fixed once (×R at the end of a sum).
// Measured on this machine (scalar, 2^20-element vector product): Montgomery 1120 M/s,
// Barrett 830 M/s, u64 `%` 1070 M/s; the 4-lane SIMD Montgomery product 3100 M/s.

export const P: u32 = 2130706433;
export const P64: u64 = 2130706433;
/** p⁻¹ mod 2^32. */
export const PINV: u32 = 2164260865;
/** 2^32 mod p: Montgomery form of 1. */
export const R1: u32 = 33554430;
/** 2^64 mod p: mm(x, R2) = x·2^32 (to Montgomery form). */
export const R2: u32 = 402124772;
/** 2^96 mod p: mm(x, R3) = x·2^64 (fixes two Montgomery factors). */
export const R3: u32 = 414154551;

// ---------------- scalar ----------------

// @ts-ignore: decorator
@inline export function mm(a: u32, b: u32): u32 {
  const t = <u64>a * <u64>b;
  const q = (<u32>t) * PINV;
  const r = <u32>(t >>> 32) - <u32>((<u64>q * P64) >>> 32);
  return select<u32>(r + P, r, <i32>r < 0);
}

// @ts-ignore: decorator
@inline export function addm(a: u32, b: u32): u32 {
  const s = a + b;
  return select<u32>(s - P, s, s >= P);
}

// @ts-ignore: decorator
@inline export function subm(a: u32, b: u32): u32 {
  const d = a - b;
  return select<u32>(d + P, d, a < b);
}

/** Canonical a·b. */
// @ts-ignore: decorator
@inline export function mulc(a: u32, b: u32): u32 {
  return mm(mm(a, b), R2);
}

/** x·2^32 mod p. */
// @ts-ignore: decorator
@inline export function toMont(x: u32): u32 {
  return mm(x, R2);
}

// ---------------- SIMD, lane-wise ----------------

// @ts-ignore: decorator
@inline export function vmm(a: v128, b: v128): v128 {
  const p = i32x4.splat(P);
  const q = i32x4.mul(i32x4.mul(a, b), i32x4.splat(PINV));
  const ab0 = i64x2.extmul_low_i32x4_u(a, b), ab1 = i64x2.extmul_high_i32x4_u(a, b);
  const qp0 = i64x2.extmul_low_i32x4_u(q, p), qp1 = i64x2.extmul_high_i32x4_u(q, p);
  const r = i32x4.sub(v128.shuffle<u32>(ab0, ab1, 1, 3, 5, 7), v128.shuffle<u32>(qp0, qp1, 1, 3, 5, 7));
  return i32x4.min_u(r, i32x4.add(r, p));
}

// @ts-ignore: decorator
@inline export function vadd(a: v128, b: v128): v128 {
  const s = i32x4.add(a, b);
  return i32x4.min_u(s, i32x4.sub(s, i32x4.splat(P)));
}

// @ts-ignore: decorator
@inline export function vsub(a: v128, b: v128): v128 {
  const d = i32x4.sub(a, b);
  return i32x4.min_u(d, i32x4.add(d, i32x4.splat(P)));
}

/** Horizontal sum of the four lanes mod p. */
// @ts-ignore: decorator
@inline export function hsum(a: v128): u32 {
  const s = vadd(a, v128.shuffle<u32>(a, a, 2, 3, 0, 1));
  const t = vadd(s, v128.shuffle<u32>(s, s, 1, 0, 3, 2));
  return i32x4.extract_lane(t, 0);
}

// ---------------- extension F_p[X]/(X^4 − 3), one element per v128 (c0..c3) ----------------

/** b·X = (3·b3, b0, b1, b2). */
// @ts-ignore: decorator
@inline export function mulX(b: v128): v128 {
  const t = v128.shuffle<u32>(b, b, 3, 0, 1, 2);
  const t3 = vadd(vadd(t, t), t);
  return v128.shuffle<u32>(t3, t, 0, 5, 6, 7);
}

/**
 * Montgomery reduction of four 64-bit lanes (t0: lanes 0–1, t1: lanes 2–3), each < 4p² (< 2^64):
 * canonical t·2^-32 mod p. hi(t) < 2p is brought below p first, so hi(t) − hi(q·p) ∈ (−p, p).
 */
// @ts-ignore: decorator
@inline export function redc64(t0: v128, t1: v128): v128 {
  const p = i32x4.splat(P);
  const lo = v128.shuffle<u32>(t0, t1, 0, 2, 4, 6);
  const hi = v128.shuffle<u32>(t0, t1, 1, 3, 5, 7);
  const q = i32x4.mul(lo, i32x4.splat(PINV));
  const qp0 = i64x2.extmul_low_i32x4_u(q, p), qp1 = i64x2.extmul_high_i32x4_u(q, p);
  const qph = v128.shuffle<u32>(qp0, qp1, 1, 3, 5, 7);
  const h = i32x4.min_u(hi, i32x4.sub(hi, p));
  const r = i32x4.sub(h, qph);
  return i32x4.min_u(r, i32x4.add(r, p));
}

/** Σ_k a_k ⊙ b_k over four lane-wise products, the 64-bit sums reduced once (redc64). */
// @ts-ignore: decorator
@inline export function dot4(a0: v128, b0: v128, a1: v128, b1: v128, a2: v128, b2: v128, a3: v128, b3: v128): v128 {
  let t0 = i64x2.extmul_low_i32x4_u(a0, b0), t1 = i64x2.extmul_high_i32x4_u(a0, b0);
  t0 = i64x2.add(t0, i64x2.extmul_low_i32x4_u(a1, b1)); t1 = i64x2.add(t1, i64x2.extmul_high_i32x4_u(a1, b1));
  t0 = i64x2.add(t0, i64x2.extmul_low_i32x4_u(a2, b2)); t1 = i64x2.add(t1, i64x2.extmul_high_i32x4_u(a2, b2));
  t0 = i64x2.add(t0, i64x2.extmul_low_i32x4_u(a3, b3)); t1 = i64x2.add(t1, i64x2.extmul_high_i32x4_u(a3, b3));
  return redc64(t0, t1);
}

/**
 * a·b·2^-32 in the extension (each coordinate carries one Montgomery factor). Schoolbook: lane k
 * of Σ_j A_j ⊙ rot_j(b), where A_j splats a_j with the wrapped lanes (k < j) tripled (X^4 = 3);
 * the four 64-bit products per lane are summed before a single reduction.
 */
// @ts-ignore: decorator
@inline export function emm(a: v128, b: v128): v128 {
  const a3 = vadd(vadd(a, a), a);
  const A0 = v128.shuffle<u32>(a, a, 0, 0, 0, 0);
  const A1 = v128.shuffle<u32>(a, a3, 5, 1, 1, 1);
  const A2 = v128.shuffle<u32>(a, a3, 6, 6, 2, 2);
  const A3 = v128.shuffle<u32>(a, a3, 7, 7, 7, 3);
  const B1 = v128.shuffle<u32>(b, b, 3, 0, 1, 2);
  const B2 = v128.shuffle<u32>(b, b, 2, 3, 0, 1);
  const B3 = v128.shuffle<u32>(b, b, 1, 2, 3, 0);
  return dot4(A0, b, A1, B1, A2, B2, A3, B3);
}

/** a·c for a constant c given as C_j = Montgomery form of c·X^j (see mulX): canonical. */
// @ts-ignore: decorator
@inline export function emulC(a: v128, c0: v128, c1: v128, c2: v128, c3: v128): v128 {
  const A0 = v128.shuffle<u32>(a, a, 0, 0, 0, 0);
  const A1 = v128.shuffle<u32>(a, a, 1, 1, 1, 1);
  const A2 = v128.shuffle<u32>(a, a, 2, 2, 2, 2);
  const A3 = v128.shuffle<u32>(a, a, 3, 3, 3, 3);
  return dot4(A0, c0, A1, c1, A2, c2, A3, c3);
}

/** Montgomery form of a canonical vector (lane-wise x·2^32). */
// @ts-ignore: decorator
@inline export function vToMont(a: v128): v128 {
  return vmm(a, i32x4.splat(R2));
}
