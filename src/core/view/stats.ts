// Summary statistics and a histogram of a tensor's values (the inspector's weight card).
export interface ValueStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  zeros: number;
  /** Equal-width bins over [lo, hi]. */
  hist: { lo: number; hi: number; counts: number[] };
}

export function valueStats(data: ArrayLike<number>, bins = 32): ValueStats {
  const n = data.length;
  let min = Infinity, max = -Infinity, sum = 0, zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (data[i]! - mean) ** 2;
  const counts = new Array<number>(bins).fill(0);
  if (n === 0) return { count: 0, min: 0, max: 0, mean: 0, std: 0, zeros: 0, hist: { lo: 0, hi: 0, counts } };
  const width = max - min;
  for (let i = 0; i < n; i++) {
    const b = width > 0 ? Math.min(bins - 1, Math.floor(((data[i]! - min) / width) * bins)) : 0;
    counts[b]!++;
  }
  return { count: n, min, max, mean, std: Math.sqrt(sq / n), zeros, hist: { lo: min, hi: max, counts } };
}

/** Index of the maximum along the last axis of width `width`, for each row (first wins ties). */
export function argmaxRows(v: ArrayLike<number>, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * width < v.length; r++) {
    let b = 0;
    for (let i = 1; i < width; i++) if (v[r * width + i]! > v[r * width + b]!) b = i;
    out.push(b);
  }
  return out;
}

/** A count with an SI prefix, three figures: 4 089 200 000 → "4.09 G", 313 200 000 → "313 M"; under 1000 as is. */
export function formatCount(n: number): string {
  for (const [v, u] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]] as const) if (n >= v) return `${(n / v).toPrecision(3)} ${u}`;
  return `${n}`;
}
