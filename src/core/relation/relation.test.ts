import { describe, expect, it } from "vitest";
import { P, type Ext, EXT_ZERO, extAdd, extMul, extEquals } from "../field/index.ts";
import { relationMle, relationTable, satisfies, eqTableRef, type Relation } from "./index.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}
const randExt = (r: () => number): Ext => Uint32Array.of(r() % P, r() % P, r() % P, r() % P);
const randPoint = (r: () => number, n: number) => Array.from({ length: n }, () => randExt(r));

/** Brute force: Σ over all assignments of Π eq · [relation]. */
function bruteMle(rel: Relation, points: Ext[][]): Ext {
  const eqs = points.map((p) => eqTableRef(p));
  let acc: Ext = EXT_ZERO.slice();
  const values = new Array<number>(rel.vars.length).fill(0);
  const rec = (j: number, w: Ext | null) => {
    if (j === rel.vars.length) {
      if (satisfies(rel, values)) acc = extAdd(acc, w!);
      return;
    }
    for (let v = 0; v < 2 ** rel.vars[j]!.bits; v++) {
      values[j] = v;
      const e = eqs[j]!.subarray(4 * v, 4 * v + 4);
      rec(j + 1, w ? extMul(w, e) : e);
    }
  };
  rec(0, null);
  return acc;
}

/** One spatial dimension of a convolution: i = o·stride + k·dilation − pad. */
function convDim(o: [number, number], k: [number, number], i: [number, number], stride: number, dil: number, pad: number): Relation {
  return {
    vars: [{ bits: o[0], bound: o[1] }, { bits: k[0], bound: k[1] }, { bits: i[0], bound: i[1] }],
    constraints: [{ coeffs: [stride, dil, -1], constant: -pad, kind: "eq" }],
  };
}

describe("index relation automaton", () => {
  const cases: [string, Relation][] = [
    ["3x3 conv, stride 1, pad 1, 8 wide", convDim([3, 8], [2, 3], [3, 8], 1, 1, 1)],
    ["3x3 conv, stride 2, pad 1, 7 wide (non power of two)", convDim([2, 4], [2, 3], [3, 7], 2, 1, 1)],
    ["dilated 3-tap, dilation 2, pad 2", convDim([3, 6], [2, 3], [3, 6], 1, 2, 2)],
    ["2x2 pool, stride 2", convDim([2, 4], [1, 2], [3, 8], 2, 1, 0)],
    ["5-tap, stride 3, pad 2", convDim([3, 5], [3, 5], [4, 13], 3, 1, 2)],
    ["causal mask i >= j", { vars: [{ bits: 4, bound: 11 }, { bits: 4, bound: 11 }], constraints: [{ coeffs: [1, -1], constant: 0, kind: "ge" }] }],
    ["live selector i < 13", { vars: [{ bits: 4, bound: 13 }], constraints: [] }],
    ["channel equality with offset (groups)", { vars: [{ bits: 3, bound: 6 }, { bits: 2, bound: 3 }, { bits: 4 }], constraints: [{ coeffs: [3, 1, -1], constant: 0, kind: "eq" }] }],
    ["two constraints sharing a variable", { vars: [{ bits: 3 }, { bits: 3 }, { bits: 4 }], constraints: [{ coeffs: [1, 1, -1], constant: 0, kind: "eq" }, { coeffs: [1, -2, 0], constant: 1, kind: "ge" }] }],
  ];
  for (const [name, rel] of cases) {
    it(`matches brute force: ${name}`, () => {
      const r = rng(name.length * 7919);
      for (let trial = 0; trial < 4; trial++) {
        const points = rel.vars.map((v) => randPoint(r, v.bits));
        expect(extEquals(relationMle(rel, points), bruteMle(rel, points))).toBe(true);
      }
      // On Boolean points the MLE is the 0/1 indicator itself.
      const values = rel.vars.map((v) => r() % 2 ** v.bits);
      const boolPoints = rel.vars.map((v, j) => Array.from({ length: v.bits }, (_, t) => Uint32Array.of((values[j]! >> t) & 1, 0, 0, 0)));
      expect(relationMle(rel, boolPoints)[0]).toBe(satisfies(rel, values) ? 1 : 0);
    });
  }

  it("the prover's table over the free variable sums to the MLE at the free point", () => {
    const rel = convDim([3, 6], [2, 3], [3, 7], 1, 1, 1);
    const r = rng(42);
    const po = randPoint(r, 3), pk = randPoint(r, 2), pi = randPoint(r, 3);
    const table = relationTable(rel, [po, pk, null], 2);
    const eqI = eqTableRef(pi);
    let acc: Ext = EXT_ZERO.slice();
    for (let x = 0; x < 8; x++) acc = extAdd(acc, extMul(table.subarray(4 * x, 4 * x + 4), eqI.subarray(4 * x, 4 * x + 4)));
    expect(extEquals(acc, relationMle(rel, [po, pk, pi]))).toBe(true);
  });

  it("sums out variables given no point (weight 1 each): conv channel groups with a group index", () => {
    // o = 3·g + a (a < 3), c = 2·g + b (b < 2): output channel o of 3 per group reads input channel c.
    const rel: Relation = {
      vars: [{ bits: 3, bound: 6 }, { bits: 1, bound: 2 }, { bits: 2, bound: 4 }, { bits: 1, bound: 2 }, { bits: 2, bound: 3 }],
      constraints: [{ coeffs: [1, 0, 0, -3, -1], constant: 0, kind: "eq" }, { coeffs: [0, -1, 1, -2, 0], constant: 0, kind: "eq" }],
    };
    const r = rng(99);
    const po = randPoint(r, 3), pb = randPoint(r, 1), pc = randPoint(r, 2);
    const eqs = [eqTableRef(po), eqTableRef(pb), eqTableRef(pc)];
    let want: Ext = EXT_ZERO.slice();
    for (let o = 0; o < 8; o++) for (let b = 0; b < 2; b++) for (let c = 0; c < 4; c++) for (let g = 0; g < 2; g++) for (let a = 0; a < 4; a++) {
      if (!satisfies(rel, [o, b, c, g, a])) continue;
      want = extAdd(want, extMul(extMul(eqs[0]!.subarray(4 * o, 4 * o + 4), eqs[1]!.subarray(4 * b, 4 * b + 4)), eqs[2]!.subarray(4 * c, 4 * c + 4)));
    }
    expect(extEquals(relationMle(rel, [po, pb, pc, null, null]), want)).toBe(true);
  });

  it("rejects malformed relations with a clear error", () => {
    expect(() => relationMle({ vars: [{ bits: 2, bound: 9 }], constraints: [] }, [[]])).toThrow(/bound 9 does not fit/);
    expect(() => relationMle({ vars: [{ bits: 2 }], constraints: [] }, [[]])).toThrow(/point for variable 0/);
  });
});
