// Field multiplication throughput: wasm kernels vs the TypeScript reference, base and extension.
// Also the reference rate the other benchmarks divide by (measureMulRate).
import { mul } from "../src/core/field/koalabear.ts";
import { extMul } from "../src/core/field/ext.ts";
import { wasmBackend } from "../src/core/kernels/index.ts";
import { timeMs, type Reporter } from "./report.ts";

const P = 2130706433;

export function randomWords(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = s % P;
  }
  return out;
}

/**
 * The wasm multiply rate (base-field products per second): the kernel that does exactly one
 * Montgomery product per element (4-lane SIMD), streaming two 2^20-word vectors from memory to a
 * third — the cheapest way the kernels multiply. Efficiencies elsewhere divide by this.
 */
export function measureMulRate(): number {
  const probe = mulRateProbe();
  probe.once();
  const ms: number[] = [];
  for (let i = 0; i < 7; i++) ms.push(probe.once());
  probe.dispose();
  ms.sort((x, y) => x - y);
  return probe.mults / (ms[3]! / 1e3);
}

/** One timed run of the reference multiply kernel (4 passes over 2^20 words), for interleaving. */
export function mulRateProbe(): { mults: number; once(): number; dispose(): void } {
  const K = wasmBackend();
  const n = 1 << 20;
  const a = K.from(randomWords(n, 1)), b = K.from(randomWords(n, 2)), o = K.alloc(n);
  const pa = K.ptr(a), pb = K.ptr(b), po = K.ptr(o);
  return {
    mults: 4 * n,
    once() {
      const t0 = performance.now();
      for (let r = 0; r < 4; r++) K.exports.vecMulRaw(pa, pb, po, n);
      return performance.now() - t0;
    },
    dispose() { [a, b, o].forEach((x) => K.free(x)); },
  };
}

/**
 * Efficiency of `fn` (which must do `mults` multiplications) against the wasm multiply rate,
 * measured in alternation so both see the same machine load: each trial times fn and the rate
 * probe back to back; the result is the median over trials of (mults / time) / rate, with the
 * median time and the best time.
 */
export function efficiencyOf(fn: () => void, mults: number, trials = 9): { ms: number; bestMs: number; rate: number; efficiency: number } {
  const probe = mulRateProbe();
  fn(); probe.once();
  const effs: number[] = [], times: number[] = [], rates: number[] = [];
  for (let i = 0; i < trials; i++) {
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    const rate = probe.mults / (probe.once() / 1e3);
    times.push(ms); rates.push(rate);
    effs.push(mults / (ms / 1e3) / rate);
  }
  probe.dispose();
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
  return { ms: med(times), bestMs: Math.min(...times), rate: med(rates), efficiency: med(effs) };
}

export async function run(r: Reporter): Promise<void> {
  const K = wasmBackend();
  const n = 1 << 20;
  const a = randomWords(n, 3), b = randomWords(n, 4);

  // base × base
  const rate = measureMulRate();
  const A = K.from(a), B = K.from(b), O = K.alloc(n);
  const canonMs = timeMs(() => K.mul(A, B, O, n), 7);
  const tsOut = new Uint32Array(n);
  const tsMs = timeMs(() => { for (let i = 0; i < n; i++) tsOut[i] = mul(a[i]!, b[i]!); }, 3);
  r.result("field", {
    op: "base_mul", n,
    wasm_mops: rate / 1e6, // one Montgomery product per element (the reference rate)
    wasm_canonical_mops: n / canonMs / 1e3, // canonical × canonical → canonical (two reductions)
    ts_mops: n / tsMs / 1e3,
    wasm_over_ts: rate / (n / tsMs * 1e3),
  });
  // The reductions compared (scalar, one product per element): why the kernels use Montgomery.
  const red = (f: (a: number, b: number, o: number, n: number) => void) => n / timeMs(() => f(K.ptr(A), K.ptr(B), K.ptr(O), n), 7) / 1e3;
  r.result("field", {
    op: "reduction", n,
    montgomery_scalar_mops: red(K.exports.benchMulMontScalar),
    barrett_scalar_mops: red(K.exports.benchMulBarrettScalar),
    u64_rem_scalar_mops: red(K.exports.benchMulRemScalar),
    montgomery_simd_mops: rate / 1e6,
  });
  [A, B, O].forEach((x) => K.free(x));

  // extension × extension (interleaved vectors of 2^18 elements)
  const m = 1 << 18;
  const ea = randomWords(4 * m, 5), eb = randomWords(4 * m, 6);
  const EA = K.from(ea), EB = K.from(eb), EO = K.alloc(4 * m);
  const extMs = timeMs(() => K.extMul(EA, EB, EO, m), 7);
  const bb = K.from(randomWords(m, 7));
  const extBaseMs = timeMs(() => K.extMulBase(EA, bb, EO, m), 7);
  const tsExtMs = timeMs(() => {
    for (let i = 0; i < m; i++) extMul(ea.subarray(4 * i, 4 * i + 4), eb.subarray(4 * i, 4 * i + 4));
  }, 3);
  r.result("field", {
    op: "ext_mul", n: m,
    wasm_mops: m / extMs / 1e3,
    wasm_ext_base_mops: m / extBaseMs / 1e3,
    ts_mops: m / tsExtMs / 1e3,
    wasm_over_ts: tsExtMs / extMs,
    // 16 base products per extension product (schoolbook, as the kernel does them)
    base_equiv_efficiency: (16 * m) / (extMs / 1e3) / rate,
  });
  [EA, EB, EO, bb].forEach((x) => K.free(x));
}
