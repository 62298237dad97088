// WGSL SHA-256 of Merkle leaves straight from the RS-encoded matrix (PROTOCOL.md §6): one
// invocation per column j of a row-major rows × cols matrix hashes 0x00 ‖ column as u32le words,
// reading the column with stride (adjacent invocations read adjacent words), so the encoding never
// needs a transpose before hashing. Output: 8 words per column whose bytes are the digest.
import { GID_WGSL, WG } from "./field.wgsl.ts";

// The round constants and initial state, derived as FIPS 180-4 defines them (the first 32 bits of
// the fractional parts of cube and square roots of the first primes), in exact integer arithmetic.
function iroot(x: bigint, k: bigint): bigint {
  let r = 1n << (BigInt(x.toString(2).length) / k + 1n);
  for (;;) {
    const next = ((k - 1n) * r + x / r ** (k - 1n)) / k;
    if (next >= r) return r;
    r = next;
  }
}
const PRIMES = Array.from({ length: 312 }, (_, i) => i).filter((n) => n > 1 && Array.from({ length: n - 2 }, (_, d) => d + 2).every((d) => n % d));
const fracBits = (p: number, k: bigint) => Number(iroot(BigInt(p) << (32n * k), k) & 0xffffffffn);
const K = PRIMES.slice(0, 64).map((p) => fracBits(p, 3n));
const IV = PRIMES.slice(0, 8).map((p) => fracBits(p, 2n));
const hex = (xs: number[]) => xs.map((x) => `0x${x.toString(16).padStart(8, "0")}u`).join(", ");

/** Params: rows, cols, prefix byte. Dispatch: cols invocations. */
export const COLUMN_LEAVES_WGSL = GID_WGSL + /* wgsl */ `
var<private> KT: array<u32, 64> = array<u32, 64>(${hex(K)});
@group(0) @binding(0) var<storage, read> m: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<uniform> prm: vec4<u32>;

fn rotr(x: u32, n: u32) -> u32 { return (x >> n) | (x << (32u - n)); }
fn bswap(x: u32) -> u32 {
  return (x >> 24u) | ((x >> 8u) & 0xff00u) | ((x << 8u) & 0xff0000u) | (x << 24u);
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = gindex(gid, nwg);
  let rows = prm.x; let cols = prm.y;
  if (c >= cols) { return; }
  // Message: prefix byte, 4·rows data bytes, 0x80, zeros, 64-bit big-endian bit length.
  let len = 4u * rows + 1u;
  let blocks = (len + 8u) / 64u + 1u;
  var h = array<u32, 8>(${hex(IV)});
  var w: array<u32, 16>;
  var prev = prm.z << 24u; // the byte before data word j: the prefix, then each word's top byte
  for (var b = 0u; b < blocks; b++) {
    for (var t = 0u; t < 16u; t++) {
      let j = 16u * b + t;
      var word = 0u;
      if (j <= rows) {
        word = prev;
        if (j < rows) {
          let d = m[j * cols + c];
          word |= ((d & 0xffu) << 16u) | (d & 0xff00u) | ((d >> 16u) & 0xffu);
          prev = d & 0xff000000u;
        } else {
          word |= 0x800000u;
        }
      }
      if (b + 1u == blocks && t == 15u) { word = len * 8u; }
      w[t] = word;
    }
    var a = h[0]; var bb = h[1]; var cc = h[2]; var d = h[3];
    var e = h[4]; var f = h[5]; var g = h[6]; var hh = h[7];
    for (var i = 0u; i < 64u; i++) {
      var wi = w[i & 15u];
      if (i >= 16u) {
        let w15 = w[(i + 1u) & 15u]; let w2 = w[(i + 14u) & 15u];
        let s0 = rotr(w15, 7u) ^ rotr(w15, 18u) ^ (w15 >> 3u);
        let s1 = rotr(w2, 17u) ^ rotr(w2, 19u) ^ (w2 >> 10u);
        wi = wi + s0 + w[(i + 9u) & 15u] + s1;
        w[i & 15u] = wi;
      }
      let t1 = hh + (rotr(e, 6u) ^ rotr(e, 11u) ^ rotr(e, 25u)) + ((e & f) ^ (~e & g)) + KT[i] + wi;
      let t2 = (rotr(a, 2u) ^ rotr(a, 13u) ^ rotr(a, 22u)) + ((a & bb) ^ (a & cc) ^ (bb & cc));
      hh = g; g = f; f = e; e = d + t1; d = cc; cc = bb; bb = a; a = t1 + t2;
    }
    h[0] += a; h[1] += bb; h[2] += cc; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  for (var i = 0u; i < 8u; i++) { out[8u * c + i] = bswap(h[i]); }
}
`;
