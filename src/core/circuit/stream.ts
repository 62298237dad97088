// The proof body: the prover's field messages in order, as u32 words. Lengths are never in
// the stream: the verifier knows from the plan how many elements each step reads, so a
// truncated or padded body is a rejection, not a parse of attacker-chosen sizes.
import { P, type Ext } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";

export class StreamWriter {
  // One growing buffer: a proof body is thousands of short messages (an extension element each,
  // many of them), not worth a chunk apiece.
  private buf = new Uint32Array(1024);
  private count = 0;

  words(w: Uint32Array): void {
    this.reserve(w.length);
    this.buf.set(w, this.count);
    this.count += w.length;
  }

  /** One extension element (its four words). */
  ext(x: Ext): void {
    this.reserve(4);
    const b = this.buf, c = this.count;
    b[c] = x[0]!; b[c + 1] = x[1]!; b[c + 2] = x[2]!; b[c + 3] = x[3]!;
    this.count = c + 4;
  }

  private reserve(n: number): void {
    if (this.count + n <= this.buf.length) return;
    const grown = new Uint32Array(Math.max(2 * this.buf.length, this.count + n));
    grown.set(this.buf.subarray(0, this.count));
    this.buf = grown;
  }

  /** Absorbs extension elements under `label` and appends them. */
  send(tr: Transcript, label: string, xs: readonly Ext[]): void {
    const buf = new Uint32Array(4 * xs.length);
    xs.forEach((x, i) => buf.set(x.subarray(0, 4), 4 * i));
    tr.absorbFields(label, buf);
    this.words(buf);
  }

  finish(): Uint32Array {
    return this.buf.slice(0, this.count);
  }
}

export class StreamRejection extends Error {
  override name = "StreamRejection";
}

export class StreamReader {
  private pos = 0;
  constructor(private readonly data: Uint32Array) {}

  words(n: number, what: string): Uint32Array {
    if (!Number.isInteger(n) || n < 0 || this.pos + n > this.data.length) {
      throw new StreamRejection(`proof body ends early: ${what} needs ${n} words at word ${this.pos}, ${this.data.length - this.pos} left`);
    }
    const w = this.data.subarray(this.pos, this.pos + n);
    for (let i = 0; i < n; i++) {
      if (w[i]! >= P) throw new StreamRejection(`non-canonical field element in ${what} at word ${this.pos + i}`);
    }
    this.pos += n;
    return w;
  }

  /** Reads n extension elements and absorbs them under `label`. */
  recv(tr: Transcript, label: string, n: number, what: string): Ext[] {
    const buf = this.words(4 * n, what).slice();
    tr.absorbFields(label, buf);
    return Array.from({ length: n }, (_, i) => buf.slice(4 * i, 4 * i + 4));
  }

  end(): void {
    if (this.pos !== this.data.length) throw new StreamRejection(`proof body has ${this.data.length - this.pos} trailing words`);
  }
}
