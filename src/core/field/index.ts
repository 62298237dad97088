// Field layer (PROTOCOL.md §1): KoalaBear p = 2^31 − 2^24 + 1 and F_p^4 = F_p[X]/(X^4 − 3).
//
// Scalars: base elements are numbers in [0, p); extension elements are `Ext` = Uint32Array(4)
// (c0..c3 in the basis 1, X, X², X³); n extension elements are one interleaved Uint32Array(4n).
// Everything here is the plain TypeScript reference. Bulk loops (vectors, NTT, RS encoding, eq
// tables, folding, sumcheck rounds) are in ../kernels, with a wasm backend and this reference.
//
// Errors: FieldError with a `code` (non-canonical, bad-length, zero-inverse, bad-size, …).

export { FieldError, type FieldErrorCode } from "./errors.ts";
export {
  P, P_BIG, GENERATOR, TWO_ADICITY,
  add, sub, neg, mul, square, mulBig, pow, inv, batchInverse,
  isCanonical, fromInt, toSigned, rootOfUnity,
  vecAdd, vecSub, vecMul,
} from "./koalabear.ts";
export {
  type Ext, EXT_W, EXT_ZERO, EXT_ONE, ext, extFromBase, extAt, extSet,
  extAdd, extSub, extNeg, extMul, extMulInto, extMulBase, extSquare, extInv, extPow,
  extEquals, extIsZero, isCanonicalExt, extBatchInverse,
} from "./ext.ts";
export { encodeFields, decodeFields, encodeField, decodeField, encodeExt, decodeExt } from "./encoding.ts";
