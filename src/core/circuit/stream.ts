// The proof body: the prover's field messages in order, as u32 words. Lengths are never in
// the stream: the verifier knows from the plan how many elements each step reads, so a
// truncated or padded body is a rejection, not a parse of attacker-chosen sizes.
import { P, type Ext } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";

export class StreamWriter {
  private chunks: Uint32Array[] = [];
  private count = 0;

  words(w: Uint32Array): void {
    this.chunks.push(w.slice());
    this.count += w.length;
  }

  /** Absorbs extension elements under `label` and appends them. */
  send(tr: Transcript, label: string, xs: readonly Ext[]): void {
    const buf = new Uint32Array(4 * xs.length);
    xs.forEach((x, i) => buf.set(x.subarray(0, 4), 4 * i));
    tr.absorbFields(label, buf);
    this.words(buf);
  }

  finish(): Uint32Array {
    const out = new Uint32Array(this.count);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
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
