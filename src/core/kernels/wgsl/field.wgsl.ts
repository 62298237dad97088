// WGSL for KoalaBear multiplication. WGSL has no 64-bit integers: the 62-bit product is built
// from 16-bit limbs and reduced by Montgomery REDC with R = 2^32; a second multiply by
// R^2 mod p undoes the R^-1, so inputs and outputs stay canonical (not Montgomery form).
export const FIELD_WGSL = /* wgsl */ `
const P: u32 = 2130706433u;
const NPRIME: u32 = 2130706431u; // -p^-1 mod 2^32
const R2: u32 = 402124772u;      // 2^64 mod p

fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  let lo = (p00 & 0xffffu) | (mid << 16u);
  let hi = p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
  return vec2<u32>(lo, hi);
}

fn redc(x: vec2<u32>) -> u32 {
  let m = x.x * NPRIME;
  let mp = mul_wide(m, P);
  let t = x.y + mp.y + select(0u, 1u, x.x != 0u);
  return select(t, t - P, t >= P);
}

fn fmul(a: u32, b: u32) -> u32 {
  return redc(mul_wide(redc(mul_wide(a, b)), R2));
}

fn fadd(a: u32, b: u32) -> u32 {
  let s = a + b;
  return select(s, s - P, s >= P);
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
