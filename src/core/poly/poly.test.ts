import { describe, expect, it } from "vitest";
import { P, add, mul } from "../field/koalabear.ts";
import { type Ext, extAt, extAdd, extMul, extMulBase, extFromBase, EXT_ONE, extSub } from "../field/ext.ts";
import { allBackends } from "../kernels/index.ts";
import { eqTable, eqEval, eqAtIndex, evaluateMle, liveSelector, interpolateAt, extendEvals } from "./index.ts";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % P; };
}
const randVec = (n: number, seed: number) => { const r = rng(seed); return Uint32Array.from({ length: n }, () => r()); };
const bitsOf = (x: number, n: number) => { const v = new Uint32Array(4 * n); for (let i = 0; i < n; i++) v[4 * i] = (x >>> i) & 1; return v; };

describe("poly", () => {
  for (const K of allBackends()) {
    it(`${K.name}: eq table entries equal eqEval at hypercube points`, () => {
      const n = 5, r = randVec(4 * n, 1);
      const t = eqTable(r, K);
      for (let x = 0; x < 1 << n; x++) {
        expect(extAt(t, x)).toEqual(eqEval(r, bitsOf(x, n)));
        expect(extAt(t, x)).toEqual(eqAtIndex(r, x));
      }
    });
    it(`${K.name}: MLE by folding = Σ_x eq(r, x)·f(x); agrees with the table on hypercube points`, () => {
      for (const n of [0, 1, 3, 6]) {
        const f = randVec(1 << n, 10 + n), fe = randVec(4 << n, 20 + n), r = randVec(4 * n, 30 + n);
        const eq = eqTable(r, K);
        let want: Ext = new Uint32Array(4), wantE: Ext = new Uint32Array(4);
        for (let x = 0; x < 1 << n; x++) {
          want = extAdd(want, extMulBase(extAt(eq, x), f[x]!));
          wantE = extAdd(wantE, extMul(extAt(eq, x), extAt(fe, x)));
        }
        expect(evaluateMle(f, false, r, K)).toEqual(want);
        expect(evaluateMle(fe, true, r, K)).toEqual(wantE);
        if (n > 0) expect(evaluateMle(f, false, bitsOf(5 % (1 << n), n), K)).toEqual(extFromBase(f[5 % (1 << n)]!));
      }
    });
  }
  it("live selector [i < n] matches Σ_{x<n} eq(r, x) for every n, and is 0/1 on the cube", () => {
    for (const bits of [0, 1, 3, 5]) {
      const r = randVec(4 * bits, 40 + bits);
      const eq = eqTable(r);
      let prefix: Ext = new Uint32Array(4);
      for (let n = 0; n <= (1 << bits) + 1; n++) {
        expect(liveSelector(n, r)).toEqual(n >= 1 << bits ? EXT_ONE : prefix);
        if (n < 1 << bits) prefix = extAdd(prefix, extAt(eq, n));
      }
      for (let x = 0; x < 1 << bits; x++) {
        for (const n of [0, 3, x, x + 1]) expect(liveSelector(n, bitsOf(x, bits))).toEqual(extFromBase(x < n ? 1 : 0));
      }
    }
    // large bounds stay O(bits)
    const r = randVec(4 * 40, 7);
    expect(liveSelector(2 ** 40 - 1, r)).toEqual(extSub(EXT_ONE, (() => { let a: Ext = EXT_ONE.slice(); for (let i = 0; i < 40; i++) a = extMul(a, extAt(r, i)); return a; })()));
  });
  it("interpolation from values at 0..d", () => {
    // s(x) = 3x^3 + 2x + 7 over base, checked at nodes, at integers beyond, and at an extension point
    const s = (x: number) => add(add(mul(3, mul(x, mul(x, x))), mul(2, x)), 7);
    const evals = [0, 1, 2, 3].map((x) => extFromBase(s(x)));
    for (let x = 0; x < 8; x++) expect(interpolateAt(evals, extFromBase(x))).toEqual(extFromBase(s(x)));
    expect(extendEvals(evals, 5)[5]).toEqual(extFromBase(s(5)));
    const r: Ext = Uint32Array.of(11, 22, 33, 44);
    const want = extAdd(extAdd(extMulBase(extMul(r, extMul(r, r)), 3), extMulBase(r, 2)), extFromBase(7));
    expect(interpolateAt(evals, r)).toEqual(want);
    // higher degree than needed is fine; degree 0 is the constant
    expect(interpolateAt([...evals, extFromBase(s(4))], r)).toEqual(want);
    expect(interpolateAt([extFromBase(9)], r)).toEqual(extFromBase(9));
  });
  it("interpolation of random extension polynomials of degree 1..8, at random extension points and at the nodes", () => {
    const rand = rng(5);
    const rext = (): Ext => Uint32Array.of(rand(), rand(), rand(), rand());
    const horner = (coeffs: Ext[], x: Ext): Ext => coeffs.reduceRight<Ext>((acc, c) => extAdd(extMul(acc, x), c), Uint32Array.of(0, 0, 0, 0));
    for (let d = 1; d <= 8; d++) {
      const coeffs = Array.from({ length: d + 1 }, rext);
      const evals = Array.from({ length: d + 1 }, (_, k) => horner(coeffs, extFromBase(k)));
      const before = evals.map((e) => e.slice());
      for (let t = 0; t < 5; t++) {
        const x = rext();
        expect(interpolateAt(evals, x)).toEqual(horner(coeffs, x));
      }
      for (let k = 0; k <= d; k++) expect(interpolateAt(evals, extFromBase(k))).toEqual(evals[k]);
      expect(evals).toEqual(before); // inputs untouched
    }
  });
});
