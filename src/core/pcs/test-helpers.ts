// Shared by the PCS tests: seeded randomness and a brute-force MLE evaluation.
import { P, extAdd, extMul, extMulBase, extSub, EXT_ONE } from "../field/index.ts";

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s = (Math.imul(s ^ (s >>> 12), 0x297a2d39) + 1) >>> 0;
    return s;
  };
}

export function randomFields(r: () => number, n: number): Uint32Array {
  return Uint32Array.from({ length: n }, () => r() % P);
}

/** Σ_x f(x) · Π_i (x_i ? z_i : 1 − z_i), straight from the definition. */
export function mleBrute(f: Uint32Array, z: Uint32Array): Uint32Array {
  const k = z.length / 4;
  let acc: Uint32Array = new Uint32Array(4);
  for (let x = 0; x < f.length; x++) {
    let e: Uint32Array = EXT_ONE.slice();
    for (let i = 0; i < k; i++) {
      const zi = z.subarray(4 * i, 4 * i + 4);
      e = extMul(e, (x >> i) & 1 ? zi : extSub(EXT_ONE, zi));
    }
    acc = extAdd(acc, extMulBase(e, f[x]!));
  }
  return acc;
}
