import { describe, expect, it } from "vitest";
import { P, mul, mulBig, vecAdd, vecMul } from "./koalabear.ts";
import { wasmVecAdd, wasmVecMul } from "../kernels/field-vec.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

const EDGE = [0, 1, 2, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, 1 << 24, (1 << 31) - (1 << 24), 65535, 65536, 3];

function vectors(n: number, seed: number): [Uint32Array, Uint32Array] {
  const r = rng(seed);
  const a = new Uint32Array(n), b = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = i < EDGE.length * EDGE.length ? EDGE[Math.floor(i / EDGE.length)]! : r() % P;
    b[i] = i < EDGE.length * EDGE.length ? EDGE[i % EDGE.length]! : r() % P;
  }
  return [a, b];
}

describe("KoalaBear element-wise kernels", () => {
  it("TS reference multiply agrees with BigInt on edge cases and random values", () => {
    const [a, b] = vectors(20000, 1);
    for (let i = 0; i < a.length; i++) expect(mul(a[i]!, b[i]!)).toBe(mulBig(a[i]!, b[i]!));
  });

  it("wasm add and multiply agree with the TS reference bit for bit", () => {
    for (const [n, seed] of [[0, 1], [1, 2], [144, 3], [100003, 4]] as const) {
      const [a, b] = vectors(n, seed);
      expect(Buffer.from(wasmVecAdd(a, b).buffer)).toEqual(Buffer.from(vecAdd(a, b).buffer));
      expect(Buffer.from(wasmVecMul(a, b).buffer)).toEqual(Buffer.from(vecMul(a, b).buffer));
    }
  });

  it("results are canonical (< p)", () => {
    const [a, b] = vectors(5000, 7);
    for (const v of wasmVecAdd(a, b)) expect(v).toBeLessThan(P);
    for (const v of wasmVecMul(a, b)) expect(v).toBeLessThan(P);
  });
});
