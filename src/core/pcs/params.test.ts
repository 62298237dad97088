import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, ProofFormatError } from "../bytes/index.ts";
import { chooseParams, codeLength, estimateProofBytes, readParams, securityBits, validateParams, writeParams, PcsError } from "./index.ts";
import { layoutSegments, packSegments, validateSegmentMap } from "./segments.ts";

describe("pcs parameters", () => {
  it("defaults give at least 100 bits: (5/8)^148 < 2^-100", () => {
    const p = chooseParams(20);
    expect(p.logBlowup).toBe(2);
    expect(p.queries).toBe(148);
    expect(securityBits(p)).toBeGreaterThanOrEqual(100);
    expect(148 * Math.log2(8 / 5)).toBeGreaterThan(100);
    expect(securityBits({ logBlowup: 2, queries: 147 })).toBeLessThan(100);
  });

  it("chooses the layout with the smallest opening, rows ~16x shorter than wide", () => {
    const p = chooseParams(22);
    expect(p.logRows + p.logCols).toBe(22);
    for (let logCols = 0; logCols <= 22; logCols++) {
      expect(estimateProofBytes(p)).toBeLessThanOrEqual(estimateProofBytes({ ...p, logCols, logRows: 22 - logCols }));
    }
    expect(p.logCols).toBe(13);
    expect(codeLength(p)).toBe(2 ** 15);
    expect(estimateProofBytes(p)).toBeLessThan(1.5e6);
  });

  it("honours a forced shape and rejects impossible ones", () => {
    expect(chooseParams(10, { logCols: 4 }).logRows).toBe(6);
    expect(() => chooseParams(10, { logBlowup: 2, queries: 10, logCols: 23 })).toThrow(PcsError);
    expect(() => validateParams({ logN: 10, logRows: 5, logCols: 4, logBlowup: 2, queries: 148 })).toThrow(/must equal logN/);
    expect(() => validateParams({ logN: 4, logRows: 0, logCols: 4, logBlowup: 0, queries: 148 })).toThrow(/logBlowup/);
    expect(() => validateParams({ logN: 4, logRows: 0, logCols: 4, logBlowup: 2, queries: 0 })).toThrow(/query/);
    expect(() => validateParams({ logN: 4, logRows: 0.5, logCols: 3.5, logBlowup: 2, queries: 1 })).toThrow(/integers/);
  });
});

describe("pcs parameter bytes", () => {
  it("round-trip with a fixed layout, and reject invalid parameters at their offset", () => {
    const p = chooseParams(22);
    const bytes = writeParams(new ByteWriter(), p).finish();
    expect(Array.from(bytes)).toEqual([22, 9, 13, 2, 148, 0, 0, 0]);
    expect(readParams(new ByteReader(bytes))).toEqual(p);
    const bad = bytes.slice();
    bad[1] = 10; // rows + cols ≠ n
    expect(() => readParams(new ByteReader(bad))).toThrow(ProofFormatError);
    expect(() => readParams(new ByteReader(bad))).toThrow(/at byte 0: expected valid pcs parameters/);
    expect(() => readParams(new ByteReader(bytes.subarray(0, 6)))).toThrow(/truncated/);
  });
});

describe("segment maps", () => {
  it("aligns every segment and packs with zero padding", () => {
    const map = layoutSegments([{ name: "a", length: 3 }, { name: "b", length: 16 }, { name: "c", length: 5 }, { name: "d", length: 1 }]);
    expect(map.segments.map((s) => [s.name, s.logSize, s.offset])).toEqual([["a", 2, 24], ["b", 4, 0], ["c", 3, 16], ["d", 0, 28]]);
    expect(map.logN).toBe(5);
    validateSegmentMap(map);
    const packed = packSegments(map, [Uint32Array.of(1, 2, 3), new Uint32Array(16).fill(9), Uint32Array.of(5, 5, 5, 5, 5), Uint32Array.of(7)]);
    expect(Array.from(packed.subarray(16, 32))).toEqual([5, 5, 5, 5, 5, 0, 0, 0, 1, 2, 3, 0, 7, 0, 0, 0]);
  });

  it("rejects overlapping, misaligned or oversized segments", () => {
    const seg = (offset: number, logSize: number, length = 1) => ({ name: "s", length, logSize, offset });
    expect(() => validateSegmentMap({ logN: 4, segments: [seg(0, 3), seg(4, 2)] })).toThrow(/overlap/);
    expect(() => validateSegmentMap({ logN: 4, segments: [seg(2, 2)] })).toThrow(/aligned/);
    expect(() => validateSegmentMap({ logN: 4, segments: [seg(16, 0)] })).toThrow(/aligned/);
    expect(() => validateSegmentMap({ logN: 4, segments: [seg(0, 2, 5)] })).toThrow(/fit/);
    expect(() => layoutSegments([{ name: "e", length: 0 }])).toThrow(/non-empty/);
    expect(() => packSegments(layoutSegments([{ name: "x", length: 2 }]), [Uint32Array.of(1)])).toThrow(/expects 2/);
  });
});
