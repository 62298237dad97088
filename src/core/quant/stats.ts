// Per-tensor statistics gathered during calibration, and the choice of a power-of-two scale
// from them by min–max, percentile or minimum estimated squared error.
import { QuantError } from "./errors.ts";
import { typeMax, typeMin } from "./fixed.ts";

export type CalibrationMethod = "minmax" | "percentile" | "mse";
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ["minmax", "percentile", "mse"];

/** Histogram resolution: bins over [−R, R) with R a power of two that doubles as needed. */
export const HIST_BINS = 2048;
/** Bins kept in the plan's report for the IDE to draw. */
export const REPORT_BINS = 64;

export interface TensorReport {
  min: number;
  max: number;
  count: number;
  zeros: number;
  hist: { lo: number; hi: number; counts: number[] };
}

/** A RangeObserver's state as plain (structured-cloneable) data. */
export interface RangeData {
  min: number;
  max: number;
  count: number;
  zeros: number;
  R: number;
  counts: Float64Array;
}

/** Doubles a histogram's range in place: bin j over [−R, R) lands in bin (j + N/2)/2 over [−2R, 2R). */
function doubleRange(counts: Float64Array): void {
  const N = counts.length, old = Float64Array.from(counts);
  counts.fill(0);
  for (let j = 0; j < N; j++) {
    const t = (j + N / 2) >> 1;
    counts[t] = counts[t]! + old[j]!;
  }
}

/** Streams values into min/max, a zero count and a histogram; deterministic for a given order. */
export class RangeObserver {
  min = Infinity;
  max = -Infinity;
  count = 0;
  zeros = 0;
  /** Half-width of the histogram (0 until a nonzero value arrives). */
  R = 0;
  readonly counts = new Float64Array(HIST_BINS);

  observe(data: ArrayLike<number>, name: string): void {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      // v − v is 0 for every finite number, NaN for NaN and ±Infinity
      if (v - v !== 0) {
        throw new QuantError(`tensor ${name} holds ${v} at index ${i} during calibration; check the calibration data for NaN/Inf or overflowing values`, { tensor: name });
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const a = Math.max(Math.abs(lo), Math.abs(hi));
    if (a > 0) this.grow(a);
    const N = HIST_BINS, R = this.R, scale = N / (2 * R);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v === 0) {
        this.zeros++;
        continue;
      }
      let b = Math.floor((v + R) * scale);
      if (b >= N) b = N - 1;
      this.counts[b] = this.counts[b]! + 1;
    }
    this.count += data.length;
    if (data.length > 0) {
      this.min = Math.min(this.min, lo);
      this.max = Math.max(this.max, hi);
    }
  }

  private grow(a: number): void {
    if (this.R === 0) {
      this.R = 2 ** Math.ceil(Math.log2(a));
      return;
    }
    for (; this.R < a; this.R *= 2) doubleRange(this.counts);
  }

  /** Everything observed, as plain data (a worker sends it to the one that merges). */
  data(): RangeData {
    return { min: this.min, max: this.max, count: this.count, zeros: this.zeros, R: this.R, counts: this.counts.slice() };
  }

  static from(d: RangeData): RangeObserver {
    const o = new RangeObserver();
    o.merge(d);
    return o;
  }

  /**
   * Adds another observer's values. Exact (counts are integers; a histogram moves to a wider
   * range by whole bins), so merging is associative: independently observed parts give the same
   * statistics however they are grouped.
   */
  merge(d: RangeData): void {
    if (d.count === 0) return;
    if (d.counts.length !== HIST_BINS) throw new QuantError(`calibration statistics with ${d.counts.length} histogram bins (expected ${HIST_BINS})`);
    if (d.R > 0) this.grow(d.R);
    const counts = Float64Array.from(d.counts);
    for (let R = d.R; R > 0 && R < this.R; R *= 2) doubleRange(counts);
    for (let j = 0; j < HIST_BINS; j++) this.counts[j] = this.counts[j]! + counts[j]!;
    this.zeros += d.zeros;
    this.count += d.count;
    this.min = Math.min(this.min, d.min);
    this.max = Math.max(this.max, d.max);
  }

  /** The p-quantile (0–1) of |v|, from the histogram (upper edge of its bin). */
  absQuantile(p: number): number {
    const N = HIST_BINS, half = N / 2, w = (2 * this.R) / N;
    const folded = new Float64Array(half);
    for (let j = 0; j < N; j++) {
      const a = j >= half ? j - half : half - 1 - j;
      folded[a] = folded[a]! + this.counts[j]!;
    }
    const target = p * this.count;
    let cum = this.zeros;
    if (cum >= target) return 0;
    for (let a = 0; a < half; a++) {
      cum += folded[a]!;
      if (cum >= target) return (a + 1) * w;
    }
    return this.R;
  }

  /** Estimated total squared error of quantizing the observed values with scale 2^−k. */
  squaredError(k: number, bits: number, signed: boolean): number {
    const N = HIST_BINS, w = (2 * this.R) / N, step = 2 ** -k;
    const lo = typeMin({ bits, signed }) * step, hi = typeMax({ bits, signed }) * step;
    let err = 0;
    for (let j = 0; j < N; j++) {
      const c = this.counts[j]!;
      if (c === 0) continue;
      const v = -this.R + (j + 0.5) * w;
      const e = v > hi ? (v - hi) ** 2 : v < lo ? (v - lo) ** 2 : Math.abs(v) < step / 2 ? v * v : (step * step) / 12;
      err += c * e;
    }
    return err;
  }

  report(): TensorReport {
    const group = HIST_BINS / REPORT_BINS;
    const counts = new Array<number>(REPORT_BINS).fill(0);
    for (let j = 0; j < HIST_BINS; j++) counts[Math.floor(j / group)]! += this.counts[j]!;
    const empty = this.count === 0;
    return {
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
      count: this.count,
      zeros: this.zeros,
      hist: { lo: -this.R, hi: this.R, counts },
    };
  }
}

/** The largest k with round(a·2^k) inside the type's positive range. */
export function exponentFor(a: number, bits: number, signed: boolean): number {
  const qmax = typeMax({ bits, signed });
  if (!(a > 0)) return bits - 1;
  let k = Math.floor(Math.log2(qmax / a));
  while (Math.floor(a * 2 ** (k + 1) + 0.5) <= qmax) k++;
  while (Math.floor(a * 2 ** k + 0.5) > qmax) k--;
  return k;
}

/** Chooses the scale exponent k of a tensor of the given width from its statistics. */
export function chooseExponent(obs: RangeObserver, bits: number, signed: boolean, method: CalibrationMethod, percentile = 0.9999): number {
  const absmax = signed ? Math.max(Math.abs(obs.min), Math.abs(obs.max)) : Math.max(obs.max, 0);
  const k0 = exponentFor(absmax, bits, signed);
  if (method === "minmax" || !(absmax > 0)) return k0;
  if (method === "percentile") return Math.max(k0, exponentFor(obs.absQuantile(percentile), bits, signed));
  let best = k0, bestErr = obs.squaredError(k0, bits, signed);
  for (let k = k0 + 1; k <= k0 + 8; k++) {
    const e = obs.squaredError(k, bits, signed);
    if (e < bestErr) {
      best = k;
      bestErr = e;
    }
  }
  return best;
}
