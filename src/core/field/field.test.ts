// Field conformance: the scalar reference (known vectors, axioms on edge and random values,
// encoding), and the same axioms checked through every bulk implementation (TS reference and
// wasm backends), element-wise over vectors of edge × edge and random pairs.
import { describe, expect, it } from "vitest";
import {
  P, add, sub, neg, mul, mulBig, square, inv, pow, batchInverse, rootOfUnity, fromInt, toSigned,
  type Ext, ext, extAdd, extSub, extNeg, extMul, extMulInto, extMulBase, extSquare, extInv, extPow, extEquals,
  extBatchInverse, extFromBase, EXT_ONE, EXT_ZERO,
  encodeFields, decodeFields, decodeField, encodeField, decodeExt, FieldError,
} from "./index.ts";
import { allBackends, type FieldBackend } from "../kernels/index.ts";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
const EDGE = [0, 1, 2, 3, P - 1, P - 2, P - 3, (P - 1) / 2, (P + 1) / 2, 1 << 24, (1 << 24) - 1, 65535, 65536, 1 << 30, P - (1 << 24), 127];
const r = rng(99);
const RAND = Array.from({ length: 40 }, () => r() % P);
const VALUES = [...EDGE, ...RAND];

describe("base field reference", () => {
  it("known vectors", () => {
    expect(P).toBe(2 ** 31 - 2 ** 24 + 1);
    expect(mul(P - 1, P - 1)).toBe(1);
    expect(inv(2)).toBe((P + 1) / 2);
    expect(inv(3)).toBe(710235478); // 3·710235478 = p + 1
    expect(mul(3, 710235478)).toBe(1);
    expect(pow(3, (P - 1) / 2)).toBe(P - 1); // 3 is a quadratic non-residue
    expect(pow(3, (P - 1) / 127)).not.toBe(1); // and has full order: p − 1 = 2^24·127
    expect(pow(3, P - 1)).toBe(1);
    expect(rootOfUnity(0)).toBe(1);
    expect(rootOfUnity(1)).toBe(P - 1);
    expect(pow(rootOfUnity(24), 1 << 23)).toBe(P - 1);
    expect(rootOfUnity(24)).toBe(pow(3, 127));
    expect(() => rootOfUnity(25)).toThrow(FieldError);
    expect(fromInt(-1)).toBe(P - 1);
    expect(fromInt(-5n)).toBe(P - 5);
    expect(toSigned(P - 7)).toBe(-7);
  });
  it("multiplication agrees with BigInt on edge × edge and random pairs", () => {
    for (const a of VALUES) for (const b of VALUES) expect(mul(a, b)).toBe(mulBig(a, b));
  });
  it("axioms on edge and random values", () => {
    for (const a of VALUES) {
      expect(add(a, 0)).toBe(a);
      expect(mul(a, 1)).toBe(a);
      expect(add(a, neg(a))).toBe(0);
      expect(square(a)).toBe(mul(a, a));
      if (a !== 0) expect(mul(a, inv(a))).toBe(1);
      for (const b of EDGE) {
        expect(add(a, b)).toBe(add(b, a));
        expect(mul(a, b)).toBe(mul(b, a));
        expect(sub(add(a, b), b)).toBe(a);
        for (const c of [0, 1, P - 1, 12345, RAND[0]!]) {
          expect(mul(a, add(b, c))).toBe(add(mul(a, b), mul(a, c)));
          expect(mul(mul(a, b), c)).toBe(mul(a, mul(b, c)));
          expect(add(add(a, b), c)).toBe(add(a, add(b, c)));
        }
      }
    }
  });
  it("inverse of zero and batch inversion", () => {
    expect(() => inv(0)).toThrow(FieldError);
    const xs = Uint32Array.from(VALUES.filter((v) => v !== 0));
    const ys = batchInverse(xs);
    xs.forEach((x, i) => expect(ys[i]).toBe(inv(x)));
    expect(batchInverse(new Uint32Array(0)).length).toBe(0);
    try { batchInverse(Uint32Array.of(1, 2, 0, 4)); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(FieldError);
      expect((e as FieldError).code).toBe("zero-inverse");
      expect((e as FieldError).index).toBe(2);
    }
  });
  it("canonical encoding: u32le, rejects words ≥ p and ragged lengths", () => {
    expect(Array.from(encodeField(0x01020304))).toEqual([4, 3, 2, 1]);
    const xs = Uint32Array.from(VALUES);
    expect(decodeFields(encodeFields(xs))).toEqual(xs);
    for (const bad of [P, P + 1, 0xffffffff, 0x80000000]) {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setUint32(4, bad, true);
      try { decodeFields(bytes); expect.unreachable(); } catch (e) {
        expect(e).toBeInstanceOf(FieldError);
        expect((e as FieldError).code).toBe("non-canonical");
        expect((e as FieldError).index).toBe(1);
      }
    }
    expect(() => decodeFields(new Uint8Array(5))).toThrow(FieldError);
    expect(() => decodeExt(new Uint8Array(8))).toThrow(FieldError);
    expect(() => decodeField(new Uint8Array(3))).toThrow(FieldError);
    expect(() => encodeFields(Uint32Array.of(P))).toThrow(FieldError);
    expect(decodeField(encodeFields(Uint32Array.of(5, P - 1)), 4)).toBe(P - 1);
  });
});

describe("extension field reference", () => {
  const X = ext(0, 1, 0, 0);
  const r2 = rng(7);
  const EXTS: Ext[] = [EXT_ZERO, EXT_ONE, X, ext(P - 1, P - 1, P - 1, P - 1), ext(0, 0, 0, 1), ext(1, 2, 3, 4),
    ...Array.from({ length: 20 }, () => ext(r2() % P, r2() % P, r2() % P, r2() % P))];
  it("X^4 = 3, known products and inverses", () => {
    expect(extPow(X, 4)).toEqual(ext(3));
    expect(extMul(X, ext(0, 0, 0, 1))).toEqual(ext(3)); // X·X³
    expect(extInv(X)).toEqual(ext(0, 0, 0, inv(3))); // X⁻¹ = X³/3
    expect(extInv(ext(2))).toEqual(ext(inv(2)));
    expect(extMulBase(ext(1, 2, 3, 4), 2)).toEqual(ext(2, 4, 6, 8));
    // Frobenius: x^(p^4) = x, and the multiplicative group has order p^4 − 1
    const a = ext(5, 6, 7, 8);
    expect(extPow(a, BigInt(P) ** 4n)).toEqual(a);
    // 3 is not a square in F_p, so X^4 − 3 is irreducible: X has order 8·(p − 1)/gcd stuff; X^(4(p−1)) = 1
    expect(extPow(X, 4 * (P - 1))).toEqual(EXT_ONE);
    expect(extPow(X, 2 * (P - 1))).not.toEqual(EXT_ONE);
  });
  it("axioms", () => {
    for (const a of EXTS) {
      expect(extAdd(a, EXT_ZERO)).toEqual(a);
      expect(extMul(a, EXT_ONE)).toEqual(a);
      expect(extAdd(a, extNeg(a))).toEqual(EXT_ZERO);
      expect(extSquare(a)).toEqual(extMul(a, a));
      if (!extEquals(a, EXT_ZERO)) expect(extMul(a, extInv(a))).toEqual(EXT_ONE);
      for (const b of EXTS.slice(0, 10)) {
        expect(extMul(a, b)).toEqual(extMul(b, a));
        expect(extSub(extAdd(a, b), b)).toEqual(a);
        for (const c of EXTS.slice(3, 7)) {
          expect(extMul(a, extAdd(b, c))).toEqual(extAdd(extMul(a, b), extMul(a, c)));
          expect(extMul(extMul(a, b), c)).toEqual(extMul(a, extMul(b, c)));
        }
      }
      expect(extMul(a, extFromBase(7))).toEqual(extMulBase(a, 7));
    }
    expect(() => extInv(EXT_ZERO)).toThrow(FieldError);
  });
  it("extMul agrees with a BigInt schoolbook product mod X^4 − 3 (edge words in every slot), and extMulInto may alias", () => {
    const big = (a: Ext, b: Ext): Ext => {
      const c = new Array<bigint>(7).fill(0n);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) c[i + j]! += BigInt(a[i]!) * BigInt(b[j]!);
      return ext(...([0, 1, 2, 3].map((k) => Number((c[k]! + 3n * (c[k + 4] ?? 0n)) % BigInt(P))) as [number, number, number, number]));
    };
    const r3 = rng(11);
    const pick = () => (r3() % 3 === 0 ? EDGE[r3() % EDGE.length]! : r3() % P);
    const cases: Ext[] = [...EXTS, ...Array.from({ length: 200 }, () => ext(pick(), pick(), pick(), pick()))];
    for (let i = 0; i < cases.length; i++) {
      const a = cases[i]!, b = cases[(i * 7 + 3) % cases.length]!;
      const want = big(a, b);
      expect(extMul(a, b)).toEqual(want);
      const x = a.slice(), y = b.slice();
      extMulInto(x, x, y);
      expect(x).toEqual(want);
      extMulInto(y, a, y);
      expect(y).toEqual(want);
    }
  });
  it("batch inversion", () => {
    const nz = EXTS.filter((a) => !extEquals(a, EXT_ZERO));
    const flat = new Uint32Array(4 * nz.length);
    nz.forEach((a, i) => flat.set(a, 4 * i));
    const invs = extBatchInverse(flat);
    nz.forEach((a, i) => expect(invs.subarray(4 * i, 4 * i + 4)).toEqual(extInv(a)));
    flat.fill(0, 8, 12);
    expect(() => extBatchInverse(flat)).toThrow(FieldError);
  });
});

// The same axioms through each bulk implementation, element-wise over vectors.
function runVec(K: FieldBackend, op: "add" | "sub" | "mul", a: Uint32Array, b: Uint32Array): Uint32Array {
  const x = K.from(a), y = K.from(b), o = K.alloc(a.length);
  K[op](x, y, o, a.length);
  const res = K.read(o);
  [x, y, o].forEach((z) => K.free(z));
  return res;
}
function runExt(K: FieldBackend, op: "extAdd" | "extSub" | "extMul", a: Uint32Array, b: Uint32Array): Uint32Array {
  const x = K.from(a), y = K.from(b), o = K.alloc(a.length);
  K[op](x, y, o, a.length / 4);
  const res = K.read(o);
  [x, y, o].forEach((z) => K.free(z));
  return res;
}

for (const K of allBackends()) {
  describe(`field axioms through the ${K.name} backend`, () => {
    const n = VALUES.length * VALUES.length;
    const A = new Uint32Array(n), B = new Uint32Array(n), C = new Uint32Array(n);
    VALUES.forEach((a, i) => VALUES.forEach((b, j) => { A[i * VALUES.length + j] = a; B[i * VALUES.length + j] = b; C[i * VALUES.length + j] = VALUES[(i + j) % VALUES.length]!; }));
    it("base: products/sums equal the scalar reference; commutative, distributive, inverse", () => {
      const ab = runVec(K, "mul", A, B), ba = runVec(K, "mul", B, A);
      expect(ab).toEqual(ba);
      for (let i = 0; i < n; i++) {
        expect(ab[i]).toBe(mulBig(A[i]!, B[i]!));
      }
      expect(runVec(K, "add", A, B)).toEqual(Uint32Array.from(A, (a, i) => add(a, B[i]!)));
      expect(runVec(K, "sub", A, B)).toEqual(Uint32Array.from(A, (a, i) => sub(a, B[i]!)));
      expect(runVec(K, "mul", A, runVec(K, "add", B, C))).toEqual(runVec(K, "add", ab, runVec(K, "mul", A, C)));
      const nz = Uint32Array.from(VALUES.filter((v) => v !== 0));
      expect(runVec(K, "mul", nz, batchInverse(nz))).toEqual(new Uint32Array(nz.length).fill(1));
    });
    it("extension: products equal the scalar reference; distributive; inverse; X^4 = 3", () => {
      const m = 200, rr = rng(5);
      const a = Uint32Array.from({ length: 4 * m }, (_, i) => (i < 4 * 16 ? EDGE[i % EDGE.length]! : rr() % P));
      const b = Uint32Array.from({ length: 4 * m }, (_, i) => (i < 4 * 16 ? EDGE[(i * 5 + 3) % EDGE.length]! : rr() % P));
      const c = Uint32Array.from({ length: 4 * m }, () => rr() % P);
      const ab = runExt(K, "extMul", a, b);
      for (let i = 0; i < m; i++) expect(ab.subarray(4 * i, 4 * i + 4)).toEqual(extMul(a.subarray(4 * i, 4 * i + 4), b.subarray(4 * i, 4 * i + 4)));
      expect(runExt(K, "extMul", b, a)).toEqual(ab);
      expect(runExt(K, "extMul", a, runExt(K, "extAdd", b, c))).toEqual(runExt(K, "extAdd", ab, runExt(K, "extMul", a, c)));
      const invs = extBatchInverse(c);
      const ones = runExt(K, "extMul", c, invs);
      for (let i = 0; i < m; i++) expect(ones.subarray(4 * i, 4 * i + 4)).toEqual(EXT_ONE);
      const x2 = runExt(K, "extMul", Uint32Array.of(0, 1, 0, 0), Uint32Array.of(0, 1, 0, 0));
      expect(runExt(K, "extMul", x2, x2)).toEqual(Uint32Array.of(3, 0, 0, 0));
    });
  });
}
