// Little-endian writer for proof formats; elements are canonical u32 (PROTOCOL.md §1).
const P = 2130706433;
/** Whether this host stores u32 little-endian (as the formats do): then words are written as their bytes. */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): number {
    const at = this.len;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(2 * this.buf.length, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.len = at + n;
    return at;
  }

  u8(x: number): this {
    if (!Number.isInteger(x) || x < 0 || x > 0xff) throw new RangeError(`bytes: u8 out of range: ${x}`);
    const at = this.reserve(1);
    this.buf[at] = x;
    return this;
  }

  u32(x: number): this {
    if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RangeError(`bytes: u32 out of range: ${x}`);
    const at = this.reserve(4); // before touching this.view: reserve may replace it
    this.view.setUint32(at, x, true);
    return this;
  }

  /** Integers up to 2^53 − 1 (every length and count we write). */
  u64(x: number): this {
    if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`bytes: u64 out of range: ${x}`);
    const at = this.reserve(8);
    this.view.setUint32(at, x >>> 0, true);
    this.view.setUint32(at + 4, Math.floor(x / 2 ** 32), true);
    return this;
  }

  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buf.set(bytes, at);
    return this;
  }

  /** Base-field elements (or interleaved extension elements), no length prefix. */
  fields(xs: Uint32Array): this {
    // A branch-free maximum, then one copy of the bytes (an opening's columns are megabytes).
    let max = 0;
    for (let i = 0; i < xs.length; i++) max = Math.max(max, xs[i]!);
    if (max >= P) {
      const i = xs.findIndex((x) => x >= P);
      throw new RangeError(`bytes: element ${i} = ${xs[i]} is not canonical`);
    }
    const at = this.reserve(4 * xs.length);
    if (LITTLE_ENDIAN) this.buf.set(new Uint8Array(xs.buffer, xs.byteOffset, xs.byteLength), at);
    else for (let i = 0; i < xs.length; i++) this.view.setUint32(at + 4 * i, xs[i]!, true);
    return this;
  }

  field(x: number): this {
    return this.fields(Uint32Array.of(x));
  }

  /** u32 count of elements, then the elements. */
  fieldVec(xs: Uint32Array): this {
    return this.u32(xs.length).fields(xs);
  }

  /** u32 count of extension elements, then 4·count canonical words. */
  extVec(xs: Uint32Array): this {
    if (xs.length % 4 !== 0) throw new RangeError(`bytes: extension vector of ${xs.length} words is not a multiple of 4`);
    return this.u32(xs.length / 4).fields(xs);
  }

  /** u32 byte count, then the bytes. */
  bytesVec(bytes: Uint8Array): this {
    return this.u32(bytes.length).raw(bytes);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
