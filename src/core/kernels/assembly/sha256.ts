// SHA-256 (FIPS 180-4) over linear memory, batched: many equal-length messages per call so the
// JS↔wasm crossing is paid once per batch, not once per Merkle leaf or node.

const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// Working state lives in the caller's scratch (see hashBatch), not in static memory, so that
// threads sharing one memory never share it: these globals are per instance, i.e. per thread.
let W: usize = 0; // 64 words of message schedule
let H: usize = 0; // 8 words of chaining value
// Final block(s) of a message: its tail, 0x80, zeros, and the 64-bit big-endian bit length.
let PAD: usize = 0;
let W4: usize = 0; // the four-lane schedule
let H4: usize = 0;
/** Bytes of the working state at the start of the scratch. */
const STATE_BYTES: usize = 256 + 32 + 128 + 64 * 16 + 8 * 16;

/** First free byte after the kernel's static data; callers lay out buffers from here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

// @ts-ignore: decorator
@inline function ld(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

function compress(block: usize): void {
  for (let i: usize = 0; i < 16; i++) store<u32>(W + (i << 2), ld(block + (i << 2)));
  for (let i: usize = 16; i < 64; i++) {
    const w15 = load<u32>(W + ((i - 15) << 2));
    const w2 = load<u32>(W + ((i - 2) << 2));
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (i << 2), load<u32>(W + ((i - 16) << 2)) + s0 + load<u32>(W + ((i - 7) << 2)) + s1);
  }
  let a = load<u32>(H), b = load<u32>(H, 4), c = load<u32>(H, 8), d = load<u32>(H, 12);
  let e = load<u32>(H, 16), f = load<u32>(H, 20), g = load<u32>(H, 24), h = load<u32>(H, 28);
  for (let i: usize = 0; i < 64; i++) {
    const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + S1 + ch + load<u32>(K + (i << 2)) + load<u32>(W + (i << 2));
    const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(H, load<u32>(H) + a); store<u32>(H, load<u32>(H, 4) + b, 4);
  store<u32>(H, load<u32>(H, 8) + c, 8); store<u32>(H, load<u32>(H, 12) + d, 12);
  store<u32>(H, load<u32>(H, 16) + e, 16); store<u32>(H, load<u32>(H, 20) + f, 20);
  store<u32>(H, load<u32>(H, 24) + g, 24); store<u32>(H, load<u32>(H, 28) + h, 28);
}

function init(): void {
  store<u32>(H, 0x6a09e667); store<u32>(H, 0xbb67ae85, 4);
  store<u32>(H, 0x3c6ef372, 8); store<u32>(H, 0xa54ff53a, 12);
  store<u32>(H, 0x510e527f, 16); store<u32>(H, 0x9b05688c, 20);
  store<u32>(H, 0x1f83d9ab, 24); store<u32>(H, 0x5be0cd19, 28);
}

/** Hashes `len` bytes at `msg`, with an optional one-byte prefix (prefix < 0: none), to `out`. */
function hashOne(msg: usize, len: usize, prefix: i32, out: usize): void {
  init();
  const total: u64 = <u64>len + (prefix >= 0 ? 1 : 0);
  let p = msg, rest = len;
  if (prefix >= 0) {
    // The prefix shifts the message by one byte, so every block is assembled in PAD.
    store<u8>(PAD, <u8>prefix);
    let fill: usize = 1;
    while (rest + fill >= 64) {
      const take = 64 - fill;
      memory.copy(PAD + fill, p, take);
      compress(PAD);
      p += take; rest -= take; fill = 0;
    }
    if (fill == 0) memory.copy(PAD, p, rest);
    else memory.copy(PAD + 1, p, rest);
    rest += fill;
  } else {
    while (rest >= 64) { compress(p); p += 64; rest -= 64; }
    memory.copy(PAD, p, rest);
  }
  // PAD[0..rest) holds the tail.
  store<u8>(PAD + rest, 0x80);
  const blocks: usize = rest + 9 <= 64 ? 64 : 128;
  memory.fill(PAD + rest + 1, 0, blocks - 8 - rest - 1);
  store<u64>(PAD + blocks - 8, bswap<u64>(total << 3));
  compress(PAD);
  if (blocks == 128) compress(PAD + 64);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(H + i)));
}

// ---- four messages at once: one SIMD lane per message (all have the same length) ----


// @ts-ignore: decorator
@inline function rotr4(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

/** One block of each of four padded messages (lane k reads from block + k·stride). */
function compress4(block: usize, stride: usize): void {
  for (let i: usize = 0; i < 16; i++) {
    const o = i << 2;
    let w = i32x4.splat(<i32>ld(block + o));
    w = i32x4.replace_lane(w, 1, <i32>ld(block + stride + o));
    w = i32x4.replace_lane(w, 2, <i32>ld(block + 2 * stride + o));
    w = i32x4.replace_lane(w, 3, <i32>ld(block + 3 * stride + o));
    v128.store(W4 + (i << 4), w);
  }
  for (let i: usize = 16; i < 64; i++) {
    const w15 = v128.load(W4 + ((i - 15) << 4));
    const w2 = v128.load(W4 + ((i - 2) << 4));
    const s0 = v128.xor(v128.xor(rotr4(w15, 7), rotr4(w15, 18)), i32x4.shr_u(w15, 3));
    const s1 = v128.xor(v128.xor(rotr4(w2, 17), rotr4(w2, 19)), i32x4.shr_u(w2, 10));
    const w = i32x4.add(i32x4.add(v128.load(W4 + ((i - 16) << 4)), s0), i32x4.add(v128.load(W4 + ((i - 7) << 4)), s1));
    v128.store(W4 + (i << 4), w);
  }
  let a = v128.load(H4), b = v128.load(H4, 16), c = v128.load(H4, 32), d = v128.load(H4, 48);
  let e = v128.load(H4, 64), f = v128.load(H4, 80), g = v128.load(H4, 96), h = v128.load(H4, 112);
  for (let i: usize = 0; i < 64; i++) {
    const S1 = v128.xor(v128.xor(rotr4(e, 6), rotr4(e, 11)), rotr4(e, 25));
    const ch = v128.xor(v128.and(e, f), v128.andnot(g, e));
    const t1 = i32x4.add(i32x4.add(h, S1), i32x4.add(ch, i32x4.add(i32x4.splat(<i32>load<u32>(K + (i << 2))), v128.load(W4 + (i << 4)))));
    const S0 = v128.xor(v128.xor(rotr4(a, 2), rotr4(a, 13)), rotr4(a, 22));
    const maj = v128.xor(v128.xor(v128.and(a, b), v128.and(a, c)), v128.and(b, c));
    const t2 = i32x4.add(S0, maj);
    h = g; g = f; f = e; e = i32x4.add(d, t1);
    d = c; c = b; b = a; a = i32x4.add(t1, t2);
  }
  v128.store(H4, i32x4.add(v128.load(H4), a)); v128.store(H4, i32x4.add(v128.load(H4, 16), b), 16);
  v128.store(H4, i32x4.add(v128.load(H4, 32), c), 32); v128.store(H4, i32x4.add(v128.load(H4, 48), d), 48);
  v128.store(H4, i32x4.add(v128.load(H4, 64), e), 64); v128.store(H4, i32x4.add(v128.load(H4, 80), f), 80);
  v128.store(H4, i32x4.add(v128.load(H4, 96), g), 96); v128.store(H4, i32x4.add(v128.load(H4, 112), h), 112);
}

const IV: usize = memory.data<u32>([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/**
 * Four messages of `len` bytes (at msg + k·len), each preceded by `prefix` when ≥ 0: every one is
 * laid out padded in `scratch` (4 × padded length bytes), then hashed lane-parallel.
 */
function hash4(msg: usize, len: usize, prefix: i32, out: usize, scratch: usize): void {
  const pre: usize = prefix >= 0 ? 1 : 0;
  const total = len + pre;
  const padded: usize = (total + 9 + 63) & ~(<usize>63);
  for (let k: usize = 0; k < 4; k++) {
    const dst = scratch + k * padded;
    if (pre) store<u8>(dst, <u8>prefix);
    memory.copy(dst + pre, msg + k * len, len);
    store<u8>(dst + total, 0x80);
    memory.fill(dst + total + 1, 0, padded - total - 9);
    store<u64>(dst + padded - 8, bswap<u64>(<u64>total << 3));
  }
  for (let i: usize = 0; i < 8; i++) v128.store(H4 + (i << 4), i32x4.splat(<i32>load<u32>(IV + (i << 2))));
  for (let blk: usize = 0; blk < padded; blk += 64) compress4(scratch + blk, padded);
  for (let i: usize = 0; i < 8; i++) {
    const v = v128.load(H4 + (i << 4));
    store<u32>(out + (i << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 0)));
    store<u32>(out + 32 + (i << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 1)));
    store<u32>(out + 64 + (i << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 2)));
    store<u32>(out + 96 + (i << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 3)));
  }
}

/** Bytes of scratch hashBatch needs for messages of `len` bytes (state and four padded copies). */
export function scratchBytes(len: usize): usize {
  return STATE_BYTES + 4 * ((len + 1 + 9 + 63) & ~(<usize>63));
}

/**
 * Hashes `count` consecutive messages of `len` bytes from `input`, each preceded by the byte
 * `prefix` when prefix ≥ 0, writing 32-byte digests consecutively to `out`. Groups of four go
 * through the SIMD path; the rest one at a time. scratch: scratchBytes(len) bytes, 16-aligned,
 * this call's alone (threads on one memory each pass their own).
 */
export function hashBatch(input: usize, len: usize, count: u32, prefix: i32, out: usize, scratch: usize): void {
  // scratch is 16-byte aligned: the state first, then the padded copies.
  W = scratch; H = W + 256; PAD = H + 32; W4 = PAD + 128; H4 = W4 + 64 * 16;
  const copies = scratch + STATE_BYTES;
  let i: u32 = 0;
  for (; i + 4 <= count; i += 4) hash4(input + <usize>i * len, len, prefix, out + (<usize>i << 5), copies);
  for (; i < count; i++) hashOne(input + <usize>i * len, len, prefix, out + (<usize>i << 5));
}

// ---- streamed column hashes: the Merkle leaves of a code whose rows arrive in blocks ----
// A leaf is SHA-256(prefix ‖ column as u32le words). Rows come in blocks of a multiple of 16, so
// each block adds 64·m bytes to every column's message: after the one-byte prefix, each column
// keeps its chaining value and exactly one pending byte between blocks, never a partial block.

/** Bytes of one column's state: the chaining value (8 words), then the pending byte (a word). */
const COLUMN_STATE: usize = 36;

/** Bytes of scratch columnsAbsorb needs for blocks of `rows` rows (state and four messages). */
export function columnScratchBytes(rows: usize): usize {
  return STATE_BYTES + 4 * ((4 * rows + 64 + 63) & ~(<usize>63));
}

/** Starts the hashes of columns [from, to): the initial chaining value, the prefix pending. */
export function columnsInit(states: usize, from: u32, to: u32, prefix: u32): void {
  for (let j = from; j < to; j++) {
    const s = states + <usize>j * COLUMN_STATE;
    memory.copy(s, IV, 32);
    store<u32>(s, prefix & 0xff, 32);
  }
}

/** Column j's message bytes of this block after its pending byte: `rows` words down the column. */
// @ts-ignore: decorator
@inline function gatherColumn(dst: usize, block: usize, j: usize, len: usize, rows: usize, pending: u32): void {
  store<u8>(dst, <u8>pending);
  const stride = len << 2;
  let src = block + (j << 2);
  for (let r: usize = 0; r < rows; r++) {
    store<u32>(dst + 1 + (r << 2), load<u32>(src));
    src += stride;
  }
}

/**
 * Feeds columns [from, to) of a row-major block (`rows` rows of `len` words, rows a multiple of
 * 16) to their hashes: four columns at a time through the SIMD path, the rest one by one.
 */
export function columnsAbsorb(states: usize, block: usize, len: u32, rows: u32, from: u32, to: u32, scratch: usize): void {
  W = scratch; PAD = W + 256 + 32; W4 = PAD + 128; H4 = W4 + 64 * 16;
  const msg = scratch + STATE_BYTES;
  const bytes = <usize>rows << 2;
  const lane = (bytes + 64 + 63) & ~(<usize>63);
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const s = states + <usize>j * COLUMN_STATE;
    for (let k: usize = 0; k < 4; k++) gatherColumn(msg + k * lane, block, <usize>j + k, len, rows, load<u32>(s + k * COLUMN_STATE, 32));
    for (let i: usize = 0; i < 8; i++) {
      let v = i32x4.splat(load<i32>(s + (i << 2)));
      v = i32x4.replace_lane(v, 1, load<i32>(s + COLUMN_STATE + (i << 2)));
      v = i32x4.replace_lane(v, 2, load<i32>(s + 2 * COLUMN_STATE + (i << 2)));
      v = i32x4.replace_lane(v, 3, load<i32>(s + 3 * COLUMN_STATE + (i << 2)));
      v128.store(H4 + (i << 4), v);
    }
    for (let b: usize = 0; b < bytes; b += 64) compress4(msg + b, lane);
    for (let i: usize = 0; i < 8; i++) {
      const v = v128.load(H4 + (i << 4));
      store<i32>(s + (i << 2), i32x4.extract_lane(v, 0));
      store<i32>(s + COLUMN_STATE + (i << 2), i32x4.extract_lane(v, 1));
      store<i32>(s + 2 * COLUMN_STATE + (i << 2), i32x4.extract_lane(v, 2));
      store<i32>(s + 3 * COLUMN_STATE + (i << 2), i32x4.extract_lane(v, 3));
    }
    for (let k: usize = 0; k < 4; k++) store<u32>(s + k * COLUMN_STATE, load<u8>(msg + k * lane + bytes), 32);
  }
  for (; j < to; j++) {
    const s = states + <usize>j * COLUMN_STATE;
    gatherColumn(msg, block, j, len, rows, load<u32>(s, 32));
    H = s; // the chaining value is updated in place
    for (let b: usize = 0; b < bytes; b += 64) compress(msg + b);
    store<u32>(s, load<u8>(msg + bytes), 32);
  }
}

/**
 * Ends the hashes of columns [from, to) whose messages total `total` bytes (prefix included):
 * the pending byte, the padding and the length, one block; digest j at out + 32·j.
 */
export function columnsFinish(states: usize, from: u32, to: u32, total: u32, out: usize, scratch: usize): void {
  W = scratch; PAD = W + 256 + 32;
  for (let j = from; j < to; j++) {
    const s = states + <usize>j * COLUMN_STATE;
    store<u8>(PAD, <u8>load<u32>(s, 32));
    store<u8>(PAD + 1, 0x80);
    memory.fill(PAD + 2, 0, 54);
    store<u64>(PAD + 56, bswap<u64>(<u64>total << 3));
    H = s;
    compress(PAD);
    const o = out + (<usize>j << 5);
    for (let i: usize = 0; i < 32; i += 4) store<u32>(o + i, bswap<u32>(load<u32>(s + i)));
  }
}
