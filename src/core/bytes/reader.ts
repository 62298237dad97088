// Reader for hostile bytes: every length is checked against the caller's maximum and against the
// bytes remaining BEFORE anything is allocated; every element must be canonical.
import { ProofFormatError } from "./errors.ts";

const P = 2130706433;

export class ByteReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** A ProofFormatError at the current offset (for checks made by callers on values read). */
  error(expected: string, detail: string, at = this.pos): ProofFormatError {
    return new ProofFormatError(at, expected, detail);
  }

  private take(n: number, what: string): number {
    if (n > this.remaining) throw this.error(what, `needs ${n} bytes but only ${this.remaining} remain (truncated)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(what: string): number {
    return this.bytes[this.take(1, what)]!;
  }

  u32(what: string): number {
    return this.view.getUint32(this.take(4, what), true);
  }

  /** A u64 that must fit in 2^53 (larger is a rejection, not a rounding). */
  u64(what: string): number {
    const at = this.take(8, what);
    const lo = this.view.getUint32(at, true), hi = this.view.getUint32(at + 4, true);
    if (hi >= 2 ** 21) throw this.error(what, `u64 value ≥ 2^53 is out of range`, at);
    return hi * 2 ** 32 + lo;
  }

  /** Moves past n bytes (checked against what remains) without copying them. */
  skip(n: number, what = "bytes"): void {
    this.take(n, what);
  }

  raw(n: number, what: string): Uint8Array {
    const at = this.take(n, what);
    // A copy even when the bytes are a Node Buffer, whose own slice() is a view (unaligned for
    // typed arrays over it, and sharing the file's memory).
    return Uint8Array.prototype.slice.call(this.bytes, at, at + n);
  }

  /** Exactly n canonical field elements (n known to the caller, so already bounded). */
  fields(n: number, what: string): Uint32Array {
    if (4 * n > this.remaining) throw this.error(what, `needs ${n} elements (${4 * n} bytes) but only ${this.remaining} bytes remain (truncated)`);
    const at = this.pos;
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const x = this.view.getUint32(at + 4 * i, true);
      if (x >= P) throw this.error(what, `element ${x} is not canonical (must be < p = ${P})`, at + 4 * i);
      out[i] = x;
    }
    this.pos = at + 4 * n;
    return out;
  }

  field(what: string): number {
    return this.fields(1, what)[0]!;
  }

  ext(what: string): Uint32Array {
    return this.fields(4, what);
  }

  /** n extension elements, interleaved (4n words). */
  exts(n: number, what: string): Uint32Array {
    return this.fields(4 * n, what);
  }

  /** A u32 length in [min, max], also bounded by the bytes left at `unit` bytes per item. */
  length(what: string, max: number, unit = 1, min = 0): number {
    const at = this.pos;
    const n = this.u32(`length of ${what}`);
    if (n > max) throw this.error(`length of ${what}`, `${n} exceeds the maximum ${max}`, at);
    if (n < min) throw this.error(`length of ${what}`, `${n} is below the minimum ${min}`, at);
    if (n * unit > this.remaining) throw this.error(what, `length ${n} needs ${n * unit} bytes but only ${this.remaining} remain (truncated)`);
    return n;
  }

  fieldVec(what: string, max: number): Uint32Array {
    return this.fields(this.length(what, max, 4), what);
  }

  /** Length-prefixed extension elements (the length counts extension elements). */
  extVec(what: string, max: number): Uint32Array {
    return this.exts(this.length(what, max, 16), what);
  }

  bytesVec(what: string, max: number): Uint8Array {
    return this.raw(this.length(what, max, 1), what);
  }

  /** Rejects trailing bytes. */
  expectEnd(what = "end of proof"): void {
    if (this.remaining !== 0) throw this.error(what, `${this.remaining} trailing byte(s)`);
  }
}
