// PROTOCOL.md §9 for the commitment: every tampered opening is rejected with a reason, the
// verifier never throws and never hangs.
import { describe, expect, it } from "vitest";
import { P } from "../field/index.ts";
import { Transcript } from "../transcript/index.ts";
import { eqTable } from "../poly/index.ts";
import { claimLayout, rowWeights } from "./claims.ts";
import { columnLeaves, type KeptPcsData } from "./commit.ts";
import { buildMerkle, merkleRoot } from "./merkle.ts";
import { bindStatement, LABEL, squeezeGamma, squeezeQueries } from "./protocol.ts";
import { withMatrix } from "./rows.ts";
import { distinctSorted, openMulti } from "./merkle.ts";
import {
  chooseParams, commit, layoutSegments, open, packSegments, readOpeningProof, verifyOpening, writeOpeningProof,
  type OpeningProof, type PcsClaim, type PcsParams, type VerifyResult,
} from "./index.ts";
import { mleBrute, randomFields, rng } from "./test-helpers.ts";

const FUZZ = process.env.ZKML_FULL ? 30_000 : 3_000;

function setup(seed: number, batched: boolean) {
  const r = rng(seed);
  const map = layoutSegments([{ name: "w", length: 200 }, { name: "b", length: 30 }, { name: "x", length: 7 }]);
  const evals = packSegments(map, map.segments.map((s) => randomFields(r, s.length)));
  const params = chooseParams(map.logN, { logCols: 4 });
  const data = commit(params, evals);
  const claims: PcsClaim[] = (batched ? map.segments : [map.segments[0]!]).map((s) => {
    const point = randomFields(r, 4 * s.logSize);
    return { segment: s, point, value: mleBrute(evals.subarray(s.offset, s.offset + 2 ** s.logSize), point) };
  });
  const proof = open(new Transcript(), data, claims);
  return { params, data, claims, proof, bytes: writeOpeningProof(proof, params), r };
}

const verify = (params: PcsParams, root: Uint8Array, claims: PcsClaim[], bytes: Uint8Array): VerifyResult =>
  verifyOpening(new Transcript(), params, root, claims, bytes);

function rejected(res: VerifyResult, why?: RegExp): void {
  expect(res.ok).toBe(false);
  if (!res.ok) {
    expect(res.reason).toMatch(/^(pcs|bytes): /);
    if (why) expect(res.reason).toMatch(why);
  }
}

/** Re-serializes a proof after `edit` changes a copy of it. */
function tampered(s: ReturnType<typeof setup>, edit: (p: OpeningProof) => void): Uint8Array {
  const p = structuredClone(s.proof);
  edit(p);
  return writeOpeningProof(p, s.params);
}

const bump = (v: Uint32Array, i: number): void => { v[i] = (v[i]! + 1) % P; };

/**
 * A cheating prover that sends its own proximity/evaluation rows but otherwise follows the
 * protocol (so the queries match its transcript) and opens the committed columns honestly.
 */
function cheat(data: KeptPcsData, claim: PcsClaim, edit: { proximity?: (row: Uint32Array) => void; evalRow?: (row: Uint32Array) => void }): Uint8Array {
  const { params, matrix } = data;
  const t = new Transcript();
  const cols = 2 ** params.logCols, rows = 2 ** params.logRows;
  bindStatement(t, params, data.root, [claim]);
  const { proximityRow, evalRow } = withMatrix(matrix, cols, (M) => {
    const proximityRow = M.combine(0, eqTable(squeezeGamma(t, params)));
    edit.proximity?.(proximityRow);
    t.absorbFields(LABEL.proximityRow, proximityRow);
    const l = claimLayout(params, claim);
    const evalRow = M.combine(l.rowStart, rowWeights(l));
    edit.evalRow?.(evalRow);
    return { proximityRow, evalRow };
  });
  t.absorbFields(LABEL.evalRow, evalRow);
  const idx = distinctSorted(squeezeQueries(t, params));
  const columns = new Uint32Array(idx.length * rows);
  idx.forEach((j, k) => columns.set(data.columns.subarray(j * rows, (j + 1) * rows), k * rows));
  return writeOpeningProof({ proximityRow, evalRow, columns, siblings: openMulti(data.tree, idx) }, params);
}

describe("pcs tamper: single claim", () => {
  const s = setup(1, false);
  const { params, data, claims } = s;

  it("the honest proof verifies", () => expect(verify(params, data.root, claims, s.bytes)).toEqual({ ok: true }));

  it("a changed root", () => {
    const root = data.root.slice();
    root[5]! ^= 0x10;
    // The root is bound first, so every later challenge moves: any check may be the one to fail.
    rejected(verify(params, root, claims, s.bytes));
    rejected(verify(params, root.subarray(1), claims, s.bytes), /32 bytes/);
  });

  it("a changed Merkle path node", () => {
    rejected(verify(params, data.root, claims, tampered(s, (p) => { p.siblings[40]! ^= 1; })), /root/);
    rejected(verify(params, data.root, claims, tampered(s, (p) => { p.siblings = p.siblings.subarray(32); })), /sibling/);
  });

  it("a changed opened column (Merkle leaf)", () => {
    for (const i of [0, 17, s.proof.columns.length - 1]) {
      rejected(verify(params, data.root, claims, tampered(s, (p) => bump(p.columns, i))), /root/);
    }
    rejected(verify(params, data.root, claims, tampered(s, (p) => { p.columns = p.columns.subarray(2 ** params.logRows); })), /opened columns/);
  });

  it("a changed evaluation row or proximity row", () => {
    rejected(verify(params, data.root, claims, tampered(s, (p) => bump(p.evalRow, 9))));
    rejected(verify(params, data.root, claims, tampered(s, (p) => bump(p.proximityRow!, 3))));
  });

  it("an evaluation row forged to give a false value is caught by the column checks", () => {
    // Add δ at column c of u and compensate nowhere: ⟨u', eq(z_col)⟩ = v + δ·eq(z_col)_c is the
    // cheater's claimed value; the queries follow its transcript; the columns are honest.
    const claim = claims[0]!;
    const l = claimLayout(params, claim);
    const eqCol = eqTable(l.colPoint);
    const forged = { ...claim, value: claim.value.map((x, k) => (x + eqCol[12 + k]!) % P) };
    const bytes = cheat(data, forged, { evalRow: (u) => bump(u, 12) }); // δ = 1 in c0 of column 3
    rejected(verify(params, data.root, [forged], bytes), /evaluation row's encoding disagrees/);
  });

  it("a forged proximity row is caught by the column checks", () => {
    rejected(verify(params, data.root, claims, cheat(data, claims[0]!, { proximity: (row) => bump(row, 0) })), /proximity row's encoding disagrees/);
  });

  it("a commitment to a matrix far from the code fails the proximity test", () => {
    // Corrupt one row of the encoded matrix in half of the columns, recommit to it, and let the
    // prover answer with the rows of the original matrix.
    const rows = 2 ** params.logRows;
    const columns = data.columns.slice();
    for (let j = 0; j < columns.length / rows; j += 2) columns[j * rows + 1] = (columns[j * rows + 1]! + 7) % P;
    const tree = buildMerkle(columnLeaves(columns, rows));
    const bad: KeptPcsData = { ...data, columns, tree, root: merkleRoot(tree) };
    const res = verify(params, bad.root, claims, writeOpeningProof(open(new Transcript(), bad, claims), params));
    rejected(res, /encoding disagrees/);
  });

  it("a changed claimed value or point", () => {
    const c = claims[0]!;
    const value = c.value.slice();
    bump(value, 0);
    rejected(verify(params, data.root, [{ ...c, value }], s.bytes));
    const point = c.point.slice();
    bump(point, 1);
    rejected(verify(params, data.root, [{ ...c, point }], s.bytes));
  });

  it("truncation at every length, a trailing byte, a wrong version, a non-canonical element", () => {
    for (let n = 0; n < s.bytes.length; n += n < 64 ? 1 : 97) rejected(verify(params, data.root, claims, s.bytes.subarray(0, n)), /bytes: /);
    const longer = new Uint8Array(s.bytes.length + 1);
    longer.set(s.bytes);
    rejected(verify(params, data.root, claims, longer), /trailing/);
    const v2 = s.bytes.slice();
    v2[0] = 2;
    rejected(verify(params, data.root, claims, v2), /version/);
    const nc = s.bytes.slice();
    new DataView(nc.buffer).setUint32(1, P, true);
    rejected(verify(params, data.root, claims, nc), /not canonical/);
  });

  it(`random byte flips (${FUZZ} cases at a fixed seed) all reject, none throws`, () => {
    const r = rng(777);
    for (let k = 0; k < FUZZ; k++) {
      const b = s.bytes.slice();
      const flips = 1 + (r() % 3);
      for (let f = 0; f < flips; f++) b[r() % b.length]! ^= 1 + (r() % 255);
      const res = verify(params, data.root, claims, b);
      expect(res.ok, `case ${k}`).toBe(false);
    }
  });
});

describe("pcs tamper: batched claims", () => {
  const s = setup(2, true);
  const { params, data, claims } = s;

  it("the honest batched proof verifies", () => expect(verify(params, data.root, claims, s.bytes)).toEqual({ ok: true }));

  it("every sumcheck round word", () => {
    const rounds = s.proof.batch!.rounds;
    for (let i = 0; i < rounds.length; i += 3) {
      rejected(verify(params, data.root, claims, tampered(s, (p) => bump(p.batch!.rounds, i))));
    }
  });

  it("a row value g_l(y*), the combined row, a claimed value", () => {
    for (let l = 0; l < claims.length; l++) {
      rejected(verify(params, data.root, claims, tampered(s, (p) => bump(p.batch!.rowValues, 4 * l + 1))), /row values/);
    }
    rejected(verify(params, data.root, claims, tampered(s, (p) => bump(p.evalRow, 0))), /evaluation row/);
    const bad = claims.map((c, i) => (i === 1 ? { ...c, value: c.value.map((x, k) => (k === 0 ? (x + 1) % P : x)) } : c));
    rejected(verify(params, data.root, bad, s.bytes));
  });

  it("the proof of other claims, or with a claim dropped", () => {
    rejected(verify(params, data.root, claims.slice(0, 2), s.bytes), /bytes: /);
    rejected(verify(params, data.root, [claims[1]!, claims[0]!, claims[2]!], s.bytes));
  });

  it("truncation and random byte flips", () => {
    for (let n = 0; n < s.bytes.length; n += 61) rejected(verify(params, data.root, claims, s.bytes.subarray(0, n)));
    const r = rng(99);
    for (let k = 0; k < FUZZ / 3; k++) {
      const b = s.bytes.slice();
      b[r() % b.length]! ^= 1 << (r() % 8);
      expect(verify(params, data.root, claims, b).ok, `case ${k}`).toBe(false);
    }
  });

  it("parses with bounds from the parameters only", () => {
    expect(readOpeningProof(s.bytes, params, claims.length)).toEqual(s.proof);
    expect(() => readOpeningProof(s.bytes, { ...params, queries: 1 }, claims.length)).toThrow(/maximum/);
  });
});

describe("pcs verifier never throws", () => {
  it("on nonsense parameters, claims or bytes", () => {
    const s = setup(3, false);
    const results = [
      verify({ ...s.params, logRows: 99 }, s.data.root, s.claims, s.bytes),
      verify(s.params, s.data.root, [], s.bytes),
      verify(s.params, s.data.root, [{ point: new Uint32Array(3), value: new Uint32Array(4) }], s.bytes),
      verify(s.params, s.data.root, s.claims, new Uint8Array(0)),
      verify(s.params, s.data.root, s.claims, new Uint8Array(1 << 16).fill(0xff)),
    ];
    for (const r of results) rejected(r);
  });
});
