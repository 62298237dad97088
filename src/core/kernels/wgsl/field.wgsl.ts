// WGSL for KoalaBear arithmetic (PROTOCOL.md §1). WGSL has no 64-bit integers: the 62-bit
// product is built from 16-bit limbs and reduced by Montgomery REDC with R = 2^32. Buffers hold
// canonical values (never Montgomery form); a kernel multiplies data by a constant stored as c·R
// with one REDC (mmul(x, c·R) = x·c), and data by data with mmul then one correction by R^k
// (see mul chains in sumcheck.wgsl.ts), so the Montgomery factor never leaks into a buffer.
//
// Extension F_p[X]/(X^4 − 3): an element is a vec4<u32> (c0..c3), which matches the interleaved
// 4-word layout of extension vectors in storage.
export const FIELD_WGSL = /* wgsl */ `
const P: u32 = 2130706433u;
const NPRIME: u32 = 2130706431u; // -p^-1 mod 2^32
const R2: u32 = 402124772u;      // 2^64 mod p
const PV = vec4<u32>(2130706433u);

fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let lo = (p00 & 0xffffu) | (mid << 16u);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2<u32>(lo, hi);
}

// (x + m·p) / 2^32 for x < p·2^32. m·p = m·2^31 − m·2^24 + m is built from shifts (no multiply):
// only its high word and the carry out of the (zero) low word matter.
fn redc(x: vec2<u32>) -> u32 {
  let m = x.x * NPRIME;
  let a_lo = m << 31u;
  let b_lo = m << 24u;
  let d_lo = a_lo - b_lo;
  let d_hi = (m >> 1u) - (m >> 8u) - select(0u, 1u, a_lo < b_lo);
  let e_lo = d_lo + m;
  let mp_hi = d_hi + select(0u, 1u, e_lo < m);
  let t = x.y + mp_hi + select(0u, 1u, x.x != 0u);
  return select(t, t - P, t >= P);
}

// a·b·2^-32 mod p, canonical whenever a·b < p·2^32 (e.g. a < 2^32 and b < p).
fn mmul(a: u32, b: u32) -> u32 {
  return redc(mul_wide(a, b));
}

fn fmul(a: u32, b: u32) -> u32 {
  return mmul(mmul(a, b), R2);
}

fn fadd(a: u32, b: u32) -> u32 {
  let s = a + b;
  return select(s, s - P, s >= P);
}

fn fsub(a: u32, b: u32) -> u32 {
  let d = a - b;
  return select(d, d + P, a < b);
}

fn mul3(x: u32) -> u32 {
  return fadd(fadd(x, x), x);
}

fn eadd(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  let s = a + b;
  return select(s, s - PV, s >= PV);
}

fn esub(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  let d = a - b;
  return select(d, d + PV, a < b);
}

// Montgomery products: every coordinate carries one factor 2^-32.
fn emmul(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  let c0 = fadd(mmul(a.x, b.x), mul3(fadd(fadd(mmul(a.y, b.w), mmul(a.z, b.z)), mmul(a.w, b.y))));
  let c1 = fadd(fadd(mmul(a.x, b.y), mmul(a.y, b.x)), mul3(fadd(mmul(a.z, b.w), mmul(a.w, b.z))));
  let c2 = fadd(fadd(fadd(mmul(a.x, b.z), mmul(a.y, b.y)), mmul(a.z, b.x)), mul3(mmul(a.w, b.w)));
  let c3 = fadd(fadd(mmul(a.x, b.w), mmul(a.y, b.z)), fadd(mmul(a.z, b.y), mmul(a.w, b.x)));
  return vec4<u32>(c0, c1, c2, c3);
}

fn emmul_base(a: vec4<u32>, b: u32) -> vec4<u32> {
  return vec4<u32>(mmul(a.x, b), mmul(a.y, b), mmul(a.z, b), mmul(a.w, b));
}

// Canonical products (no Montgomery factor left).
fn emul(a: vec4<u32>, b: vec4<u32>) -> vec4<u32> {
  return emmul_base(emmul(a, b), R2);
}

fn emul_base(a: vec4<u32>, b: u32) -> vec4<u32> {
  return emmul_base(emmul_base(a, b), R2);
}
`;

/** Workgroup size of every kernel: WebGPU's compatibility limit (Node's OpenGL backend) is 128. */
export const WG = 128;

/** Global invocation index over a 2-D dispatch (more than 65535 workgroups are split in y). */
export const GID_WGSL = /* wgsl */ `
fn gindex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * ${WG}u;
}
`;

export const VEC_MUL_WGSL = FIELD_WGSL + /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<u32>;
@group(0) @binding(1) var<storage, read> b: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> n: u32;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i < n) { out[i] = fmul(a[i], b[i]); }
}
`;

/** Element-wise extension arithmetic (op: add, sub, mul), for the conformance run and benches. */
export function extVecWgsl(op: "add" | "sub" | "mul"): string {
  const f = { add: "eadd", sub: "esub", mul: "emul" }[op];
  return FIELD_WGSL + GID_WGSL + /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<u32>>;
@group(0) @binding(3) var<uniform> n: vec4<u32>;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gindex(gid, nwg);
  if (i < n.x) { out[i] = ${f}(a[i], b[i]); }
}
`;
}
