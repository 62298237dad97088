// Canonical byte encoding (PROTOCOL.md §1): every element is a u32 little-endian word in [0, p);
// an extension element is its four coordinates c0..c3 in order. Decoding rejects a word ≥ p
// (and a byte length that is not a whole number of elements) with a typed FieldError.

import { FieldError } from "./errors.ts";
import { P } from "./koalabear.ts";

/** u32le bytes of a vector of canonical words (base elements, or interleaved extension ones). */
export function encodeFields(xs: Uint32Array): Uint8Array {
  const out = new Uint8Array(4 * xs.length);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x >= P) throw new FieldError("non-canonical", `word ${x} at index ${i} is not < p`, i);
    dv.setUint32(4 * i, x, true);
  }
  return out;
}

/** Decodes u32le words; throws FieldError("non-canonical" | "bad-length"). */
export function decodeFields(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new FieldError("bad-length", `${bytes.length} bytes is not a whole number of u32 words`);
  const n = bytes.length / 4;
  const out = new Uint32Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    const x = dv.getUint32(4 * i, true);
    if (x >= P) throw new FieldError("non-canonical", `word ${x} at index ${i} is not < p`, i);
    out[i] = x;
  }
  return out;
}

export function encodeField(x: number): Uint8Array {
  return encodeFields(Uint32Array.of(x));
}

/** One base element at byte offset `offset` (default 0). */
export function decodeField(bytes: Uint8Array, offset = 0): number {
  if (offset < 0 || offset + 4 > bytes.length) throw new FieldError("bad-length", `no u32 word at byte ${offset} of ${bytes.length}`);
  return decodeFields(bytes.subarray(offset, offset + 4))[0]!;
}

/** Interleaved extension vector (length 4n words) to bytes: same as encodeFields. */
export const encodeExt = encodeFields;

/** Decodes an interleaved extension vector; the byte length must be a multiple of 16. */
export function decodeExt(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 16 !== 0) throw new FieldError("bad-length", `${bytes.length} bytes is not a whole number of extension elements`);
  return decodeFields(bytes);
}
