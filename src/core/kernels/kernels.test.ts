// Conformance of the bulk kernels: every op of FieldBackend on the wasm kernels agrees bit for bit
// with the TypeScript reference, and both agree with independent definitions (naive DFT,
// product formula for eq, round sums by definition) on small sizes.
import { describe, expect, it } from "vitest";
import { P, add, mul, pow, rootOfUnity } from "../field/koalabear.ts";
import { extAt, extMul, extAdd, extMulBase, EXT_ONE, extSub, type Ext } from "../field/ext.ts";
import { tsBackend, wasmBackend, allBackends, ntt, intt, rsEncode, rsEncodeBatch, rsEncodeExt, eqTable, fold, type FieldBackend, type Buf } from "./index.ts";

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}
const EDGE = [0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, 1 << 24, 65535, 65536, P - (1 << 24)];

function randVec(n: number, seed: number, edges = true): Uint32Array {
  const r = rng(seed);
  const v = new Uint32Array(n);
  for (let i = 0; i < n; i++) v[i] = edges && i < EDGE.length * 2 ? EDGE[(i * 7 + seed) % EDGE.length]! : r() % P;
  return v;
}

const T = tsBackend();
const W = wasmBackend();

/** Runs op on both backends with the given inputs (copied in) and returns both outputs. */
function both(inputs: Uint32Array[], outWords: number, op: (K: FieldBackend, bufs: Buf[], out: Buf) => void): [Uint32Array, Uint32Array] {
  return [T, W].map((K) => {
    const bufs = inputs.map((x) => K.from(x));
    const out = K.alloc(outWords);
    op(K, bufs, out);
    const res = K.read(out);
    bufs.forEach((b) => K.free(b));
    K.free(out);
    return res;
  }) as [Uint32Array, Uint32Array];
}

function naiveDft(a: Uint32Array, w: number): Uint32Array {
  const n = a.length, out = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    const wj = pow(w, j);
    let x = 1;
    for (let i = 0; i < n; i++) { s = add(s, mul(a[i]!, x)); x = mul(x, wj); }
    out[j] = s;
  }
  return out;
}

describe("kernels: vectors (wasm = TS reference)", () => {
  for (const n of [0, 1, 3, 4, 7, 64, 1001]) {
    it(`base add/sub/mul/scale/dot, n=${n}`, () => {
      const a = randVec(n, 1 + n), b = randVec(n, 2 + n, false);
      for (const op of ["add", "sub", "mul"] as const) {
        const [x, y] = both([a, b], n, (K, [p, q], o) => K[op](p!, q!, o, n));
        expect(y).toEqual(x);
      }
      const [x, y] = both([a], n, (K, [p], o) => K.scale(p!, 123456789, o, n));
      expect(y).toEqual(x);
      const [A, B] = [T, W].map((K) => { const p = K.from(a), q = K.from(b); const r = K.dot(p, q, n); K.free(p); K.free(q); return r; });
      expect(B).toBe(A);
      const [prod] = both([a, b], n, (K, [p, q], o) => K.mul(p!, q!, o, n));
      for (let i = 0; i < n; i++) expect(prod[i]).toBe(Number((BigInt(a[i]!) * BigInt(b[i]!)) % BigInt(P)));
    });
    it(`extension mul/mulBase/scale/dot/sum, n=${n}`, () => {
      const a = randVec(4 * n, 3 + n), b = randVec(4 * n, 4 + n, false), c = randVec(n, 5 + n);
      const k: Ext = Uint32Array.of(5, P - 1, 77, 1 << 24);
      const cases: [Uint32Array[], number, (K: FieldBackend, b: Buf[], o: Buf) => void][] = [
        [[a, b], 4 * n, (K, [p, q], o) => K.extAdd(p!, q!, o, n)],
        [[a, b], 4 * n, (K, [p, q], o) => K.extSub(p!, q!, o, n)],
        [[a, b], 4 * n, (K, [p, q], o) => K.extMul(p!, q!, o, n)],
        [[a, c], 4 * n, (K, [p, q], o) => K.extMulBase(p!, q!, o, n)],
        [[a], 4 * n, (K, [p], o) => K.extScale(p!, k, o, n)],
        [[c], 4 * n, (K, [p], o) => K.baseScaleExt(p!, k, o, n)],
        [[c], 4 * n, (K, [p], o) => K.lookupDenominators([p!], k, [a.subarray(0, 4)], n, o)],
        [[c, b.subarray(0, n)], 4 * n, (K, [p, q], o) => K.lookupDenominators([p!, q!], k, [a.subarray(0, 4), a.subarray(4, 8)], n, o)],
        [[c, new Uint32Array(n).fill(P - 1), b.subarray(0, n)], 4 * n, (K, [p, q, r], o) => K.lookupDenominators([p!, q!, r!], k, [k, a.subarray(4, 8), new Uint32Array(4).fill(P - 1)], n, o)],
      ];
      for (const [ins, words, op] of cases) {
        const [x, y] = both(ins, words, op);
        expect(y).toEqual(x);
      }
      for (const f of [
        (K: FieldBackend, p: Buf, q: Buf, r: Buf) => K.extDot(p, q, n),
        (K: FieldBackend, p: Buf, _q: Buf, r: Buf) => K.extDotBase(p, r, n),
        (K: FieldBackend, p: Buf) => K.extSum(p, n),
      ]) {
        const [X, Y] = [T, W].map((K) => { const p = K.from(a), q = K.from(b), r = K.from(c); const s = f(K, p, q, r); [p, q, r].forEach((z) => K.free(z)); return s; });
        expect(Y).toEqual(X);
      }
    });
  }
  it("extension multiply by definition (X^4 = 3)", () => {
    const X = Uint32Array.of(0, 1, 0, 0);
    const a = K4(X, X), b = K4(a, a);
    expect(Array.from(b)).toEqual([3, 0, 0, 0]);
    function K4(x: Ext, y: Ext): Ext { const [, r] = both([x, y], 4, (K, [p, q], o) => K.extMul(p!, q!, o, 1)); return r; }
  });
  it("combineRows / combineRowsExt / transpose", () => {
    const rows = 5, cols = 12;
    const M = randVec(rows * cols, 9), Me = randVec(4 * rows * cols, 10), w = randVec(4 * rows, 11);
    for (const [ins, words, op] of [
      [[M, w], 4 * cols, (K: FieldBackend, [m, ww]: Buf[], o: Buf) => K.combineRows(m!, rows, cols, ww!, o)],
      [[Me, w], 4 * cols, (K: FieldBackend, [m, ww]: Buf[], o: Buf) => K.combineRowsExt(m!, rows, cols, ww!, o)],
      [[M], rows * cols, (K: FieldBackend, [m]: Buf[], o: Buf) => K.transpose(m!, rows, cols, o)],
    ] as const) {
      const [x, y] = both([...ins], words, op);
      expect(y).toEqual(x);
    }
    const big = randVec(37 * 53, 12);
    const [x, y] = both([big], 37 * 53, (K, [m], o) => K.transpose(m!, 37, 53, o));
    expect(y).toEqual(x);
    expect(x[5 * 37 + 3]).toBe(big[3 * 53 + 5]);
  });
});

describe("kernels: NTT and Reed–Solomon encoding", () => {
  it("root of unity orders and compatibility", () => {
    expect(pow(3, (P - 1) / 2)).toBe(P - 1); // 3 is a non-residue: it generates
    for (let k = 0; k <= 24; k++) {
      const w = rootOfUnity(k);
      expect(pow(w, 2 ** k)).toBe(1);
      if (k > 0) expect(pow(w, 2 ** (k - 1))).toBe(P - 1);
      if (k < 24) expect(mul(rootOfUnity(k + 1), rootOfUnity(k + 1))).toBe(w);
    }
  });
  for (const K of allBackends()) {
    it(`${K.name}: NTT matches the naive DFT for sizes 1..64, and round-trips`, () => {
      for (let logN = 0; logN <= 6; logN++) {
        const a = randVec(1 << logN, 20 + logN);
        const f = ntt(a, K);
        expect(f).toEqual(naiveDft(a, rootOfUnity(logN)));
        expect(intt(f, K)).toEqual(a);
        // extension NTT is coordinate-wise
        const e = randVec(4 << logN, 40 + logN);
        const b = K.from(e);
        K.extNtt(b, logN);
        const fe = K.read(b);
        for (let c = 0; c < 4; c++) {
          const coord = Uint32Array.from({ length: 1 << logN }, (_, i) => e[4 * i + c]!);
          const want = naiveDft(coord, rootOfUnity(logN));
          expect(Uint32Array.from({ length: 1 << logN }, (_, i) => fe[4 * i + c]!)).toEqual(want);
        }
        K.extIntt(b, logN);
        expect(K.read(b)).toEqual(e);
        K.free(b);
      }
    });
  }
  it("wasm NTT = TS NTT bit for bit on larger sizes (beyond the cache-block size)", () => {
    for (const logN of [10, 13, 14, 17]) {
      const a = randVec(1 << logN, 60 + logN);
      expect(ntt(a, W)).toEqual(ntt(a, T));
      expect(intt(a, W)).toEqual(intt(a, T));
    }
    for (const logN of [11, 15]) {
      const e = randVec(4 << logN, 77);
      const [x, y] = [T, W].map((K) => { const b = K.from(e); K.extNtt(b, logN); const r = K.read(b); K.free(b); return r; });
      expect(y).toEqual(x);
    }
  });
  it("rsEncode = zero-pad ×2^logRate then NTT (base, batch, extension; rates 1/2, 1/4, 1/8)", () => {
    for (const logRate of [0, 1, 2, 3]) {
      for (const logM of [0, 1, 2, 5, 10]) {
        const rows = 3, m = 1 << logM;
        const mat = randVec(rows * m, 80 + logM + logRate);
        const encW = rsEncodeBatch(mat, rows, logRate, W);
        const encT = rsEncodeBatch(mat, rows, logRate, T);
        expect(encW).toEqual(encT);
        for (let r = 0; r < rows; r++) {
          const padded = new Uint32Array(m << logRate);
          padded.set(mat.subarray(r * m, (r + 1) * m));
          expect(encW.subarray(r * (m << logRate), (r + 1) * (m << logRate))).toEqual(ntt(padded, W));
        }
        const row = mat.subarray(0, m);
        expect(rsEncode(row, logRate, W)).toEqual(encW.subarray(0, m << logRate));
        const er = randVec(4 * m, 90 + logM);
        const ee = rsEncodeExt(er, logRate, W);
        expect(ee).toEqual(rsEncodeExt(er, logRate, T));
        for (let c = 0; c < 4; c++) {
          const coord = Uint32Array.from({ length: m }, (_, i) => er[4 * i + c]!);
          const enc = rsEncode(coord, logRate, W);
          expect(Uint32Array.from({ length: m << logRate }, (_, i) => ee[4 * i + c]!)).toEqual(enc);
        }
      }
    }
  });
  it("default rate is 1/4 and the codeword of a constant row is constant", () => {
    const row = new Uint32Array(8).fill(0);
    row[0] = 42;
    expect(rsEncode(row)).toEqual(new Uint32Array(32).fill(42));
  });
});

describe("kernels: eq tables, folding, sumcheck rounds", () => {
  it("eq table: wasm = TS = product formula; sums to 1", () => {
    for (const n of [0, 1, 2, 5, 9]) {
      const r = randVec(4 * n, 100 + n);
      const w = eqTable(r, W), t = eqTable(r, T);
      expect(w).toEqual(t);
      let s: Ext = new Uint32Array(4);
      for (let i = 0; i < 1 << n; i++) s = extAdd(s, extAt(w, i));
      expect(Array.from(s)).toEqual([1, 0, 0, 0]);
      if (n >= 2) {
        // eq(r, x) at x = 0b10: (1 − r0)·r1·Π_{i≥2}(1 − r_i)
        let want: Ext = extMul(extSub(EXT_ONE, extAt(r, 0)), extAt(r, 1));
        for (let i = 2; i < n; i++) want = extMul(want, extSub(EXT_ONE, extAt(r, i)));
        expect(extAt(w, 2)).toEqual(want);
      }
    }
  });
  it("fold base→ext and ext→ext (also in place)", () => {
    for (const m of [1, 2, 3, 8, 33]) {
      const r: Ext = randVec(4, 200 + m, false);
      const b = randVec(2 * m, 210 + m), e = randVec(8 * m, 220 + m);
      expect(fold(b, false, r, W)).toEqual(fold(b, false, r, T));
      expect(fold(e, true, r, W)).toEqual(fold(e, true, r, T));
      // by definition, element 0
      const want = extAdd(Uint32Array.of(b[0]!, 0, 0, 0), extMulBase(r, (b[1]! - b[0]! + P) % P));
      expect(fold(b, false, r, W).subarray(0, 4)).toEqual(want);
      // in place
      const buf = W.from(e);
      W.foldExt(buf, m, r, buf);
      expect(W.read(buf).subarray(0, 4 * m)).toEqual(fold(e, true, r, T));
      W.free(buf);
    }
  });
  /** roundProduct on TS and wasm for every pair count and table-kind mix (true: extension). */
  const roundProductsAgree = (ms: number[], kinds: boolean[][], seed: number) => {
    for (const m of ms) {
      for (const ks of kinds) {
        const data = ks.map((ext, j) => randVec((ext ? 8 : 2) * m, seed + m * 10 + j));
        const [x, y] = [T, W].map((K) => {
          const tables = data.map((d, j) => ({ buf: K.from(d), ext: ks[j]! }));
          const res = K.roundProduct(tables, m);
          tables.forEach((t) => K.free(t.buf));
          return res;
        });
        expect(y).toEqual(x);
      }
    }
  };
  it("round products: every kind mix of 2 and 3 tables, wasm = TS", () => {
    roundProductsAgree([1, 2, 4, 5, 17, 64], [[false, false], [true, false], [false, true], [true, true],
      [false, false, false], [true, false, false], [false, true, false], [true, true, false], [false, true, true], [true, true, true]], 300);
  });
  it("round products of 4 to 8 tables (the general kernel): mixes of base and extension, wasm = TS", () => {
    roundProductsAgree([1, 3, 16, 33], [[true, false, false, false], [false, false, false, false], [true, true, false, true, false],
      [false, true, false, false, true, true], [true, false, true, false, true, false, true, false]], 700);
  });
  it("fused fold + next round: every kind mix, odd and even pair counts, in place; wasm = TS", () => {
    const r: Ext = randVec(4, 4242, false);
    for (const m of [1, 2, 3, 8, 9]) {
      const kinds = [[false, false], [true, false], [true, true], [false, false, false], [true, false, true], [true, true, true]];
      for (const ks of kinds) {
        const data = ks.map((ext, j) => randVec((ext ? 8 : 2) * m, 500 + m * 10 + j));
        const [x, y] = [T, W].map((K) => {
          const tables = data.map((d, j) => ({ buf: K.from(d), ext: ks[j]! }));
          const outs = tables.map((t) => (t.ext ? t.buf : K.alloc(4 * m)));
          const next = K.foldRoundProduct(tables, m, r, outs);
          const folded = outs.map((o) => K.read(K.slice(o, 0, 4 * m)));
          tables.forEach((t) => K.free(t.buf));
          outs.forEach((o, j) => { if (o !== tables[j]!.buf) K.free(o); });
          return { next, folded };
        }) as [{ next: Uint32Array; folded: Uint32Array[] }, { next: Uint32Array; folded: Uint32Array[] }];
        expect(y.next).toEqual(x.next);
        expect(y.folded).toEqual(x.folded);
        expect(x.next.length).toBe(m >= 2 ? 4 * ks.length : 0);
        // the folds agree with the plain fold kernel
        data.forEach((d, j) => expect(x.folded[j]).toEqual(fold(d, ks[j]!, r, T)));
      }
    }
  });
  it("arena: buffers are reused after free and views survive growth", () => {
    const before = W.arenaBytes();
    const a = W.alloc(1000);
    W.free(a);
    const b = W.alloc(900);
    expect(W.arenaBytes()).toBeLessThanOrEqual(before + 4096);
    const big = W.alloc(1 << 22); // forces growth
    W.view(b).fill(7);
    expect(W.read(b)[899]).toBe(7);
    W.free(big); W.free(b);
    expect(() => W.read(b)).toThrow(/freed/);
  });
});

describe("kernels: the shared conformance run (also run in Chromium by e2e/field-kernels.spec.ts)", () => {
  it("every op of the wasm backend agrees with the TS reference, and the independent checks hold", async () => {
    const { runFieldConformance } = await import("./conformance.ts");
    const cases = runFieldConformance(W);
    expect(cases.length).toBeGreaterThan(100);
    expect(cases.filter((c) => !c.ok)).toEqual([]);
  });
});
