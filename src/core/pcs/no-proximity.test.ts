// Openings without the proximity row (for the model commitment, whose proximity the setup proof
// tests once): they round-trip, are smaller by one row, cannot be read in the other mode, and a
// forged evaluation row is still caught by the column checks alone.
import { describe, expect, it } from "vitest";
import { P } from "../field/index.ts";
import { Transcript } from "../transcript/index.ts";
import { eqTable } from "../poly/index.ts";
import { claimLayout, rowWeights } from "./claims.ts";
import { distinctSorted, openMulti } from "./merkle.ts";
import { bindStatement, LABEL, squeezeQueries } from "./protocol.ts";
import { withMatrix } from "./rows.ts";
import { chooseParams, commit, open, readOpeningProof, verifyOpening, writeOpeningProof, type PcsClaim } from "./index.ts";
import { mleBrute, randomFields, rng } from "./test-helpers.ts";

const r = rng(99);
const params = chooseParams(12, { logCols: 6 });
const evals = randomFields(r, 2 ** 12);
const data = commit(params, evals);
const point = randomFields(r, 4 * 12);
const claims: PcsClaim[] = [{ point, value: mleBrute(evals, point) }];
const NO = { proximity: false };

describe("openings without the proximity row", () => {
  const full = writeOpeningProof(open(new Transcript(), data, claims), params);
  const lean = writeOpeningProof(open(new Transcript(), data, claims, NO), params);

  it("verify, and carry no proximity row", () => {
    expect(verifyOpening(new Transcript(), params, data.root, claims, lean, NO)).toEqual({ ok: true });
    const p = readOpeningProof(lean, params, 1, false);
    expect(p.proximityRow).toBeUndefined();
    // The queries differ with the transcript, so compare without the opened columns and siblings.
    const f = readOpeningProof(full, params, 1);
    const rest = (b: Uint8Array, q: { columns: Uint32Array; siblings: Uint8Array }) => b.length - 4 * q.columns.length - q.siblings.length;
    expect(rest(full, f) - rest(lean, p)).toBe(16 * 2 ** params.logCols);
  });

  it("are rejected in the other mode, either way", () => {
    expect(verifyOpening(new Transcript(), params, data.root, claims, lean).ok).toBe(false);
    expect(verifyOpening(new Transcript(), params, data.root, claims, full, NO).ok).toBe(false);
  });

  it("catch an evaluation row forged to give a false value", () => {
    // The cheater shifts column 3 of the evaluation row by 1 and claims v + eq(z_col)_3, then
    // follows the protocol (its queries come from its own transcript) with honest columns.
    const l = claimLayout(params, claims[0]!);
    const eqCol = eqTable(l.colPoint);
    const forged: PcsClaim = { ...claims[0]!, value: claims[0]!.value.map((x, k) => (x + eqCol[12 + k]!) % P) };
    const t = new Transcript();
    bindStatement(t, params, data.root, [forged]);
    const evalRow = withMatrix(data.matrix, 2 ** params.logCols, (M) => M.combine(l.rowStart, rowWeights(l)));
    evalRow[12] = (evalRow[12]! + 1) % P;
    t.absorbFields(LABEL.evalRow, evalRow);
    const rows = 2 ** params.logRows;
    const indices = distinctSorted(squeezeQueries(t, params));
    const columns = new Uint32Array(indices.length * rows);
    indices.forEach((j, k) => columns.set(data.columns.subarray(j * rows, (j + 1) * rows), k * rows));
    const bytes = writeOpeningProof({ evalRow, columns, siblings: openMulti(data.tree, indices) }, params);
    const v = verifyOpening(new Transcript(), params, data.root, [forged], bytes, NO);
    expect(v.ok).toBe(false);
    expect((v as { reason: string }).reason).toMatch(/evaluation row's encoding disagrees/);
  });
});
