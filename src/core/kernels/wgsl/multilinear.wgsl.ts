// WGSL of the multilinear kernels (PROTOCOL.md §3): eq(r, ·) tables by doubling (variable i is
// bit i of the index) and folding of variable 0 (out[i] = in[2i] + r·(in[2i+1] − in[2i])).
// Challenges arrive in Montgomery form (c·2^32 mod p), so each product is one Montgomery multiply.
import { FIELD_WGSL, GID_WGSL, WG } from "./field.wgsl.ts";

/**
 * One doubling step i: for t < 2^i, out[t + 2^i] = out[t]·r_i, out[t] = out[t]·(1 − r_i).
 * consts[2i] = (1 − r_i)·R, consts[2i + 1] = r_i·R. Params: i.
 */
export const EQ_STEP_WGSL = FIELD_WGSL + GID_WGSL + /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> consts: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> prm: vec4<u32>;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = gindex(gid, nwg);
  let i = prm.x;
  let half = 1u << i;
  if (t >= half) { return; }
  let x = out[t];
  out[t + half] = emmul(x, consts[2u * i + 1u]);
  out[t] = emmul(x, consts[2u * i]);
}
`;

/** Params: m, -, -, - | r·R (vec4). */
export function foldWgsl(ext: boolean): string {
  const body = ext
    ? "let a = inp[2u * i]; out[i] = eadd(a, emmul(esub(inp[2u * i + 1u], a), prm.r));"
    : `let a = inp[2u * i]; let d = fsub(inp[2u * i + 1u], a); let r = prm.r;
  out[i] = vec4<u32>(fadd(a, mmul(d, r.x)), mmul(d, r.y), mmul(d, r.z), mmul(d, r.w));`;
  return FIELD_WGSL + GID_WGSL + /* wgsl */ `
struct Params { m: u32, p0: u32, p1: u32, p2: u32, r: vec4<u32> }
@group(0) @binding(0) var<storage, read> inp: array<${ext ? "vec4<u32>" : "u32"}>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> prm: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gindex(gid, nwg);
  if (i >= prm.m) { return; }
  ${body}
}
`;
}
