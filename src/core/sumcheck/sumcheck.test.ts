// Sumcheck: completeness for degrees 1..5 (fast product paths and the generic engine, on both
// backends, giving identical proofs), and soundness tampering (any round word, the claim, the
// number of rounds, a round's degree) → a rejection naming the round.
import { describe, expect, it } from "vitest";
import { P } from "../field/koalabear.ts";
import { type Ext, extAdd, extMul, extAt, EXT_ONE, extEquals } from "../field/ext.ts";
import { Transcript } from "../transcript/index.ts";
import { evaluateMle } from "../poly/index.ts";
import { allBackends, wasmBackend, tsBackend } from "../kernels/index.ts";
import { proveProduct, proveSumcheck, verifySumcheck, type SumcheckProof, type SumcheckVerdict } from "./index.ts";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s % P; };
}
const randVec = (n: number, seed: number) => { const r = rng(seed); return Uint32Array.from({ length: n }, () => r()); };

type T = { data: Uint32Array; ext: boolean };
const valueAt = (t: T, x: number): Ext => (t.ext ? extAt(t.data, x) : Uint32Array.of(t.data[x]!, 0, 0, 0));

function claimOf(tables: T[], g: (v: Ext[]) => Ext): Ext {
  const size = tables[0]!.ext ? tables[0]!.data.length / 4 : tables[0]!.data.length;
  let s: Ext = new Uint32Array(4);
  for (let x = 0; x < size; x++) s = extAdd(s, g(tables.map((t) => valueAt(t, x))));
  return s;
}
const product = (v: Ext[]): Ext => v.reduce((a, b) => extMul(a, b), EXT_ONE.slice());
const oracleOf = (tables: T[], g: (v: Ext[]) => Ext) => (point: Uint32Array) => g(tables.map((t) => evaluateMle(t.data, t.ext, point)));

function tables(kinds: boolean[], n: number, seed: number): T[] {
  return kinds.map((ext, j) => ({ data: randVec((ext ? 4 : 1) << n, seed + 17 * j), ext }));
}

function verify(claim: Ext, proof: SumcheckProof, n: number, d: number, oracle?: (p: Uint32Array) => Ext): SumcheckVerdict {
  return verifySumcheck(new Transcript(), claim, proof, n, d, oracle);
}

describe("sumcheck completeness", () => {
  const gens: { name: string; d: number; kinds: boolean[]; g: (v: Ext[]) => Ext }[] = [
    { name: "degree 1: Σ f", d: 1, kinds: [false], g: (v) => v[0]!.slice() },
    { name: "degree 2: f·g + f", d: 2, kinds: [true, false], g: (v) => extAdd(extMul(v[0]!, v[1]!), v[0]!) },
    { name: "degree 3: f·g·h + g", d: 3, kinds: [false, true, false], g: (v) => extAdd(product(v), v[1]!) },
    { name: "degree 4: f²·g·h", d: 4, kinds: [true, false, false], g: (v) => extMul(extMul(v[0]!, v[0]!), extMul(v[1]!, v[2]!)) },
  ];
  for (const { name, d, kinds, g } of gens) {
    it(`generic engine, ${name}`, () => {
      for (const n of [0, 1, 4, 7]) {
        const ts = tables(kinds, n, 1000 * d + n);
        const claim = claimOf(ts, g);
        const res = proveSumcheck(new Transcript(), ts, g, d);
        expect(res.proof.rounds.length).toBe(n);
        const v = verify(claim, res.proof, n, d, oracleOf(ts, g));
        expect(v).toMatchObject({ ok: true });
        if (v.ok) {
          expect(v.point).toEqual(res.point);
          expect(v.claim).toEqual(res.claim);
        }
        res.evals.forEach((e, j) => expect(e).toEqual(evaluateMle(ts[j]!.data, ts[j]!.ext, res.point)));
      }
    });
  }
  const mixes = [[false, false], [true, false], [true, true], [false, false, false], [true, false, false], [false, true, true], [true, true, true], [true, false, false, false], [false, true, false, true, false]];
  for (const kinds of mixes) {
    it(`product of ${kinds.length} (${kinds.map((e) => (e ? "E" : "B")).join("")}): fast path = generic engine, TS = wasm, verifies`, () => {
      for (const n of [1, 2, 5, 9]) {
        const ts = tables(kinds, n, 77 + n);
        const claim = claimOf(ts, product);
        const fast = proveProduct(new Transcript(), ts);
        const fastTs = proveProduct(new Transcript(), ts, { backend: tsBackend() });
        const generic = proveSumcheck(new Transcript(), ts, product, kinds.length, { backend: tsBackend() });
        expect(fast.proof).toEqual(generic.proof);
        expect(fastTs.proof).toEqual(generic.proof);
        expect(fast.evals).toEqual(generic.evals);
        const v = verify(claim, fast.proof, n, kinds.length, oracleOf(ts, product));
        expect(v).toMatchObject({ ok: true });
      }
    });
  }
  it("resident tables (kernel buffers) are read, not modified", () => {
    const K = wasmBackend();
    const ts = tables([true, false], 6, 5);
    const bufs = ts.map((t) => ({ buf: K.from(t.data), ext: t.ext }));
    const res = proveProduct(new Transcript(), bufs);
    const ref = proveProduct(new Transcript(), ts);
    expect(res.proof).toEqual(ref.proof);
    bufs.forEach((b, j) => { expect(K.read(b.buf)).toEqual(ts[j]!.data); K.free(b.buf); });
  });
  it("prover and verifier transcripts end in the same state", () => {
    const ts = tables([false, false], 5, 9);
    const tp = new Transcript(), tv = new Transcript();
    const res = proveProduct(tp, ts);
    expect(verifySumcheck(tv, claimOf(ts, product), res.proof, 5, 2).ok).toBe(true);
    expect(tv.squeezeExt("next")).toEqual(tp.squeezeExt("next"));
  });
});

describe("sumcheck soundness (tampering is rejected, naming the round)", () => {
  const n = 6;
  for (const d of [2, 3]) {
    const kinds = d === 2 ? [false, true] : [true, false, false];
    const ts = tables(kinds, n, 4242 + d);
    const claim = claimOf(ts, product);
    const oracle = oracleOf(ts, product);
    const honest = proveProduct(new Transcript(), ts).proof;
    const copy = (): SumcheckProof => ({ rounds: honest.rounds.map((r) => r.slice()) });

    it(`degree ${d}: honest proof accepted`, () => {
      expect(verify(claim, honest, n, d, oracle).ok).toBe(true);
    });
    it(`degree ${d}: any changed word of any round polynomial → rejected at the final check`, () => {
      for (let round = 0; round < n; round++) {
        for (let w = 0; w < 4 * d; w++) {
          const p = copy();
          p.rounds[round]![w] = (p.rounds[round]![w]! + 1) % P;
          const v = verify(claim, p, n, d, oracle);
          expect(v.ok).toBe(false);
          if (!v.ok) expect(v.round).toBe(n);
        }
      }
    });
    it(`degree ${d}: changed claim → rejected; without an oracle the final claim differs`, () => {
      const bad = claim.slice();
      bad[2] = (bad[2]! + 1) % P;
      const v = verify(bad, honest, n, d, oracle);
      expect(v).toMatchObject({ ok: false, round: n });
      const good = verify(claim, honest, n, d), noOracle = verify(bad, honest, n, d);
      expect(good.ok && noOracle.ok && !extEquals(good.claim, noOracle.claim)).toBe(true);
    });
    it(`degree ${d}: wrong number of rounds, wrong degree, non-canonical words, junk → rejection naming the round`, () => {
      const short = copy(); short.rounds.pop();
      expect(verify(claim, short, n, d, oracle)).toMatchObject({ ok: false, round: n - 1 });
      const long = copy(); long.rounds.push(new Uint32Array(4 * d));
      expect(verify(claim, long, n, d, oracle)).toMatchObject({ ok: false, round: n });
      const deg = copy(); deg.rounds[2] = deg.rounds[2]!.slice(0, 4 * (d - 1));
      expect(verify(claim, deg, n, d, oracle)).toMatchObject({ ok: false, round: 2 });
      const nc = copy(); nc.rounds[3]![1] = P;
      expect(verify(claim, nc, n, d, oracle)).toMatchObject({ ok: false, round: 3 });
      const junk = copy(); (junk.rounds as unknown[])[1] = [1, 2, 3];
      expect(verify(claim, junk, n, d, oracle)).toMatchObject({ ok: false, round: 1 });
      expect(verify(claim, { rounds: null } as unknown as SumcheckProof, n, d)).toMatchObject({ ok: false, round: 0 });
      expect(verify(claim, honest, n, d + 1, oracle).ok).toBe(false);
      expect(verify(claim, honest, 1e9, d).ok).toBe(false);
      const throwing = verify(claim, honest, n, d, () => { throw new Error("boom"); });
      expect(throwing.ok).toBe(false);
    });
  }
  it("every backend gives the same proof", () => {
    const ts = tables([true, false, false], 7, 31337);
    const proofs = allBackends().map((K) => proveProduct(new Transcript(), ts, { backend: K }).proof);
    expect(proofs[1]).toEqual(proofs[0]);
  });
});

describe("sums of products", () => {
  it("Σ_l c_l·Π f_j with shared tables and mixed degrees = the generic engine, and verifies", async () => {
    const { proveSumOfProducts } = await import("./index.ts");
    for (const n of [1, 3, 6]) {
      const ts = tables([true, false, true, false, true], n, 300 + n);
      const c = [Uint32Array.of(3, 1, 4, 1), Uint32Array.of(5, 9, 2, 6), Uint32Array.of(5, 3, 5, 8), Uint32Array.of(9, 7, 9, 3)];
      const terms = [{ coeff: c[0]!, tables: [0, 1] }, { coeff: c[1]!, tables: [0, 2, 3] }, { coeff: c[2]!, tables: [4] }, { coeff: c[3]!, tables: [1, 3, 4] }];
      const g = (v: Ext[]): Ext => terms.reduce<Ext>((acc, t) => extAdd(acc, extMul(t.coeff, t.tables.reduce<Ext>((a, j) => extMul(a, v[j]!), EXT_ONE.slice()))), new Uint32Array(4));
      const fast = proveSumOfProducts(new Transcript(), ts, terms);
      const generic = proveSumcheck(new Transcript(), ts, g, 3, { backend: tsBackend() });
      expect(fast.proof).toEqual(generic.proof);
      expect(fast.evals).toEqual(generic.evals);
      expect(verify(claimOf(ts, g), fast.proof, n, 3, oracleOf(ts, g))).toMatchObject({ ok: true });
    }
  });

  it("refuses terms that name no table or a missing one", async () => {
    const { proveSumOfProducts } = await import("./index.ts");
    const ts = tables([true, false], 2, 1);
    expect(() => proveSumOfProducts(new Transcript(), ts, [{ coeff: EXT_ONE, tables: [0, 2] }])).toThrow(/missing/);
    expect(() => proveSumOfProducts(new Transcript(), ts, [])).toThrow(/no terms/);
  });
});
