// Fiat–Shamir transcript, exactly PROTOCOL.md §2 (SHA-256 sponge with labelled absorb/squeeze).
// SHA-256 comes from ../hash: the wasm kernel for the many short inputs, node:crypto (in Node)
// for absorbing long rows; the bytes are the same either way (transcript vectors, hash tests).
import { sha256 } from "../hash/index.ts";
import { TranscriptError } from "./errors.ts";

const P = 2130706433;
const utf8 = new TextEncoder();
const INIT = sha256(utf8.encode("zkml-studio/transcript/v1"));
const ABSORB = 0x01;
const SQUEEZE = 0x02;

/** The challenge stream of one squeeze: SHA256(s ‖ u32le(i)) blocks read as LE u32 words. */
class WordStream {
  private block = new Uint32Array(8);
  private next = 8;
  private index = 0;
  private readonly input = new Uint8Array(36);

  constructor(state: Uint8Array) {
    this.input.set(state, 0);
  }

  word(): number {
    if (this.next === 8) {
      new DataView(this.input.buffer).setUint32(32, this.index++, true);
      const h = sha256(this.input);
      const dv = new DataView(h.buffer, h.byteOffset, 32);
      for (let k = 0; k < 8; k++) this.block[k] = dv.getUint32(4 * k, true);
      this.next = 0;
    }
    return this.block[this.next++]!;
  }

  /** Rejection sampling: 31 low bits, accepted when < p (fails with probability ~2^-7). */
  field(): number {
    for (;;) {
      const v = this.word() & 0x7fffffff;
      if (v < P) return v;
    }
  }
}

export class Transcript {
  private state: Uint8Array = INIT.slice();

  /** s ← SHA256(s ‖ 0x01 ‖ u32le(len label) ‖ label ‖ u64le(len bytes) ‖ bytes). */
  absorb(label: string, bytes: Uint8Array): void {
    const l = utf8.encode(label);
    const buf = new Uint8Array(32 + 1 + 4 + l.length + 8 + bytes.length);
    const dv = new DataView(buf.buffer);
    buf.set(this.state, 0);
    buf[32] = ABSORB;
    dv.setUint32(33, l.length, true);
    buf.set(l, 37);
    const at = 37 + l.length;
    dv.setUint32(at, bytes.length >>> 0, true);
    dv.setUint32(at + 4, Math.floor(bytes.length / 2 ** 32), true);
    buf.set(bytes, at + 8);
    this.state = sha256(buf);
  }

  /** Absorbs field (or interleaved extension) elements as canonical u32le words. */
  absorbFields(label: string, xs: Uint32Array): void {
    const bytes = new Uint8Array(4 * xs.length);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (x >= P) throw new TranscriptError(`absorbFields('${label}'): element ${i} = ${x} is not canonical (must be < p)`);
      dv.setUint32(4 * i, x, true);
    }
    this.absorb(label, bytes);
  }

  /** One squeeze, one base-field element. */
  squeezeField(label: string): number {
    return this.squeeze(label).field();
  }

  /** One squeeze, one extension element (c0..c3). */
  squeezeExt(label: string): Uint32Array {
    return this.squeezeExts(label, 1);
  }

  /** One squeeze, n extension elements interleaved (4n field elements, c0 first). */
  squeezeExts(label: string, n: number): Uint32Array {
    if (!Number.isInteger(n) || n < 0) throw new TranscriptError(`squeezeExts('${label}'): count ${n} must be a non-negative integer`);
    const ws = this.squeeze(label);
    const out = new Uint32Array(4 * n);
    for (let i = 0; i < out.length; i++) out[i] = ws.field();
    return out;
  }

  /** One squeeze, `count` indices in [0, 2^bits), with replacement (callers deduplicate). */
  squeezeIndices(label: string, count: number, bits: number): number[] {
    if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new TranscriptError(`squeezeIndices('${label}'): bits ${bits} must be in [0, 32]`);
    if (!Number.isInteger(count) || count < 0) throw new TranscriptError(`squeezeIndices('${label}'): count ${count} must be a non-negative integer`);
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    const ws = this.squeeze(label);
    const out: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = (ws.word() & mask) >>> 0;
    return out;
  }

  /** A copy of the current state (for tests and for checking prover/verifier agreement). */
  digest(): Uint8Array {
    return this.state.slice();
  }

  private squeeze(label: string): WordStream {
    const l = utf8.encode(label);
    const buf = new Uint8Array(32 + 1 + 4 + l.length);
    buf.set(this.state, 0);
    buf[32] = SQUEEZE;
    new DataView(buf.buffer).setUint32(33, l.length, true);
    buf.set(l, 37);
    this.state = sha256(buf);
    return new WordStream(this.state);
  }
}
