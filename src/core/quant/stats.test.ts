import { describe, expect, it } from "vitest";
import { seededRandom } from "./data.ts";
import { chooseExponent, exponentFor, HIST_BINS, RangeObserver } from "./stats.ts";

describe("calibration statistics", () => {
  it("keeps every count when the histogram range doubles, with zeros apart", () => {
    const o = new RangeObserver();
    o.observe([0.1, -0.2, 0, 0.3], "t");
    o.observe([5, -9.5, 0, 0], "t");
    expect(o.R).toBe(16);
    expect(o.count).toBe(8);
    expect(o.zeros).toBe(3);
    expect(o.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect([o.min, o.max]).toEqual([-9.5, 5]);
    // -9.5 lies in bin floor((-9.5 + 16)·2048/32) = 416
    expect(o.counts[416]).toBe(1);
    expect(o.report().hist.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(o.report().hist.counts.length).toBe(64);
    expect(HIST_BINS).toBe(2048);
  });

  it("merges observers exactly: parts observed apart equal one pass, however they are grouped", () => {
    // Dyadic values: binned without rounding at every range, so one pass and merged parts agree.
    const parts = [[0.1875, -0.4375, 0, 0.6875], [3.25, -2.75, 0], [-12.5, 0.0625, 7.75]];
    const onePass = new RangeObserver();
    for (const p of parts) onePass.observe(p, "t");
    const observed = parts.map((p) => { const o = new RangeObserver(); o.observe(p, "t"); return o; });
    const left = RangeObserver.from(observed[0]!.data());
    left.merge(observed[1]!.data());
    left.merge(observed[2]!.data());
    const right = RangeObserver.from(observed[2]!.data());
    right.merge(RangeObserver.from(observed[1]!.data()).data());
    right.merge(observed[0]!.data());
    for (const o of [left, right]) {
      expect(o.data()).toEqual(onePass.data());
      expect(o.R).toBe(16);
    }
    // An empty part changes nothing; a part of zeros only adds zeros.
    left.merge(new RangeObserver().data());
    const zeros = new RangeObserver();
    zeros.observe([0, 0], "t");
    left.merge(zeros.data());
    expect(left.zeros).toBe(onePass.zeros + 2);
    expect(left.counts).toEqual(onePass.counts);
    expect(() => left.merge({ ...zeros.data(), count: 1, counts: new Float64Array(3) })).toThrow(/3 histogram bins/);
  });

  it("rejects NaN and Infinity naming the tensor and index", () => {
    expect(() => new RangeObserver().observe([1, NaN, 2], "/conv/out")).toThrow(/tensor \/conv\/out holds NaN at index 1/);
    expect(() => new RangeObserver().observe([1, 2, -Infinity], "x")).toThrow(/holds -Infinity at index 2/);
  });

  it("picks the largest exponent whose rounding still fits the type", () => {
    expect(exponentFor(1, 8, true)).toBe(6); // 1·2^6 = 64 ≤ 127 < 128
    expect(exponentFor(1, 8, false)).toBe(7); // 128 ≤ 255
    expect(exponentFor(127, 8, true)).toBe(0);
    expect(exponentFor(127.6, 8, true)).toBe(-1); // round(127.6) = 128 does not fit
    expect(exponentFor(0.001, 8, true)).toBe(16); // 0.001·2^16 = 65.5 → 66 ≤ 127
  });

  it("percentile and MSE clip a lone outlier that min–max must cover", () => {
    const r = seededRandom(3);
    const o = new RangeObserver();
    const data = Array.from({ length: 100000 }, () => r() * 2 - 1);
    data[17] = 100;
    o.observe(data, "t");
    const k0 = chooseExponent(o, 8, true, "minmax");
    expect(k0).toBe(exponentFor(100, 8, true));
    expect(chooseExponent(o, 8, true, "percentile", 0.999)).toBeGreaterThanOrEqual(k0 + 5);
    expect(chooseExponent(o, 8, true, "mse")).toBeGreaterThan(k0);
  });

  it("absQuantile reads |v| quantiles from the folded histogram", () => {
    const o = new RangeObserver();
    o.observe(Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1) / 1000), "t");
    expect(o.absQuantile(0.5)).toBeCloseTo(0.5, 2);
    expect(o.absQuantile(1)).toBeCloseTo(1, 2);
  });
});
