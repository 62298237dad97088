import { describe, expect, it } from "vitest";
import { seededRandom } from "./data.ts";
import { FIELD_P, multiplierFor, quantizeValue, requantize, roundHalfUp, typeMax, typeMin } from "./fixed.ts";

/** floor(a / b) for BigInt (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

describe("fixed-point arithmetic", () => {
  it("rounds half up, negatives included", () => {
    expect([2.5, -2.5, -0.5, 0.5, 1.49999, -1.5, -3.50001].map(roundHalfUp)).toEqual([3, -2, 0, 1, 1, -1, -4]);
  });

  it("gives the ranges of signed and unsigned types", () => {
    expect([typeMin({ bits: 8, signed: true }), typeMax({ bits: 8, signed: true })]).toEqual([-128, 127]);
    expect([typeMin({ bits: 8, signed: false }), typeMax({ bits: 8, signed: false })]).toEqual([0, 255]);
    expect(FIELD_P).toBe(2130706433);
  });

  it("requantizes exactly like a BigInt reference of floor((acc·M + 2^(s−1)) / 2^s), clamped", () => {
    const rnd = seededRandom(7);
    for (let t = 0; t < 5000; t++) {
      const s = Math.floor(rnd() * 20), M = 1 + Math.floor(rnd() * 300);
      const acc = Math.floor((rnd() * 2 - 1) * 2 ** 20);
      const lo = -(2 ** 7), hi = 2 ** 7 - 1;
      let q = s === 0 ? BigInt(acc * M) : floorDiv(BigInt(acc) * BigInt(M) + (1n << BigInt(s - 1)), 1n << BigInt(s));
      if (q < BigInt(lo)) q = BigInt(lo);
      if (q > BigInt(hi)) q = BigInt(hi);
      expect(requantize(acc, M, s, lo, hi)).toBe(Number(q));
    }
  });

  it("requantizes the half-way cases up: −3/2 → −1, 3/2 → 2, −5/4 → −1", () => {
    expect(requantize(-3, 1, 1, -100, 100)).toBe(-1);
    expect(requantize(3, 1, 1, -100, 100)).toBe(2);
    expect(requantize(-5, 1, 2, -100, 100)).toBe(-1);
    expect(requantize(-6, 1, 2, -100, 100)).toBe(-1);
    expect(requantize(-7, 1, 2, -100, 100)).toBe(-2);
  });

  it("quantizes floats with clamping to the type", () => {
    const t = { k: 4, bits: 8, signed: true };
    expect([0.03125, -0.03125, 1, 100, -100].map((x) => quantizeValue(x, t))).toEqual([1, 0, 16, 127, -128]);
  });

  it("finds multipliers: powers of two exactly, other factors to the precision M allows", () => {
    expect(multiplierFor(0.25, 1000)).toEqual({ M: 1, s: 2 });
    expect(multiplierFor(8, 1000)).toEqual({ M: 8, s: 0 });
    const { M, s } = multiplierFor(Math.SQRT1_2, 2 ** 14);
    expect(M).toBeLessThanOrEqual(2 ** 14);
    expect(Math.abs(M / 2 ** s - Math.SQRT1_2)).toBeLessThan(2 ** -14);
    expect(multiplierFor(1 / 3, 3)).toEqual({ M: 3, s: 3 });
    expect(() => multiplierFor(0, 10)).toThrow(/positive/);
  });
});
