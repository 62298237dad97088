// The closed-form table columns equal the MLE of their rows (evaluateMle) at random points, for
// clamps inside, below, above and around the rows, every table size the compiler makes.
import { describe, expect, it } from "vitest";
import { P } from "../field/index.ts";
import { evaluateMle } from "../poly/index.ts";
import { columnFormMle, type ColumnForm } from "./table-mle.ts";
import { pointWords } from "./gkr.ts";
import { clampTable, lowClampTable, rangeTable } from "../circuit/tables.ts";
import { toField } from "../circuit/values.ts";

let seed = 12345;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
const randomExt = () => Uint32Array.of(rand() % P, rand() % P, rand() % P, rand() % P);

function rowsOf(form: ColumnForm, n: number): Uint32Array {
  const out = new Uint32Array(2 ** n);
  for (let j = 0; j < out.length; j++) {
    let x = j + form.add;
    if (form.lo !== undefined && x < form.lo) x = form.lo;
    if (form.hi !== undefined && x > form.hi) x = form.hi;
    out[j] = ((x % P) + P) % P;
  }
  return out;
}

describe("closed-form table columns", () => {
  const cases: [number, ColumnForm][] = [];
  for (const n of [1, 2, 3, 5, 8, 12]) {
    const rows = 2 ** n, half = rows / 2;
    cases.push([n, { add: 0 }], [n, { add: -half }], [n, { add: 7 }]);
    // clamp tables: signed x, windows inside, touching and outside the rows.
    for (const [lo, hi] of [[-2, 1], [-half, half - 1], [-half - 5, half + 5], [0, 0], [3, 3], [-half + 1, -1], [half + 10, half + 20], [-3 * rows, -2 * rows]]) {
      if (lo! <= hi!) cases.push([n, { add: -half, lo, hi }]);
    }
    // lowclamp tables: j from an offset.
    for (const [add, lo, hi] of [[0, 0, 255], [-2048, -2048, 2047], [-100, -20, 20], [5, 0, 3], [0, rows + 3, rows + 9]] as const) cases.push([n, { add, lo, hi }]);
  }
  it("equals the MLE of the rows at random points", () => {
    for (const [n, form] of cases) {
      for (let k = 0; k < 3; k++) {
        const r = Array.from({ length: n }, randomExt);
        expect(Array.from(columnFormMle(form, r)), `${JSON.stringify(form)} over 2^${n}`).toEqual(Array.from(evaluateMle(rowsOf(form, n), false, pointWords(r))));
      }
    }
  });
  it("a clamp bound off by one gives another value (the test can tell)", () => {
    const r = Array.from({ length: 8 }, randomExt);
    expect(Array.from(columnFormMle({ add: -128, lo: -10, hi: 10 }, r))).not.toEqual(Array.from(evaluateMle(rowsOf({ add: -128, lo: -10, hi: 11 }, 8), false, pointWords(r))));
  });
  it("the compiler's clamp, range and low-clamp tables carry forms that are their columns", () => {
    for (const t of [clampTable(12, -2048, 2047), clampTable(9, 0, 100), clampTable(16, -128, 127), rangeTable(1), rangeTable(7), rangeTable(15), lowClampTable(16, -2048, -2048, 2047), lowClampTable(8, 0, 0, 255), lowClampTable(10, -3000, -100, 100)]) {
      const r = Array.from({ length: t.logRows }, randomExt);
      expect(t.forms).toHaveLength(t.columns.length);
      t.columns.forEach((col, c) => expect(Array.from(columnFormMle(t.forms![c]!, r)), `${t.key} column ${c}`).toEqual(Array.from(evaluateMle(toField(col), false, pointWords(r)))));
    }
  });
});
