// WGSL of the NTT (a_j ← Σ_i a_i·ω^(ij), natural order in and out) for batched rows of base
// (u32) or extension (vec4<u32>, coordinate-wise) elements, as iterative radix-2 DIT:
//   local:  bit-reversed gather (with implicit zero padding, which is Reed–Solomon encoding) into
//           workgroup memory, the first log B stages there, one write-out. When a row is its
//           first 2^-k part padded with zeros, the bit-reversed row is (x, 0, …, 0) per block of
//           2^k, which k stages turn into (x, …, x): those stages become the gather itself;
//   stage2: two further stages per pass over storage (radix-4 shaped, same butterflies);
//   stage:  one stage, when an odd number remains;
//   scale:  copy back multiplied by a Montgomery constant (1/N for the inverse).
// Twiddles: tw[h + j] = ω_{2h}^j·2^32 mod p for h = 2^s; since ω_{k+1}^2 = ω_k one table serves
// every size up to its own.
import { FIELD_WGSL, GID_WGSL, WG } from "./field.wgsl.ts";

export type Width = 1 | 4;

/** log2 of the elements per workgroup in the local kernel: 16 KiB of workgroup memory. */
export function localLog(width: Width): number {
  return width === 1 ? 10 : Number(process.env.LB ?? 10);
}

function elem(width: Width): { T: string; zero: string; tmul: string } {
  return width === 1
    ? { T: "u32", zero: "0u", tmul: "mmul(v, w)" }
    : { T: "vec4<u32>", zero: "vec4<u32>(0u)", tmul: "emmul_base(v, w)" };
}

function butterflyFns(width: Width): string {
  const { T, tmul } = elem(width);
  const add = width === 1 ? "fadd" : "eadd", sub = width === 1 ? "fsub" : "esub";
  return /* wgsl */ `
fn twmul(v: ${T}, w: u32) -> ${T} { return ${tmul}; }
fn vadd(a: ${T}, b: ${T}) -> ${T} { return ${add}(a, b); }
fn vsub(a: ${T}, b: ${T}) -> ${T} { return ${sub}(a, b); }
`;
}

/** Params (uniform vec4 ×2): logN, logB, srcStride, srcLen | rows, skip (stages done by replication), -, -. */
export function nttLocalWgsl(width: Width): string {
  const { T, zero } = elem(width);
  const B = 1 << localLog(width);
  return FIELD_WGSL + butterflyFns(width) + /* wgsl */ `
struct Params { logN: u32, logB: u32, srcStride: u32, srcLen: u32, rows: u32, skip: u32, p2: u32, p3: u32 }
@group(0) @binding(0) var<storage, read> src: array<${T}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${T}>;
@group(0) @binding(2) var<storage, read> tw: array<u32>;
@group(0) @binding(3) var<uniform> prm: Params;
var<workgroup> sh: array<${T}, ${B}>;

fn bitrev(i: u32, bits: u32) -> u32 {
  return select(reverseBits(i) >> (32u - bits), 0u, bits == 0u);
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x;
  let perRow = 1u << (prm.logN - prm.logB);
  if (g >= prm.rows * perRow) { return; }
  let row = g / perRow;
  let blk = g % perRow;
  let b = 1u << prm.logB;
  let start = blk * b;
  let keep = ~((1u << prm.skip) - 1u);
  for (var e = lid; e < b; e += ${WG}u) {
    let s = bitrev((start + e) & keep, prm.logN);
    var v = ${zero};
    if (s < prm.srcLen) { v = src[row * prm.srcStride + s]; }
    sh[e] = v;
  }
  workgroupBarrier();
  for (var st = prm.skip; st < prm.logB; st++) {
    let h = 1u << st;
    for (var t = lid; t < (b >> 1u); t += ${WG}u) {
      let j = t & (h - 1u);
      let k = ((t >> st) << (st + 1u)) + j;
      let u = sh[k];
      let v = twmul(sh[k + h], tw[h + j]);
      sh[k] = vadd(u, v);
      sh[k + h] = vsub(u, v);
    }
    workgroupBarrier();
  }
  let base = (row << prm.logN) + start;
  for (var e = lid; e < b; e += ${WG}u) { dst[base + e] = sh[e]; }
}
`;
}

/** One (pair = false) or two (pair = true) global stages in place. Params: logN, s, rows. */
export function nttStageWgsl(width: Width, pair: boolean): string {
  const { T } = elem(width);
  const body = pair
    ? /* wgsl */ `
  // Four elements k, k+h, k+2h, k+3h: stage s on (0,1), (2,3); stage s+1 on (0,2), (1,3).
  let q = t & ((n >> 2u) - 1u);
  let j = q & (h - 1u);
  let k = base + ((q >> s) << (s + 2u)) + j;
  let w1 = tw[h + j];
  let a0 = a[k]; let a1 = twmul(a[k + h], w1);
  let a2 = a[k + 2u * h]; let a3 = twmul(a[k + 3u * h], w1);
  let b0 = vadd(a0, a1); let b1 = vsub(a0, a1);
  let b2 = vadd(a2, a3); let b3 = vsub(a2, a3);
  let c2 = twmul(b2, tw[2u * h + j]);
  let c3 = twmul(b3, tw[3u * h + j]);
  a[k] = vadd(b0, c2); a[k + 2u * h] = vsub(b0, c2);
  a[k + h] = vadd(b1, c3); a[k + 3u * h] = vsub(b1, c3);`
    : /* wgsl */ `
  let q = t & ((n >> 1u) - 1u);
  let j = q & (h - 1u);
  let k = base + ((q >> s) << (s + 1u)) + j;
  let u = a[k];
  let v = twmul(a[k + h], tw[h + j]);
  a[k] = vadd(u, v);
  a[k + h] = vsub(u, v);`;
  const per = pair ? 2 : 1;
  return FIELD_WGSL + GID_WGSL + butterflyFns(width) + /* wgsl */ `
struct Params { logN: u32, s: u32, rows: u32, p0: u32 }
@group(0) @binding(0) var<storage, read_write> a: array<${T}>;
@group(0) @binding(1) var<storage, read> tw: array<u32>;
@group(0) @binding(2) var<uniform> prm: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gindex(gid, nwg);
  let n = 1u << prm.logN;
  if (t >= prm.rows * (n >> ${per}u)) { return; }
  let s = prm.s;
  let h = 1u << s;
  let base = (t >> (prm.logN - ${per}u)) << prm.logN;${body}
}
`;
}

/** dst[i] = src[i]·c (c in Montgomery form), i < count. Params: count, c. */
export function scaleWgsl(width: Width): string {
  const { T } = elem(width);
  return FIELD_WGSL + GID_WGSL + butterflyFns(width) + /* wgsl */ `
struct Params { count: u32, c: u32, p0: u32, p1: u32 }
@group(0) @binding(0) var<storage, read> src: array<${T}>;
@group(0) @binding(1) var<storage, read_write> dst: array<${T}>;
@group(0) @binding(2) var<uniform> prm: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gindex(gid, nwg);
  if (i < prm.count) { dst[i] = twmul(src[i], prm.c); }
}
`;
}
