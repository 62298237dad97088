// The field-operation counter grows by the documented amount (field-ops.ts) for known calls, on
// both backends, and a fused call of the reference backend is not counted twice.
import { describe, expect, it } from "vitest";
import { allBackends, fieldOpsCount, rsEncode, type FieldBackend } from "./index.ts";

const delta = (fn: () => void): number => {
  const before = fieldOpsCount();
  fn();
  return fieldOpsCount() - before;
};
const r = Uint32Array.of(3, 1, 4, 1);

describe.each(allBackends().map((K) => [K.name, K] as [string, FieldBackend]))("field ops on %s", (_name, K) => {
  it("vector ops count n; an NTT of 2^10 counts 512·10 butterflies, its inverse 1024 more", () => {
    const a = K.alloc(4 * 1024), b = K.alloc(4 * 1024);
    expect(delta(() => K.add(a, b, a, 100))).toBe(100);
    expect(delta(() => K.extMul(a, b, a, 37))).toBe(37);
    expect(delta(() => K.dot(a, b, 5))).toBe(5);
    expect(delta(() => K.combineRows(a, 8, 16, b, a))).toBe(128);
    expect(delta(() => K.transpose(a, 8, 16, b))).toBe(0);
    expect(delta(() => K.ntt(a, 10))).toBe(5120);
    expect(delta(() => K.intt(a, 10))).toBe(5120 + 1024);
    K.free(a); K.free(b);
  });

  it("RS encoding counts rows · (N/2)·log N butterflies of the codeword length N", () => {
    const rows = K.alloc(3 * 16), out = K.alloc(3 * 64);
    expect(delta(() => K.rsEncode(rows, 3, 4, 2, out))).toBe(3 * 32 * 6);
    K.free(rows); K.free(out);
    expect(delta(() => rsEncode(new Uint32Array(256), 2, K))).toBe(512 * 10);
  });

  it("eq, fold and round count table sizes; the fused fold-and-round counts both once", () => {
    const t = K.alloc(4 * 16), u = K.alloc(4 * 16), o1 = K.alloc(4 * 8), o2 = K.alloc(4 * 8);
    expect(delta(() => K.eqTable(new Uint32Array(4 * 5), K.alloc(4 * 32)))).toBe(32);
    expect(delta(() => K.foldExt(t, 8, r, o1))).toBe(16);
    expect(delta(() => K.roundProduct([{ buf: t, ext: true }, { buf: u, ext: false }], 8))).toBe(32);
    expect(delta(() => K.foldRoundProduct([{ buf: t, ext: true }, { buf: u, ext: true }], 8, r, [o1, o2]))).toBe((16 + 8) * 2);
    expect(delta(() => K.foldRoundProduct([{ buf: t, ext: true }, { buf: u, ext: true }], 1, r, [o1, o2]))).toBe(2 * 2);
  });
});
