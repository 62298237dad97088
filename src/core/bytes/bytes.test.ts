import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, ProofFormatError } from "./index.ts";

const P = 2130706433;

function sample(): Uint8Array {
  return new ByteWriter()
    .u8(7).u32(0xdeadbeef).u64(2 ** 40 + 5)
    .field(P - 1)
    .fieldVec(Uint32Array.of(1, 2, 3))
    .extVec(Uint32Array.of(4, 5, 6, 7))
    .bytesVec(Uint8Array.of(9, 8))
    .finish();
}

function readSample(r: ByteReader): unknown[] {
  const out = [r.u8("a"), r.u32("b"), r.u64("c"), r.field("d"), Array.from(r.fieldVec("e", 3)), Array.from(r.extVec("f", 1)), Array.from(r.bytesVec("g", 2))];
  r.expectEnd();
  return out;
}

function rejection(fn: () => unknown): ProofFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProofFormatError) return e;
    throw e;
  }
  throw new Error("expected a ProofFormatError");
}

describe("bytes", () => {
  it("writes the exact little-endian layout", () => {
    const want = [
      7, 0xef, 0xbe, 0xad, 0xde, 5, 0, 0, 0, 0, 1, 0, 0, // u8, u32, u64 = 2^40 + 5
      0, 0, 0, 0x7f, // p - 1 = 0x7f000000
      3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
      1, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0,
      2, 0, 0, 0, 9, 8,
    ];
    expect(Array.from(sample())).toEqual(want);
  });

  it("round-trips", () => {
    expect(readSample(new ByteReader(sample()))).toEqual([7, 0xdeadbeef, 2 ** 40 + 5, P - 1, [1, 2, 3], [4, 5, 6, 7], [9, 8]]);
  });

  it("grows past its initial buffer at every kind of write", () => {
    const w = new ByteWriter();
    for (let i = 0; i < 300; i++) w.u8(i & 255).u32(i).u64(i).raw(Uint8Array.of(i & 255)).field(i);
    const rd = new ByteReader(w.finish());
    for (let i = 0; i < 300; i++) {
      expect([rd.u8("a"), rd.u32("b"), rd.u64("c"), rd.raw(1, "d")[0], rd.field("e")]).toEqual([i & 255, i, i, i & 255, i]);
    }
    rd.expectEnd();
  });

  it("grows past its initial buffer", () => {
    const w = new ByteWriter();
    const xs = Uint32Array.from({ length: 10_000 }, (_, i) => i);
    w.fieldVec(xs);
    expect(Array.from(new ByteReader(w.finish()).fieldVec("xs", 10_000))).toEqual(Array.from(xs));
  });

  it("rejects every truncation with the offset", () => {
    const full = sample();
    for (let n = 0; n < full.length; n++) {
      const e = rejection(() => readSample(new ByteReader(full.subarray(0, n))));
      expect(e.offset).toBeLessThanOrEqual(n);
      expect(e.message).toMatch(/^bytes: at byte \d+: expected .*truncated/);
    }
  });

  it("rejects a trailing byte", () => {
    const full = sample();
    const longer = new Uint8Array(full.length + 1);
    longer.set(full);
    const e = rejection(() => readSample(new ByteReader(longer)));
    expect(e.offset).toBe(full.length);
    expect(e.message).toMatch(/1 trailing byte/);
  });

  it("rejects non-canonical elements", () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(4, P, true);
    const e = rejection(() => new ByteReader(bytes).fields(2, "row"));
    expect(e.offset).toBe(4);
    expect(e.expected).toBe("row");
    expect(e.message).toMatch(/not canonical/);
    new DataView(bytes.buffer).setUint32(4, 0xffffffff, true);
    expect(() => new ByteReader(bytes).fields(2, "row")).toThrow(ProofFormatError);
  });

  it("checks a length against the caller's maximum and the bytes left before allocating", () => {
    const over = new ByteWriter().fieldVec(Uint32Array.of(1, 2, 3)).finish();
    expect(rejection(() => new ByteReader(over).fieldVec("u", 2)).message).toMatch(/3 exceeds the maximum 2/);
    // A huge claimed length with a generous maximum: rejected by the bytes remaining, no allocation.
    const huge = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4);
    expect(rejection(() => new ByteReader(huge).fieldVec("u", 2 ** 32)).message).toMatch(/truncated/);
    expect(rejection(() => new ByteReader(huge).extVec("u", 2 ** 32)).message).toMatch(/truncated/);
    expect(rejection(() => new ByteReader(huge).bytesVec("u", 2 ** 32)).message).toMatch(/truncated/);
    expect(rejection(() => new ByteReader(Uint8Array.of(1, 0, 0, 0)).length("n", 5, 1, 2)).message).toMatch(/below the minimum/);
  });

  it("rejects a u64 beyond 2^53", () => {
    const b = Uint8Array.of(0, 0, 0, 0, 0, 0, 0x20, 0);
    expect(rejection(() => new ByteReader(b).u64("n")).message).toMatch(/2\^53/);
  });

  it("the writer refuses values it cannot encode canonically", () => {
    expect(() => new ByteWriter().field(P)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(RangeError);
    expect(() => new ByteWriter().u8(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().extVec(new Uint32Array(3))).toThrow(RangeError);
  });
});
