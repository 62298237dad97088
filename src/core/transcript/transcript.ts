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

function putU32(buf: Uint8Array, at: number, x: number): void {
  buf[at] = x & 0xff;
  buf[at + 1] = (x >>> 8) & 0xff;
  buf[at + 2] = (x >>> 16) & 0xff;
  buf[at + 3] = x >>> 24;
}

/** The challenge stream of one squeeze: SHA256(s ‖ u32le(i)) blocks read as LE u32 words. */
class WordStream {
  private block: Uint8Array = new Uint8Array(32);
  private next = 8;
  private index = 0;
  private readonly input = new Uint8Array(36);

  constructor(state: Uint8Array) {
    this.input.set(state, 0);
  }

  word(): number {
    if (this.next === 8) {
      const i = this.index++, input = this.input;
      input[32] = i & 0xff;
      input[33] = (i >>> 8) & 0xff;
      input[34] = (i >>> 16) & 0xff;
      input[35] = i >>> 24;
      this.block = sha256(input);
      this.next = 0;
    }
    const b = this.block, k = 4 * this.next++;
    return (b[k]! | (b[k + 1]! << 8) | (b[k + 2]! << 16) | (b[k + 3]! << 24)) >>> 0;
  }

  /** Rejection sampling: 31 low bits, accepted when < p (fails with probability ~2^-7). */
  field(): number {
    for (;;) {
      const v = this.word() & 0x7fffffff;
      if (v < P) return v;
    }
  }
}

// Labels are a few dozen constant strings: their UTF-8 bytes are encoded once (bounded, since a
// caller could make labels from data).
const labelCache = new Map<string, Uint8Array>();
function labelBytes(label: string): Uint8Array {
  let l = labelCache.get(label);
  if (!l) {
    l = utf8.encode(label);
    if (labelCache.size < 1024) labelCache.set(label, l);
  }
  return l;
}

export class Transcript {
  private state: Uint8Array = INIT.slice();
  /** Where each absorbed message is assembled (grown as needed): no buffer per absorb. */
  private msg = new Uint8Array(256);

  /** s ← SHA256(s ‖ 0x01 ‖ u32le(len label) ‖ label ‖ u64le(len bytes) ‖ bytes). */
  absorb(label: string, bytes: Uint8Array): void {
    const at = this.absorbHeader(label, bytes.length);
    this.msg.set(bytes, at);
    this.state = sha256(this.msg.subarray(0, at + bytes.length));
  }

  /** Absorbs field (or interleaved extension) elements as canonical u32le words. */
  absorbFields(label: string, xs: Uint32Array): void {
    const at = this.absorbHeader(label, 4 * xs.length), buf = this.msg;
    for (let i = 0, o = at; i < xs.length; i++, o += 4) {
      const x = xs[i]!;
      if (x >= P) throw new TranscriptError(`absorbFields('${label}'): element ${i} = ${x} is not canonical (must be < p)`);
      buf[o] = x & 0xff;
      buf[o + 1] = (x >>> 8) & 0xff;
      buf[o + 2] = (x >>> 16) & 0xff;
      buf[o + 3] = x >>> 24;
    }
    this.state = sha256(buf.subarray(0, at + 4 * xs.length));
  }

  /** Writes the absorb message up to its payload into `msg`, with room for `len` payload bytes; returns where the payload goes. */
  private absorbHeader(label: string, len: number): number {
    const l = labelBytes(label), at = 37 + l.length;
    if (this.msg.length < at + 8 + len) this.msg = new Uint8Array(Math.max(at + 8 + len, 2 * this.msg.length));
    const buf = this.msg;
    buf.set(this.state, 0);
    buf[32] = ABSORB;
    putU32(buf, 33, l.length);
    buf.set(l, 37);
    putU32(buf, at, len >>> 0);
    putU32(buf, at + 4, Math.floor(len / 2 ** 32));
    return at + 8;
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

  /** A second transcript from the current state: each goes on with its own messages. */
  fork(): Transcript {
    const t = new Transcript();
    t.state = this.state.slice();
    return t;
  }

  /** A copy of the current state (for tests and for checking prover/verifier agreement). */
  digest(): Uint8Array {
    return this.state.slice();
  }

  private squeeze(label: string): WordStream {
    const l = labelBytes(label), n = 37 + l.length;
    if (this.msg.length < n) this.msg = new Uint8Array(2 * n);
    const buf = this.msg;
    buf.set(this.state, 0);
    buf[32] = SQUEEZE;
    putU32(buf, 33, l.length);
    buf.set(l, 37);
    this.state = sha256(buf.subarray(0, n));
    return new WordStream(this.state);
  }
}
