// A self-contained conformance run of every FieldBackend operation: the candidate backend (wasm
// by default) against the TypeScript reference, bit for bit, plus independent checks (naive DFT,
// X^4 = 3, eq sums to 1). Runs anywhere the kernels run — Node tests and the browser (the app
// exposes it as window.zkml.fieldConformance for the Playwright suite).

import { P, add, mul, pow, rootOfUnity } from "../field/koalabear.ts";
import { MAX_PRODUCT, tsBackend, wasmBackend } from "./index.ts";
import type { Buf, FieldBackend } from "./types.ts";

export interface ConformanceCase {
  name: string;
  ok: boolean;
  detail?: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

const EDGE = [0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, 1 << 24, 65535, 65536, P - (1 << 24)];

function words(n: number, seed: number): Uint32Array {
  const r = rng(seed);
  return Uint32Array.from({ length: n }, (_, i) => (i < 2 * EDGE.length ? EDGE[(i * 5 + seed) % EDGE.length]! : r() % P));
}

function firstDiff(a: Uint32Array, b: Uint32Array): string | undefined {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `word ${i}: ${a[i]} vs ${b[i]}`;
  return undefined;
}

/** Runs op on a backend with inputs copied in; returns the output words (or op's own result). */
function on(K: FieldBackend, inputs: Uint32Array[], outWords: number, op: (b: Buf[], out: Buf) => Uint32Array | number | void): Uint32Array {
  const bufs = inputs.map((x) => K.from(x));
  const out = K.alloc(outWords);
  try {
    const r = op(bufs, out);
    if (r instanceof Uint32Array) return r;
    if (typeof r === "number") return Uint32Array.of(r);
    return K.read(out);
  } finally {
    bufs.forEach((b) => K.free(b));
    K.free(out);
  }
}

/** Every op of `candidate` against the TS reference; returns one case per check. */
/** A fused fold-and-round call's result: the next round's sums, then every folded table. */
function foldedAndNext(K: FieldBackend, tables: number, pairs: number, call: (outs: Buf[]) => Uint32Array): Uint32Array {
  const outs = Array.from({ length: tables }, () => K.alloc(4 * pairs));
  const all = [call(outs), ...outs.map((o) => K.read(o))];
  outs.forEach((o) => K.free(o));
  const out = new Uint32Array(all.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of all) { out.set(x, at); at += x.length; }
  return out;
}

export function runFieldConformance(candidate: FieldBackend = wasmBackend()): ConformanceCase[] {
  const T = tsBackend();
  const cases: ConformanceCase[] = [];
  const check = (name: string, inputs: Uint32Array[], outWords: number, op: (K: FieldBackend, b: Buf[], out: Buf) => Uint32Array | number | void) => {
    try {
      const want = on(T, inputs, outWords, (b, o) => op(T, b, o));
      const got = on(candidate, inputs, outWords, (b, o) => op(candidate, b, o));
      const d = firstDiff(got, want);
      cases.push({ name, ok: !d, detail: d });
    } catch (e) {
      cases.push({ name, ok: false, detail: String(e) });
    }
  };
  const n = 1003, m = 257;
  const a = words(n, 1), b = words(n, 2), ea = words(4 * m, 3), eb = words(4 * m, 4), eb0 = words(m, 5);
  const c = Uint32Array.of(7, P - 1, 12345, 1 << 24);
  check("add", [a, b], n, (K, [x, y], o) => K.add(x!, y!, o, n));
  check("sub", [a, b], n, (K, [x, y], o) => K.sub(x!, y!, o, n));
  check("mul", [a, b], n, (K, [x, y], o) => K.mul(x!, y!, o, n));
  check("scale", [a], n, (K, [x], o) => K.scale(x!, 987654321, o, n));
  check("dot", [a, b], 1, (K, [x, y]) => K.dot(x!, y!, n));
  check("extAdd", [ea, eb], 4 * m, (K, [x, y], o) => K.extAdd(x!, y!, o, m));
  check("extSub", [ea, eb], 4 * m, (K, [x, y], o) => K.extSub(x!, y!, o, m));
  check("extMul", [ea, eb], 4 * m, (K, [x, y], o) => K.extMul(x!, y!, o, m));
  check("extMulBase", [ea, eb0], 4 * m, (K, [x, y], o) => K.extMulBase(x!, y!, o, m));
  check("extScale", [ea], 4 * m, (K, [x], o) => K.extScale(x!, c, o, m));
  check("baseScaleExt", [eb0], 4 * m, (K, [x], o) => K.baseScaleExt(x!, c, o, m));
  check("lookupDenominators", [eb0, words(m, 11), new Uint32Array(m).fill(P - 1)], 4 * m, (K, [x, y, z], o) => K.lookupDenominators([x!, y!, z!], c, [ea.subarray(0, 4), c, eb.subarray(0, 4)], m, o));
  check("extDot", [ea, eb], 4, (K, [x, y]) => K.extDot(x!, y!, m));
  check("extDotBase", [ea, eb0], 4, (K, [x, y]) => K.extDotBase(x!, y!, m));
  check("extSum", [ea], 4, (K, [x]) => K.extSum(x!, m));
  const rows = 7, cols = 33;
  check("combineRows", [words(rows * cols, 6), words(4 * rows, 7)], 4 * cols, (K, [x, w], o) => K.combineRows(x!, rows, cols, w!, o));
  // Every entry and weight p − 1: the largest 64-bit sums the kernel reduces at once.
  for (const r of [4, 9]) check(`combineRows at p−1, ${r} rows`, [new Uint32Array(r * cols).fill(P - 1), new Uint32Array(4 * r).fill(P - 1)], 4 * cols, (K, [x, w], o) => K.combineRows(x!, r, cols, w!, o));
  check("combineRowsExt", [words(4 * rows * cols, 8), words(4 * rows, 9)], 4 * cols, (K, [x, w], o) => K.combineRowsExt(x!, rows, cols, w!, o));
  check("transpose", [words(rows * cols, 10)], rows * cols, (K, [x], o) => K.transpose(x!, rows, cols, o));
  for (const logN of [0, 1, 2, 3, 5, 9, 12]) {
    const v = words(1 << logN, 20 + logN), e = words(4 << logN, 40 + logN);
    check(`ntt 2^${logN}`, [v], 0, (K, [x]) => { K.ntt(x!, logN); return K.read(x!); });
    check(`intt 2^${logN}`, [v], 0, (K, [x]) => { K.intt(x!, logN); return K.read(x!); });
    check(`extNtt 2^${logN}`, [e], 0, (K, [x]) => { K.extNtt(x!, logN); return K.read(x!); });
    check(`extIntt 2^${logN}`, [e], 0, (K, [x]) => { K.extIntt(x!, logN); return K.read(x!); });
  }
  for (const logRate of [1, 2]) {
    for (const logM of [0, 3, 8]) {
      const R = 3;
      check(`rsEncode 3×2^${logM} rate 2^-${logRate}`, [words(R << logM, 60 + logM)], R << (logM + logRate), (K, [x], o) => K.rsEncode(x!, R, logM, logRate, o));
      check(`rsEncodeExt 3×2^${logM} rate 2^-${logRate}`, [words(4 * (R << logM), 70 + logM)], 4 * (R << (logM + logRate)), (K, [x], o) => K.rsEncodeExt(x!, R, logM, logRate, o));
    }
  }
  for (const [M, S, N, batch, bExt, shareA] of [[1, 1, 1, 1, true, false], [3, 4, 5, 2, false, true], [2, 3, 7, 3, true, false], [4, 8, 2, 1, true, false]] as const) {
    const aWords = 4 * M * S * (shareA ? 1 : batch), bw = bExt ? 4 : 1;
    check(`matMulBatch ${M}×${S}·${S}×${N} ×${batch} ${bExt ? "E" : "B"}${shareA ? " shared A" : ""}`,
      [words(aWords, 140 + M), words(bw * S * N * batch, 141 + N)], 4 * M * N * batch,
      (K, [a, b], o) => K.matMulBatch(a!, shareA ? 0 : M * S, b!, bExt, S * N, M, S, N, batch, o, M * N));
  }
  for (const [n, m] of [[1, 1], [5, 3], [64, 2], [2, 40]] as const) {
    check(`extOuter ${n}⊗${m}`, [words(4 * n, 130 + n), words(4 * m, 131 + m)], 4 * n * m, (K, [a, b], o) => K.extOuter(a!, n, b!, m, o));
  }
  for (const nv of [0, 1, 4, 8]) check(`eqTable n=${nv}`, [], 4 << nv, (K, _b, o) => K.eqTable(words(4 * nv, 80 + nv), o));
  for (const nv of [0, 3, 8]) check(`eqTable scaled n=${nv}`, [], 4 << nv, (K, _b, o) => K.eqTable(words(4 * nv, 85 + nv), o, words(4, 89)));
  for (const pairs of [1, 5, 64]) {
    const r = words(4, 90 + pairs);
    check(`foldBase m=${pairs}`, [words(2 * pairs, 91)], 4 * pairs, (K, [x], o) => K.foldBase(x!, pairs, r, o));
    check(`foldExt m=${pairs}`, [words(8 * pairs, 92)], 4 * pairs, (K, [x], o) => K.foldExt(x!, pairs, r, o));
    const kinds = [[false, false], [true, false], [true, true], [false, false, false], [true, false, false], [true, true, false], [true, true, true]];
    // Products of more tables (roundProductN): base first or extension first, up to MAX_PRODUCT.
    const many = [[true, false, false, false], [false, true, false, true, false], Array.from({ length: MAX_PRODUCT }, (_, j) => j % 3 === 0)];
    for (const ks of many) {
      const tag = ks.map((e) => (e ? "E" : "B")).join("");
      const data = ks.map((e, j) => words((e ? 8 : 2) * pairs, 120 + j));
      check(`roundProduct ${tag} m=${pairs}`, data, 0, (K, bufs) => K.roundProduct(bufs.map((buf, j) => ({ buf, ext: ks[j]! })), pairs));
    }
    for (const ks of kinds) {
      const tag = ks.map((e) => (e ? "E" : "B")).join("");
      const data = ks.map((e, j) => words((e ? 8 : 2) * pairs, 100 + j));
      check(`roundProduct ${tag} m=${pairs}`, data, 0, (K, bufs) => K.roundProduct(bufs.map((buf, j) => ({ buf, ext: ks[j]! })), pairs));
      check(`foldRoundProduct ${tag} m=${pairs}`, data, 0, (K, bufs) =>
        foldedAndNext(K, bufs.length, pairs, (outs) => K.foldRoundProduct(bufs.map((buf, j) => ({ buf, ext: ks[j]! })), pairs, r, outs)));
    }
  }
  for (const pairs of [1, 5, 64]) {
    for (const pExt of [true, false]) {
      const lambda = words(4, 120 + pairs);
      // S (one element per pair), p0, p1, q0, q1.
      const data = [4, pExt ? 8 : 2, pExt ? 8 : 2, 8, 8].map((w, j) => words(w * pairs, 110 + j));
      for (const one of [false, true]) {
        check(`gkrRound ${pExt ? "E" : "B"} m=${pairs}${one ? " with t(1)" : ""}`, data, 0, (K, [e, a, b, c, d]) => K.gkrRound(e!, a!, b!, c!, d!, pExt, pairs, lambda, one));
      }
      const r = words(4, 125 + pairs);
      check(`gkrLayer ${pExt ? "E" : "B"} h=${pairs}`, [words((pExt ? 4 : 1) * pairs, 150), words((pExt ? 4 : 1) * pairs, 151), words(4 * pairs, 152), words(4 * pairs, 153)], 8 * pairs,
        (K, [a, b, c, e], o) => K.gkrLayer(a!, b!, c!, e!, pExt, pairs, K.slice(o, 0, 4 * pairs), K.slice(o, 4 * pairs, 4 * pairs)));
      for (const one of [false, true]) {
        check(`gkrFoldRound ${pExt ? "E" : "B"} m=${pairs}${one ? " with t(1)" : ""}`, data, 0, (K, bufs) =>
          foldedAndNext(K, 4, pairs, (outs) => K.gkrFoldRound(bufs, pExt, pairs, r, lambda, outs, one)));
      }
      // Three trees (the same tables, other weights) weighted into one message.
      const trees = (bufs: Buf[]) => [0, 1, 2].map((i) => ({ tables: bufs, pExt, weight: words(4, 160 + i) }));
      check(`gkrRounds ×3 ${pExt ? "E" : "B"} m=${pairs}`, data, 0, (K, bufs) => K.gkrRounds(trees(bufs), pairs, lambda, pairs === 5));
      check(`gkrFoldRounds ×3 ${pExt ? "E" : "B"} m=${pairs}`, data, 0, (K, bufs) => {
        const outs = Array.from({ length: 12 }, () => K.alloc(4 * pairs));
        try {
          return K.gkrFoldRounds(trees(bufs).map((t, i) => ({ ...t, outs: outs.slice(4 * i, 4 * i + 4) })), pairs, r, lambda, pairs === 64);
        } finally {
          outs.forEach((o) => K.free(o));
        }
      });
    }
  }
  // Independent checks of the candidate alone.
  const indep = (name: string, fn: () => string | undefined) => {
    try { const d = fn(); cases.push({ name, ok: !d, detail: d }); } catch (e) { cases.push({ name, ok: false, detail: String(e) }); }
  };
  indep("ntt 2^5 = naive DFT", () => {
    const v = words(32, 5), w = rootOfUnity(5);
    const want = new Uint32Array(32);
    for (let j = 0; j < 32; j++) { let s = 0; for (let i = 0; i < 32; i++) s = add(s, mul(v[i]!, pow(w, i * j))); want[j] = s; }
    return firstDiff(on(candidate, [v], 0, ([x]) => { candidate.ntt(x!, 5); return candidate.read(x!); }), want);
  });
  indep("X^4 = 3", () => {
    const x2 = on(candidate, [Uint32Array.of(0, 1, 0, 0), Uint32Array.of(0, 1, 0, 0)], 4, ([x, y], o) => candidate.extMul(x!, y!, o, 1));
    return firstDiff(on(candidate, [x2, x2], 4, ([x, y], o) => candidate.extMul(x!, y!, o, 1)), Uint32Array.of(3, 0, 0, 0));
  });
  indep("eq table sums to 1", () => {
    const t = on(candidate, [], 4 << 6, (_b, o) => candidate.eqTable(words(24, 3), o));
    const s = on(candidate, [t], 4, ([x]) => candidate.extSum(x!, 64));
    return firstDiff(s, Uint32Array.of(1, 0, 0, 0));
  });
  return cases;
}
