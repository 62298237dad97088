// Typed errors of the field layer. Verifier code catches FieldError (and only it) and turns it
// into a rejection; anything else escaping is a bug.

export type FieldErrorCode =
  | "non-canonical" // an encoded word ≥ p
  | "bad-length" // byte length not a multiple of the element size, or a length mismatch
  | "zero-inverse" // inverse of zero
  | "bad-size" // no root of unity / NTT of that size, or a size not a power of two
  | "bad-exponent"
  | "bad-integer";

export class FieldError extends Error {
  override readonly name = "FieldError";
  constructor(
    readonly code: FieldErrorCode,
    message: string,
    /** Element index the error refers to, where there is one. */
    readonly index?: number,
  ) {
    super(`field: ${message}`);
  }
}
