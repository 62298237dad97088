import { describe, expect, it } from "vitest";
import { buildTable, tableId } from "./tables.ts";

const s8 = (k: number) => ({ k, bits: 8, signed: true });
const u8 = (k: number) => ({ k, bits: 8, signed: false });

describe("lookup tables", () => {
  it("covers the input type's whole range with signed rows x_j = j − 2^(b−1)", () => {
    const t = buildTable({ fn: "relu", params: {}, input: s8(4), output: u8(4) });
    expect(t.values.length).toBe(256);
    for (let j = 0; j < 256; j++) expect(t.values[j]).toBe(Math.max(j - 128, 0));
  });

  it("rounds f(x)·2^k_out half up and clamps to the output type", () => {
    // sigmoid at x = 0 is 0.5 → 0.5·2^8 = 128, clamped to 127 for a signed 8-bit output
    const sig = buildTable({ fn: "sigmoid", params: {}, input: s8(4), output: u8(8) });
    expect(sig.values[128]).toBe(128);
    expect(sig.values[255]).toBe(Math.min(255, Math.floor((1 / (1 + Math.exp(-127 / 16))) * 256 + 0.5)));
    expect(sig.values[140]).toBe(Math.floor((1 / (1 + Math.exp(-12 / 16))) * 256 + 0.5));
    const sigS = buildTable({ fn: "sigmoid", params: {}, input: s8(4), output: s8(8) });
    expect(sigS.values[128]).toBe(127);
    const tanh = buildTable({ fn: "tanh", params: {}, input: s8(5), output: s8(6) });
    for (const j of [0, 50, 100, 128, 140, 255]) {
      const x = (j - 128) / 32;
      expect(tanh.values[j]).toBe(Math.min(127, Math.max(-128, Math.floor(Math.tanh(x) * 64 + 0.5))));
    }
  });

  it("saturates 1/0 and rsqrt(0 + eps) to the output maximum", () => {
    const r = buildTable({ fn: "reciprocal", params: {}, input: { k: 2, bits: 6, signed: false }, output: { k: 6, bits: 10, signed: false } });
    expect(r.values[0]).toBe(1023);
    expect(r.values[4]).toBe(64); // 1/1 at 2^6
    expect(r.values[8]).toBe(32);
    const q = buildTable({ fn: "rsqrt", params: { eps: 0 }, input: { k: 0, bits: 5, signed: false }, output: { k: 8, bits: 12, signed: false } });
    expect(q.values[0]).toBe(4095);
    expect(q.values[4]).toBe(128); // 1/sqrt(4) = 0.5
  });

  it("rejects tables over the row limit before allocating, unknown functions and missing parameters", () => {
    expect(() => buildTable({ fn: "exp", params: {}, input: { k: 0, bits: 17, signed: true }, output: u8(0) })).toThrow(/131072 table rows, over the limit of 65536/);
    expect(() => buildTable({ fn: "exp", params: {}, input: { k: 0, bits: 30, signed: true }, output: u8(0) }, 2 ** 30)).toThrow(/over the limit of 1048576/);
    expect(() => buildTable({ fn: "cosh", params: {}, input: s8(0), output: s8(0) })).toThrow(/unknown table function 'cosh'/);
    expect(() => buildTable({ fn: "leakyrelu", params: {}, input: s8(0), output: s8(0) })).toThrow(/needs a finite parameter 'alpha'/);
  });

  it("names equal specs alike so they share one table", () => {
    const a = { fn: "rsqrt", params: { eps: 1e-5 }, input: u8(3), output: u8(4) };
    expect(tableId(a)).toBe(tableId({ ...a, params: { eps: 1e-5 } }));
    expect(tableId(a)).not.toBe(tableId({ ...a, output: u8(5) }));
  });
});
