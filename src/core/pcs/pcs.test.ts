import { describe, expect, it } from "vitest";
import { Transcript } from "../transcript/index.ts";
import { chooseParams, commit, layoutSegments, open, packSegments, readOpeningProof, verifyOpening, writeOpeningProof, type PcsClaim, type PcsParams } from "./index.ts";
import { mleBrute, randomFields, rng } from "./test-helpers.ts";
import { codeLength } from "./params.ts";
import { rowsInUse } from "./commit.ts";
import { fieldBackend, wasmBackend } from "../kernels/index.ts";

function roundTrip(params: PcsParams, evals: Uint32Array, claims: PcsClaim[]) {
  const data = commit(params, evals);
  const proof = open(new Transcript(), data, claims);
  const bytes = writeOpeningProof(proof, params);
  const result = verifyOpening(new Transcript(), params, data.root, claims, bytes);
  return { data, proof, bytes, result };
}

describe("pcs opening", () => {
  const r = rng(42);

  for (const logCols of [0, 3, 6, 10]) {
    it(`opens the whole vector at a random point (2^10 as ${2 ** (10 - logCols)} × ${2 ** logCols})`, () => {
      const params = chooseParams(10, { logCols });
      const evals = randomFields(r, 1024);
      const point = randomFields(r, 40);
      const { result, bytes } = roundTrip(params, evals, [{ point, value: mleBrute(evals, point) }]);
      expect(result).toEqual({ ok: true });
      expect(bytes.length).toBeGreaterThan(0);
    });
  }

  it("leaves prover and verifier transcripts in the same state, and binds the opening into it", () => {
    const params = chooseParams(8);
    const evals = randomFields(r, 256);
    const point = randomFields(r, 32);
    const claims = [{ point, value: mleBrute(evals, point) }];
    const data = commit(params, evals);
    const tp = new Transcript(), tv = new Transcript(), fresh = new Transcript();
    const bytes = writeOpeningProof(open(tp, data, claims), params);
    expect(verifyOpening(tv, params, data.root, claims, bytes)).toEqual({ ok: true });
    expect(Buffer.from(tv.digest())).toEqual(Buffer.from(tp.digest()));
    expect(Buffer.from(tv.digest())).not.toEqual(Buffer.from(fresh.digest()));
  });

  it("a 2^16 commitment at the default parameters: one claim and a batch of eight", () => {
    const params = chooseParams(16);
    const evals = randomFields(r, 1 << 16);
    const data = commit(params, evals);
    const claims: PcsClaim[] = [];
    for (let i = 0; i < 8; i++) {
      const logSize = 9 + i; // segments from 2^9 to 2^16, at aligned offsets
      const offset = (2 ** 16 - 2 ** logSize) & ~(2 ** logSize - 1);
      const point = randomFields(r, 4 * logSize);
      claims.push({ segment: { offset, logSize }, point, value: mleBrute(evals.subarray(offset, offset + 2 ** logSize), point) });
    }
    for (const cs of [claims.slice(7), claims]) {
      const bytes = writeOpeningProof(open(new Transcript(), data, cs), params);
      expect(verifyOpening(new Transcript(), params, data.root, cs, bytes)).toEqual({ ok: true });
    }
  });

  it("other rates and query counts are parameters", () => {
    expect(() => chooseParams(10, { logBlowup: 1 })).toThrow(/bits/); // 148 queries at rate 1/2: ~61 bits
    for (const opts of [{ logBlowup: 1, queries: 247 }, { logBlowup: 3, queries: 60 }]) {
      const params = chooseParams(10, opts);
      const evals = randomFields(r, 1024);
      const point = randomFields(r, 40);
      const claims = [{ point, value: mleBrute(evals, point) }];
      const { result, proof } = roundTrip(params, evals, claims);
      expect(result, JSON.stringify(opts)).toEqual({ ok: true });
      expect(proof.columns.length).toBeLessThanOrEqual(opts.queries * 2 ** params.logRows);
    }
  });

  it("rejects a wrong claimed value", () => {
    const params = chooseParams(8);
    const evals = randomFields(r, 256);
    const point = randomFields(r, 32);
    const value = mleBrute(evals, point);
    value[2] = (value[2]! + 1) % 2130706433;
    const data = commit(params, evals);
    // An honest prover cannot produce a proof for a false value: the row gives the true one.
    const bytes = writeOpeningProof(open(new Transcript(), data, [{ point, value }]), params);
    const res = verifyOpening(new Transcript(), params, data.root, [{ point, value }], bytes);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toMatch(/claimed value/);
  });

  it("proofs are deterministic and their bytes parse back to the same object", () => {
    const params = chooseParams(9);
    const evals = randomFields(r, 512);
    const point = randomFields(r, 36);
    const claims = [{ point, value: mleBrute(evals, point) }];
    const a = roundTrip(params, evals, claims), b = roundTrip(params, evals, claims);
    expect(Buffer.from(a.bytes)).toEqual(Buffer.from(b.bytes));
    expect(readOpeningProof(a.bytes, params, 1)).toEqual(a.proof);
  });

  it("claims on segments: tensors wider and narrower than a row", () => {
    const sizes = [300, 64, 17, 5, 1];
    const map = layoutSegments(sizes.map((length, i) => ({ name: `t${i}`, length })));
    const tensors = sizes.map((n) => randomFields(r, n));
    const evals = packSegments(map, tensors);
    const params = chooseParams(map.logN, { logCols: 5 });
    map.segments.forEach((s, i) => {
      const padded = evals.subarray(s.offset, s.offset + 2 ** s.logSize);
      const point = randomFields(r, 4 * s.logSize);
      const claim: PcsClaim = { segment: s, point, value: mleBrute(padded, point) };
      expect(roundTrip(params, evals, [claim]).result, `segment ${i}`).toEqual({ ok: true });
    });
    // The same point on the wrong segment is a false claim.
    const s0 = map.segments[1]!, s1 = map.segments[0]!;
    const point = randomFields(r, 4 * s0.logSize);
    const value = mleBrute(evals.subarray(s0.offset, s0.offset + 64), point);
    const res = roundTrip(params, evals, [{ segment: { offset: s1.offset + 64, logSize: 6 }, point, value }]).result;
    expect(res.ok).toBe(false);
  });

  it("batches several claims (whole vector, segments, two points on one segment) into one opening", () => {
    const sizes = [512, 256, 100, 3];
    const map = layoutSegments(sizes.map((length, i) => ({ name: `t${i}`, length })));
    const evals = packSegments(map, sizes.map((n) => randomFields(r, n)));
    const params = chooseParams(map.logN);
    const claims: PcsClaim[] = [];
    for (const s of [...map.segments, map.segments[1]!]) {
      const point = randomFields(r, 4 * s.logSize);
      claims.push({ segment: s, point, value: mleBrute(evals.subarray(s.offset, s.offset + 2 ** s.logSize), point) });
    }
    const whole = randomFields(r, 4 * map.logN);
    claims.push({ point: whole, value: mleBrute(evals, whole) });
    const { result, proof, bytes } = roundTrip(params, evals, claims);
    expect(result).toEqual({ ok: true });
    expect(proof.batch?.rowValues.length).toBe(4 * claims.length);
    expect(readOpeningProof(bytes, params, claims.length)).toEqual(proof);
    // One false value among many is caught.
    const bad = claims.map((c, i) => (i === 2 ? { ...c, value: Uint32Array.of(1, 2, 3, 4) } : c));
    const res = roundTrip(params, evals, bad).result;
    expect(res.ok).toBe(false);
  });

  it("batches many claims that share rows (segments narrower than a row, repeated points on one segment)", () => {
    // With 2^5 columns, the eight small tensors share rows; each gets two or three claims whose
    // column tables overlap (the prover sums them into one table per row) and the 100-entry one
    // spans several rows.
    const sizes = [100, 32, 16, 16, 8, 8, 4, 2, 1];
    const map = layoutSegments(sizes.map((length, i) => ({ name: `t${i}`, length })));
    const evals = packSegments(map, sizes.map((n) => randomFields(r, n)));
    const params = chooseParams(map.logN, { logCols: 5 });
    const claims: PcsClaim[] = [];
    map.segments.forEach((s, i) => {
      for (let k = 0; k < 2 + (i % 2); k++) {
        const point = randomFields(r, 4 * s.logSize);
        claims.push({ segment: s, point, value: mleBrute(evals.subarray(s.offset, s.offset + 2 ** s.logSize), point) });
      }
    });
    // Kernel memory is handed out again unzeroed: the columns of a row no claim's table covers
    // must be zeroed by the batch, not found zero.
    const K = fieldBackend(), junk = K.allocFor(1 << 18);
    K.view(junk).fill(7);
    K.free(junk);
    const { result, proof } = roundTrip(params, evals, claims);
    expect(result).toEqual({ ok: true });
    expect(proof.batch?.rowValues.length).toBe(4 * claims.length);
    // A false value on a shared row, even next to a true claim at another point of the same tensor, is caught.
    for (const i of [5, 6, claims.length - 1]) {
      const bad = claims.map((c, j) => (j === i ? { ...c, value: Uint32Array.of(c.value[0]! ^ 1, c.value[1]!, c.value[2]!, c.value[3]!) } : c));
      expect(roundTrip(params, evals, bad).result.ok, `claim ${i}`).toBe(false);
    }
  });

  it("rejects claims that do not fit the commitment, with a reason", () => {
    const params = chooseParams(6);
    const evals = randomFields(r, 64);
    const data = commit(params, evals);
    const bytes = writeOpeningProof(open(new Transcript(), data, [{ point: randomFields(r, 24), value: new Uint32Array(4) }]), params);
    const misaligned = verifyOpening(new Transcript(), params, data.root, [{ segment: { offset: 2, logSize: 2 }, point: randomFields(r, 8), value: new Uint32Array(4) }], bytes);
    expect(misaligned.ok === false && misaligned.reason).toMatch(/^pcs: claim 0: segment/);
    const shortPoint = verifyOpening(new Transcript(), params, data.root, [{ point: randomFields(r, 20), value: new Uint32Array(4) }], bytes);
    expect(shortPoint.ok === false && shortPoint.reason).toMatch(/coordinates/);
    expect(() => commit(params, new Uint32Array(63))).toThrow(/^pcs: commit/);
    expect(() => commit(params, new Uint32Array(64).fill(2130706433))).toThrow(/canonical/);
    // Before a zero tail, and as the very last word.
    for (const at of [5, 63]) {
      const bad = new Uint32Array(64);
      bad[at] = 2130706433;
      expect(() => commit(params, bad)).toThrow(new RegExp(`index ${at} is not a canonical`));
    }
  });

  it("zero rows at the end are zero-filled, not encoded: the same code as encoding every row", () => {
    const params = chooseParams(12), rows = 2 ** params.logRows, cols = 2 ** params.logCols, len = codeLength(params);
    const K = wasmBackend();
    for (const live of [4096, 4095, 3 * cols + 1, 3 * cols, cols, 1, 0]) {
      const evals = new Uint32Array(4096);
      evals.set(randomFields(r, live).map((x) => x || 1));
      expect(rowsInUse(evals, params.logCols)).toBe(Math.ceil(live / cols));
      // The reference: every row through the encoder, then column-major.
      const inp = K.from(evals), enc = K.allocFor(rows * len);
      K.rsEncode(inp, rows, params.logCols, params.logBlowup, enc);
      const code = K.read(enc), expected = new Uint32Array(rows * len);
      for (let i = 0; i < rows; i++) for (let j = 0; j < len; j++) expected[j * rows + i] = code[i * len + j]!;
      K.free(inp); K.free(enc);
      expect(commit(params, evals).columns).toEqual(expected);
    }
  });
});
