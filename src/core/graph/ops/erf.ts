// The error function to double precision where float32 needs it: Taylor series below 3,
// the asymptotic expansion of erfc above (erfc(3) ≈ 2e-5, so its few-digit error vanishes).
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export function erf(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  if (a < 3) {
    const x2 = x * x;
    let term = x, sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (a > 6) return Math.sign(x);
  const z = 1 / (2 * a * a);
  const series = 1 - z + 3 * z * z - 15 * z * z * z + 105 * z * z * z * z;
  const erfc = (Math.exp(-a * a) / (a * Math.sqrt(Math.PI))) * series;
  return Math.sign(x) * (1 - erfc);
}
