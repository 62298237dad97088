// WGSL of one sumcheck round of Π_k f_k (2 or 3 tables, base or extension; PROTOCOL.md §3):
// [s(0), s(2), …, s(d)] with f(t) = f(0) + t·(f(1) − f(0)) over m pairs, reduced on the GPU in
// two passes (per-workgroup partial sums, then one workgroup). Products are chains of Montgomery
// multiplies: a product of d factors carries 2^(-32(d−1)), removed once at the very end (sums are
// linear), so a pair costs d − 1 REDC rounds per point instead of 2(d − 1).
import { FIELD_WGSL, WG } from "./field.wgsl.ts";

/** Table kinds, extension tables first (the product commutes, so callers sort). */
export type Kinds = readonly boolean[];

export function kindsTag(kinds: Kinds): string {
  return kinds.map((e) => (e ? "E" : "B")).join("");
}

function points(d: number): number[] {
  return [0, ...Array.from({ length: d - 1 }, (_, i) => i + 2)];
}

/** Sums sh[k·WG + 0 .. WG) into sh[k·WG] for every column k < d (after the writes to sh). */
function treeSum(d: number): string {
  return /* wgsl */ `  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) {
      for (var k = 0u; k < ${d}u; k++) { sh[k * ${WG}u + lid] = eadd(sh[k * ${WG}u + lid], sh[k * ${WG}u + lid + s]); }
    }
    workgroupBarrier();
  }`;
}

/** Pass 1. Bindings: t0..t(d−1), partials (G·d vec4). Params: m. Dispatch (G, 1, 1). */
export function roundWgsl(kinds: Kinds): string {
  const d = kinds.length;
  const T = (e: boolean) => (e ? "vec4<u32>" : "u32");
  const decls = kinds.map((e, j) => `@group(0) @binding(${j}) var<storage, read> t${j}: array<${T(e)}>;`).join("\n");
  const loads = kinds.map((e, j) => {
    const add = e ? "eadd" : "fadd", sub = e ? "esub" : "fsub";
    return `    let l${j} = t${j}[2u * i]; let h${j} = t${j}[2u * i + 1u]; let d${j} = ${sub}(h${j}, l${j});
    let e${j}_2 = ${add}(h${j}, d${j}); let e${j}_3 = ${add}(e${j}_2, d${j});`;
  }).join("\n");
  const at = (j: number, t: number) => (t === 0 ? `l${j}` : `e${j}_${t}`);
  const product = (t: number): string => {
    let expr = at(0, t), ext = kinds[0]!;
    for (let j = 1; j < d; j++) {
      if (kinds[j]) expr = `emmul(${expr}, ${at(j, t)})`;
      else expr = ext ? `emmul_base(${expr}, ${at(j, t)})` : `mmul(${expr}, ${at(j, t)})`;
      ext ||= kinds[j]!;
    }
    return ext ? expr : `vec4<u32>(${expr}, 0u, 0u, 0u)`;
  };
  const pts = points(d);
  return FIELD_WGSL + /* wgsl */ `
${decls}
@group(0) @binding(${d}) var<storage, read_write> partials: array<vec4<u32>>;
@group(0) @binding(${d + 1}) var<uniform> prm: vec4<u32>;
var<workgroup> sh: array<vec4<u32>, ${d * WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let total = nwg.x * ${WG}u;
${pts.map((_, k) => `  var acc${k} = vec4<u32>(0u);`).join("\n")}
  for (var i = gid.x; i < prm.x; i += total) {
${loads}
${pts.map((t, k) => `    acc${k} = eadd(acc${k}, ${product(t)});`).join("\n")}
  }
${pts.map((_, k) => `  sh[${k * WG}u + lid] = acc${k};`).join("\n")}
${treeSum(d)}
  if (lid == 0u) {
    for (var k = 0u; k < ${d}u; k++) { partials[wid.x * ${d}u + k] = sh[k * ${WG}u]; }
  }
}
`;
}

/**
 * Pass 2 (one workgroup): out[k] = (Σ_g partials[g·d + k])·corr·2^-32. Params: G, corr, -, -.
 * Also the general "sum d interleaved extension columns" reduction.
 */
export function reduceWgsl(d: number): string {
  return FIELD_WGSL + /* wgsl */ `
@group(0) @binding(0) var<storage, read> partials: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> prm: vec4<u32>;
var<workgroup> sh: array<vec4<u32>, ${d * WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32) {
  for (var k = 0u; k < ${d}u; k++) {
    var acc = vec4<u32>(0u);
    for (var g = lid; g < prm.x; g += ${WG}u) { acc = eadd(acc, partials[g * ${d}u + k]); }
    sh[k * ${WG}u + lid] = acc;
  }
${treeSum(d)}
  if (lid == 0u) {
    for (var k = 0u; k < ${d}u; k++) { out[k] = emmul_base(sh[k * ${WG}u], prm.y); }
  }
}
`;
}
