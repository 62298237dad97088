// The plain TypeScript reference of every bulk kernel (see types.ts). Straightforward loops over
// the field reference; slow, but independent of the wasm code it checks.

import { oneByOne } from "./batched.ts";
import { FieldError } from "../field/errors.ts";
import { add, sub, mul, inv, rootOfUnity } from "../field/koalabear.ts";
import { type Ext, extAdd, extSub, extMul, extMulBase, EXT_ONE } from "../field/ext.ts";
import type { Buf, FieldBackend, Table } from "./types.ts";
import { checkDenominators } from "./types.ts";
import { countFieldOps } from "./field-ops.ts";

class TBuf implements Buf {
  constructor(readonly data: Uint32Array) {}
  get len(): number {
    return this.data.length;
  }
}

function d(b: Buf): Uint32Array {
  if (!(b instanceof TBuf)) throw new Error("kernels: buffer of another backend");
  return b.data;
}

const get4 = (v: Uint32Array, i: number): Ext => v.subarray(4 * i, 4 * i + 4);
const set4 = (v: Uint32Array, i: number, x: Ext): void => v.set(x, 4 * i);

function checkLog(logN: number): void {
  if (!Number.isInteger(logN) || logN < 0 || logN > 24) throw new FieldError("bad-size", `NTT of size 2^${logN}`);
}

function bitrev(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
  return r >>> 0;
}

/** In-place radix-2 NTT over `width`-word elements (1 base, 4 extension) with root w. */
function nttRef(a: Uint32Array, logN: number, w: number, width: 1 | 4): void {
  const n = 1 << logN;
  for (let i = 0; i < n; i++) {
    const j = bitrev(i, logN);
    if (i < j) {
      for (let c = 0; c < width; c++) {
        const t = a[width * i + c]!;
        a[width * i + c] = a[width * j + c]!;
        a[width * j + c] = t;
      }
    }
  }
  for (let h = 1; h < n; h <<= 1) {
    // ω_{2h} = w^(n / 2h)
    let wh = w;
    for (let s = n; s > 2 * h; s >>= 1) wh = mul(wh, wh);
    for (let k = 0; k < n; k += 2 * h) {
      let t = 1;
      for (let j = 0; j < h; j++) {
        for (let c = 0; c < width; c++) {
          const iu = width * (k + j) + c, iv = width * (k + j + h) + c;
          const u = a[iu]!, v = mul(a[iv]!, t);
          a[iu] = add(u, v);
          a[iv] = sub(u, v);
        }
        t = mul(t, wh);
      }
    }
  }
}

function inttRef(a: Uint32Array, logN: number, width: 1 | 4): void {
  nttRef(a, logN, inv(rootOfUnity(logN)), width);
  const nInv = inv(1 << logN);
  for (let i = 0; i < a.length && i < width << logN; i++) a[i] = mul(a[i]!, nInv);
}

export function createTsBackend(): FieldBackend {
  const backend: FieldBackend = {
    name: "ts",
    alloc: (words) => new TBuf(new Uint32Array(words)),
    allocFor: (words) => new TBuf(new Uint32Array(words)),
    from: (data) => new TBuf(data.slice()),
    slice: (b, off, words) => new TBuf(d(b).subarray(off, off + words)),
    view: (b) => d(b),
    read: (b) => d(b).slice(),
    write: (b, data, off = 0) => d(b).set(data, off),
    free: () => {},

    add(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < n; i++) o[i] = add(x[i]!, y[i]!); },
    sub(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < n; i++) o[i] = sub(x[i]!, y[i]!); },
    mul(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < n; i++) o[i] = mul(x[i]!, y[i]!); },
    scale(a, c, out, n) { const x = d(a), o = d(out); for (let i = 0; i < n; i++) o[i] = mul(x[i]!, c); },
    dot(a, b, n) { const x = d(a), y = d(b); let s = 0; for (let i = 0; i < n; i++) s = add(s, mul(x[i]!, y[i]!)); return s; },

    extAdd(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < 4 * n; i++) o[i] = add(x[i]!, y[i]!); },
    extSub(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < 4 * n; i++) o[i] = sub(x[i]!, y[i]!); },
    extMul(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < n; i++) set4(o, i, extMul(get4(x, i), get4(y, i))); },
    extMulBase(a, b, out, n) { const x = d(a), y = d(b), o = d(out); for (let i = 0; i < n; i++) set4(o, i, extMulBase(get4(x, i), y[i]!)); },
    extScale(a, c, out, n) { const x = d(a), o = d(out); for (let i = 0; i < n; i++) set4(o, i, extMul(get4(x, i), c)); },
    baseScaleExt(a, c, out, n) { const x = d(a), o = d(out); for (let i = 0; i < n; i++) set4(o, i, extMulBase(c, x[i]!)); },
    lookupDenominators(columns, alpha, coeffs, n, out) {
      checkDenominators(columns, coeffs, n);
      const cs = columns.map(d), o = d(out);
      for (let i = 0; i < n; i++) set4(o, i, cs.reduce<Ext>((acc, c, j) => extSub(acc, extMulBase(coeffs[j]!, c[i]!)), alpha));
    },
    extDot(a, b, n) { const x = d(a), y = d(b); let s: Ext = new Uint32Array(4); for (let i = 0; i < n; i++) s = extAdd(s, extMul(get4(x, i), get4(y, i))); return s; },
    extDotBase(a, b, n) { const x = d(a), y = d(b); let s: Ext = new Uint32Array(4); for (let i = 0; i < n; i++) s = extAdd(s, extMulBase(get4(x, i), y[i]!)); return s; },
    extSum(a, n) { const x = d(a); let s: Ext = new Uint32Array(4); for (let i = 0; i < n; i++) s = extAdd(s, get4(x, i)); return s; },
    combineRows(m, rows, cols, w, out) {
      const M = d(m), W = d(w), o = d(out);
      o.fill(0, 0, 4 * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) set4(o, j, extAdd(get4(o, j), extMulBase(get4(W, i), M[i * cols + j]!)));
    },
    combineRowsExt(m, rows, cols, w, out) {
      const M = d(m), W = d(w), o = d(out);
      o.fill(0, 0, 4 * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) set4(o, j, extAdd(get4(o, j), extMul(get4(W, i), get4(M, i * cols + j))));
    },
    matMulBatch(a, aStride, b, bExt, bStride, M, S, N, batch, out, oStride) {
      const A = d(a), B = d(b), o = d(out);
      for (let t = 0; t < batch; t++) {
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            let acc: Ext = new Uint32Array(4);
            for (let s = 0; s < S; s++) {
              const x = get4(A, t * aStride + m * S + s), at = t * bStride + s * N + n;
              acc = extAdd(acc, bExt ? extMul(x, get4(B, at)) : extMulBase(x, B[at]!));
            }
            set4(o, t * oStride + m * N + n, acc);
          }
        }
      }
    },
    extOuter(a, n, b, m, out) {
      const A = d(a), B = d(b), o = d(out);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) set4(o, i * m + j, extMul(get4(A, i), get4(B, j)));
    },
    transpose(a, rows, cols, out) {
      const x = d(a), o = d(out);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) o[j * rows + i] = x[i * cols + j]!;
    },

    ntt(a, logN) { checkLog(logN); nttRef(d(a), logN, rootOfUnity(logN), 1); },
    intt(a, logN) { checkLog(logN); inttRef(d(a), logN, 1); },
    extNtt(a, logN) { checkLog(logN); nttRef(d(a), logN, rootOfUnity(logN), 4); },
    extIntt(a, logN) { checkLog(logN); inttRef(d(a), logN, 4); },
    rsEncode(rows, rowCount, logM, logRate, out) {
      checkLog(logM + logRate);
      const src = d(rows), o = d(out), m = 1 << logM, n = m << logRate;
      for (let r = 0; r < rowCount; r++) {
        const row = new Uint32Array(n);
        row.set(src.subarray(r * m, (r + 1) * m));
        nttRef(row, logM + logRate, rootOfUnity(logM + logRate), 1);
        o.set(row, r * n);
      }
    },
    rsEncodeExt(rows, rowCount, logM, logRate, out) {
      checkLog(logM + logRate);
      const src = d(rows), o = d(out), m = 1 << logM, n = m << logRate;
      for (let r = 0; r < rowCount; r++) {
        const row = new Uint32Array(4 * n);
        row.set(src.subarray(4 * r * m, 4 * (r + 1) * m));
        nttRef(row, logM + logRate, rootOfUnity(logM + logRate), 4);
        o.set(row, 4 * r * n);
      }
    },

    eqTable(r, out, scale) {
      const n = r.length / 4, o = d(out);
      // Direct product definition: eq(r, x) = Π_i (x_i ? r_i : 1 − r_i), times the scale.
      for (let x = 0; x < 1 << n; x++) {
        let acc: Ext = scale ? scale.slice(0, 4) : EXT_ONE.slice();
        for (let i = 0; i < n; i++) {
          const ri = get4(r, i);
          acc = extMul(acc, (x >>> i) & 1 ? ri : extSub(EXT_ONE, ri));
        }
        set4(o, x, acc);
      }
    },
    foldBase(inp, m, r, out) {
      const x = d(inp), o = d(out);
      for (let i = 0; i < m; i++) {
        const a = x[2 * i]!, b = x[2 * i + 1]!;
        set4(o, i, extAdd(Uint32Array.of(a, 0, 0, 0), extMulBase(r, sub(b, a))));
      }
    },
    foldExt(inp, m, r, out) {
      const x = d(inp), o = d(out);
      for (let i = 0; i < m; i++) {
        const a = get4(x, 2 * i).slice(), b = get4(x, 2 * i + 1);
        set4(o, i, extAdd(a, extMul(r, extSub(b, a))));
      }
    },
    roundProduct(tables: Table[], m: number) {
      const deg = tables.length;
      const pts = [0];
      for (let t = 2; t <= deg; t++) pts.push(t);
      const sums: Ext[] = pts.map(() => new Uint32Array(4));
      const data = tables.map((t) => ({ v: d(t.buf), ext: t.ext }));
      const at = (tb: { v: Uint32Array; ext: boolean }, i: number): Ext => (tb.ext ? get4(tb.v, i).slice() : Uint32Array.of(tb.v[i]!, 0, 0, 0));
      for (let i = 0; i < m; i++) {
        const lo = data.map((tb) => at(tb, 2 * i)), hi = data.map((tb) => at(tb, 2 * i + 1));
        pts.forEach((t, k) => {
          let prod: Ext = EXT_ONE.slice();
          for (let j = 0; j < deg; j++) {
            // f(t) = f0 + t·(f1 − f0)
            const ft = extAdd(lo[j]!, extMulBase(extSub(hi[j]!, lo[j]!), t));
            prod = extMul(prod, ft);
          }
          sums[k] = extAdd(sums[k]!, prod);
        });
      }
      const out = new Uint32Array(4 * deg);
      sums.forEach((s, k) => out.set(s, 4 * k));
      return out;
    },
    foldRoundProduct(tables, m, r, outs) {
      tables.forEach((t, j) => (t.ext ? backend.foldExt(t.buf, m, r, outs[j]!) : backend.foldBase(t.buf, m, r, outs[j]!)));
      if (m < 2) return new Uint32Array(0);
      return backend.roundProduct(outs.map((buf) => ({ buf, ext: true })), m >> 1);
    },
    gkrFoldRound(tables, pExt, m, r, lambda, outs, withOne = false) {
      const [S, ...ps] = tables;
      ps.forEach((t, j) => (pExt || j > 1 ? backend.foldExt(t, m, r, outs[j]!) : backend.foldBase(t, m, r, outs[j]!)));
      if (m < 2) return new Uint32Array(0);
      const [a, b, c, e] = outs;
      return backend.gkrRound(S!, a!, b!, c!, e!, true, m >> 1, lambda, withOne);
    },
    ...oneByOne(() => backend),
    gkrLayer(p0, p1, q0, q1, pExt, h, np, nq) {
      const A = d(p0), B = d(p1), C = d(q0), D = d(q1), P = d(np), Q = d(nq);
      const at = (x: Uint32Array, i: number): Ext => (pExt ? get4(x, i) : Uint32Array.of(x[i]!, 0, 0, 0));
      for (let i = 0; i < h; i++) {
        const c = get4(C, i), e = get4(D, i);
        set4(P, i, extAdd(extMul(at(A, i), e), extMul(at(B, i), c)));
        set4(Q, i, extMul(c, e));
      }
    },
    gkrRound(S, p0, p1, q0, q1, pExt, m, lambda, withOne = false) {
      const s = d(S), A = d(p0), B = d(p1), C = d(q0), D = d(q1);
      const at = (x: Uint32Array, i: number): Ext => (pExt ? get4(x, i) : Uint32Array.of(x[i]!, 0, 0, 0));
      // A pair's line at X = 0, 2 or 1.
      const line = (lo: Ext, hi: Ext, X: number): Ext => (X === 0 ? lo : X === 1 ? hi : extSub(extAdd(hi, hi), lo));
      const out = new Uint32Array(12);
      for (let i = 0; i < m; i++) {
        const e = get4(s, i);
        (withOne ? [0, 2, 1] : [0, 2]).forEach((X, slot) => {
          const x = line(at(A, 2 * i), at(A, 2 * i + 1), X), y = line(at(B, 2 * i), at(B, 2 * i + 1), X);
          const a = line(get4(C, 2 * i), get4(C, 2 * i + 1), X), b = line(get4(D, 2 * i), get4(D, 2 * i + 1), X);
          const F = extAdd(extAdd(extMul(x, b), extMul(y, a)), extMul(lambda, extMul(a, b)));
          out.set(extAdd(out.subarray(4 * slot, 4 * slot + 4), extMul(e, F)), 4 * slot);
        });
      }
      return out;
    },
  };
  return countFieldOps(backend);
}
