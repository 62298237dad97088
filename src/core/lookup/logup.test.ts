import { describe, expect, it } from "vitest";
import { P, type Ext, extAdd, extEquals, extFromBase, extMul, extSub } from "../field/index.ts";
import { Transcript } from "../transcript/index.ts";
import { logupProve, logupVerify, multiplicities, selectorEval, type LookupUse, type LogupProof, type Table } from "./index.ts";
import { LookupError, LookupRejection } from "./errors.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** (x, relu(x)) for signed 6-bit x, as field elements: rows x_j = j − 32. */
function reluTable(): Table {
  const x = new Uint32Array(64), y = new Uint32Array(64);
  for (let j = 0; j < 64; j++) {
    const v = j - 32;
    x[j] = (v + P) % P;
    y[j] = Math.max(v, 0);
  }
  return { name: "relu6", logRows: 6, columns: [x, y] };
}

function use(shape: number[], logDims: number[], seed: number, label: string): LookupUse {
  const r = rng(seed);
  const size = 2 ** logDims.reduce((a, b) => a + b, 0);
  const x = new Uint32Array(size), y = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    const v = (r() % 64) - 32;
    x[i] = (v + P) % P;
    y[i] = Math.max(v, 0);
  }
  return { shape, logDims, columns: [x, y], label };
}

function mle(values: Uint32Array, point: Ext[]): Ext {
  let cur: Ext[] = Array.from(values, (v) => extFromBase(v));
  for (const r of point) {
    const next: Ext[] = [];
    for (let i = 0; i < cur.length / 2; i++) next.push(extAdd(cur[2 * i]!, extMul(r, extSub(cur[2 * i + 1]!, cur[2 * i]!))));
    cur = next;
  }
  return cur[0]!;
}

function setup() {
  const table = reluTable();
  const uses = [use([3, 5], [2, 3], 1, "a"), use([10], [4], 2, "b"), use([1, 2], [0, 1], 3, "c")];
  // Padding positions hold garbage that is not in the table: the selectors must exclude them.
  uses[0]!.columns[0]![7] = 123456; // row 0, column 7 ≥ 5: padding
  uses[1]!.columns[1]![12] = 99; // position 12 ≥ 10: padding
  return { table, uses };
}

/** A second, one-column table of another size: 0..7, used by five values. */
function rangeSetup(): { table: Table; uses: LookupUse[] } {
  const table: Table = { name: "range3", logRows: 3, columns: [Uint32Array.from({ length: 8 }, (_, j) => j)] };
  return { table, uses: [{ shape: [5], logDims: [3], columns: [Uint32Array.of(3, 0, 7, 7, 2, 9, 9, 9)], label: "r" }] };
}

type Instance = { table: Table; uses: LookupUse[]; m?: Uint32Array };

function prove(instances: Instance[]) {
  const tr = new Transcript();
  tr.absorb("test", new Uint8Array([1]));
  return logupProve(instances.map((x) => ({ table: x.table, uses: x.uses, m: x.m ?? multiplicities(x.table, x.uses) })), tr);
}

function verify(instances: Instance[], proof: LogupProof) {
  const tr = new Transcript();
  tr.absorb("test", new Uint8Array([1]));
  return logupVerify(instances.map((x) => ({ table: x.table, uses: x.uses.map((u) => ({ shape: u.shape, logDims: u.logDims })) })), proof, tr);
}

const bump = (e: Ext): Ext => { const c = e.slice(); c[0] = (c[0]! + 1) % P; return c; };

describe("LogUp-GKR", () => {
  it("accepts honest lookups of several shapes and returns true column claims", () => {
    const { table, uses } = setup();
    const m = multiplicities(table, uses);
    expect(m.reduce((a, b) => a + b, 0)).toBe(15 + 10 + 2);
    const { proof } = prove([{ table, uses, m }]);
    const [claims] = verify([{ table, uses }], proof);
    for (const c of claims!.columns) expect(extEquals(c.value, mle(uses[c.use]!.columns[c.column]!, c.point))).toBe(true);
    expect(extEquals(claims!.multiplicity.value, mle(m, claims!.multiplicity.point))).toBe(true);
  });

  it("proves instances of different tables and sizes together, each with true claims", () => {
    const a = setup(), b = rangeSetup();
    const instances = [a, b].map((x) => ({ ...x, m: multiplicities(x.table, x.uses) }));
    const { proof, claims: proverClaims } = prove(instances);
    // One set of rounds per layer for all four trees (depths 6, 6, 3, 3), not one per tree.
    expect(proof.gkr.layers.map((l) => l.ends.length)).toEqual([4, 4, 4, 2, 2, 2]);
    const claims = verify(instances, proof);
    expect(claims).toEqual(proverClaims);
    instances.forEach((x, i) => {
      for (const c of claims[i]!.columns) expect(extEquals(c.value, mle(x.uses[c.use]!.columns[c.column]!, c.point))).toBe(true);
      expect(extEquals(claims[i]!.multiplicity.value, mle(x.m, claims[i]!.multiplicity.point))).toBe(true);
    });
  });

  it("stays complete when a GKR challenge zeroes an eq factor (the prover then sums t(1) on the kernels)", () => {
    // Every sumcheck challenge 0 and every μ 1: each layer's point is (0, …, 0, 1), so every
    // round but the last has r_j = 0, where t(1) cannot come from the claim.
    class Degenerate extends Transcript {
      override squeezeExt(label: string): Uint32Array {
        if (label === "logup/challenge") return extFromBase(0);
        if (label === "logup/mu") return extFromBase(1);
        return super.squeezeExt(label);
      }
    }
    const instances = [setup(), rangeSetup()];
    const start = () => { const tr = new Degenerate(); tr.absorb("test", new Uint8Array([1])); return tr; };
    const { proof } = logupProve(instances.map((x) => ({ ...x, m: multiplicities(x.table, x.uses) })), start());
    const claims = logupVerify(instances.map((x) => ({ table: x.table, uses: x.uses })), proof, start());
    // (Soundness needs random challenges: this transcript only shows the prover still completes.)
    claims.forEach((cs, i) => cs.columns.forEach((c) => expect(extEquals(c.value, mle(instances[i]!.uses[c.use]!.columns[c.column]!, c.point))).toBe(true)));
  });
  it("the selector MLE equals the MLE of the live mask", () => {
    const r = rng(5);
    const shape = [3, 5], logDims = [2, 3];
    const mask = new Uint32Array(32);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 8; j++) mask[i * 8 + j] = i < 3 && j < 5 ? 1 : 0;
    const point = Array.from({ length: 5 }, () => Uint32Array.of(r() % P, r() % P, r() % P, r() % P));
    expect(extEquals(selectorEval({ shape, logDims }, point), mle(mask, point))).toBe(true);
  });

  it("multiplicities count every live tuple of one, two and three columns, and name the first missing one", () => {
    const r = rng(11);
    for (const width of [1, 2, 3]) {
      // Rows j: (j − 40, 3j mod 17, j mod 5) — the first column is a signed key.
      const rows = 128, table: Table = { name: `w${width}`, logRows: 7, columns: [] };
      const row = (j: number) => [(j - 40 + P) % P, (3 * j) % 17, j % 5].slice(0, width);
      for (let c = 0; c < width; c++) table.columns.push(Uint32Array.from({ length: rows }, (_, j) => row(j)[c]!));
      const pick = Array.from({ length: 32 }, () => r() % rows);
      const u: LookupUse = { shape: [4, 6], logDims: [2, 3], columns: Array.from({ length: width }, (_, c) => Uint32Array.from({ length: 32 }, (_, x) => row(pick[x]!)[c]!)), label: "u" };
      const want = new Uint32Array(rows);
      for (let x = 0; x < 32; x++) if (x % 8 < 6) want[pick[x]!]!++;
      expect(Array.from(multiplicities(table, [u]))).toEqual(Array.from(want));
      // Position 9 (live) is off in its last column, position 20 (live) too: 9 is named.
      for (const x of [9, 20]) u.columns[width - 1]![x] = width === 1 ? 1000 : 99;
      expect(() => multiplicities(table, [u])).toThrow(/u: value .* at position 9 is not in table/);
      want[pick[9]!]!--; want[pick[20]!]!--;
      expect(Array.from(multiplicities(table, [u], { skipMissing: true }))).toEqual(Array.from(want));
    }
  });

  it("a value outside the table is a prover-side error naming the use", () => {
    const { table, uses } = setup();
    uses[1]!.columns[1]![3] = 77;
    expect(() => multiplicities(table, uses)).toThrow(LookupError);
    expect(() => multiplicities(table, uses)).toThrow(/b: value .* at position 3 is not in table relu6/);
  });

  it("rejects a wrong table entry in the witness (proved against a doctored table)", () => {
    const { table, uses } = setup();
    const fake: Table = { ...table, columns: [table.columns[0]!, table.columns[1]!.slice()] };
    fake.columns[1]![10] = 5; // relu(-22) claimed to be 5
    const x = uses[1]!.columns[0]!, y = uses[1]!.columns[1]!;
    x[0] = (P - 22) % P; y[0] = 5;
    const { proof } = prove([{ table: fake, uses }]);
    expect(() => verify([{ table, uses }], proof)).toThrow(LookupRejection);
  });

  it("a table with closed-form columns verifies as its rows do, and is what the verifier evaluates", () => {
    // reluTable's columns are j − 32 and clamp(j − 32, 0, 31): the forms the compiler gives its tables.
    const { table, uses } = setup();
    const formed: Table = { ...table, forms: [{ add: -32 }, { add: -32, lo: 0, hi: 31 }] };
    const { proof } = prove([{ table, uses }]);
    expect(verify([{ table: formed, uses }], proof)).toEqual(verify([{ table, uses }], proof));
    // A proof against a doctored table fails against the forms (the rows are not read).
    const fake: Table = { ...table, columns: [table.columns[0]!, table.columns[1]!.slice()] };
    fake.columns[1]![10] = 5;
    uses[1]!.columns[0]![0] = (P - 22) % P;
    uses[1]!.columns[1]![0] = 5;
    const doctored = prove([{ table: fake, uses }]).proof;
    expect(() => verify([{ table: { ...formed, columns: fake.columns }, uses }], doctored)).toThrow(/table denominators do not match the table/);
  });

  it("rejects a multiplicity off by one", () => {
    const { table, uses } = setup();
    const m = multiplicities(table, uses);
    m[40]! += 1;
    const { proof } = prove([{ table, uses, m }]);
    expect(() => verify([{ table, uses }], proof)).toThrow(/not all in the table|multiplicities/);
  });

  it("rejects a cheat in one instance of several (a value outside the second table)", () => {
    const a = setup(), b = rangeSetup();
    b.uses[0]!.columns[0]![1] = 8; // 8 is not in 0..7
    const m = multiplicities(b.table, b.uses, { skipMissing: true });
    const { proof } = prove([a, { ...b, m }]);
    expect(() => verify([a, b], proof)).toThrow(/range3: the looked-up values are not all in the table/);
  });

  const tampers: [string, (p: LogupProof) => void][] = [
    ["witness root numerator", (p) => (p.gkr.roots[0]![0] = bump(p.gkr.roots[0]![0]))],
    ["table root denominator", (p) => (p.gkr.roots[1]![1] = bump(p.gkr.roots[1]![1]))],
    ["the second instance's table root", (p) => (p.gkr.roots[3]![0] = bump(p.gkr.roots[3]![0]))],
    ["a round polynomial of a layer", (p) => (p.gkr.layers[3]!.rounds[1]![2] = bump(p.gkr.layers[3]!.rounds[1]![2]!))],
    ["a round polynomial of the last layer", (p) => (p.gkr.layers[5]!.rounds[4]![0] = bump(p.gkr.layers[5]!.rounds[4]![0]!))],
    ["a LogUp layer claim (a witness tree's ends)", (p) => (p.gkr.layers[2]!.ends[0]![1] = bump(p.gkr.layers[2]!.ends[0]![1]))],
    ["a LogUp layer claim (a short tree's last ends)", (p) => (p.gkr.layers[2]!.ends[3]![2] = bump(p.gkr.layers[2]!.ends[3]![2]))],
    ["the first layer's ends", (p) => (p.gkr.layers[0]!.ends[1]![3] = bump(p.gkr.layers[0]!.ends[1]![3]))],
    ["a column value", (p) => (p.columnEvals[0]![2]![1] = bump(p.columnEvals[0]![2]![1]!))],
    ["the second instance's column value", (p) => (p.columnEvals[1]![0]![0] = bump(p.columnEvals[1]![0]![0]!))],
    ["the multiplicity value", (p) => (p.multiplicityEvals[0] = bump(p.multiplicityEvals[0]!))],
    ["the second instance's multiplicity value", (p) => (p.multiplicityEvals[1] = bump(p.multiplicityEvals[1]!))],
    ["swapped instances' ends", (p) => { const e = p.gkr.layers[1]!.ends; [e[0], e[2]] = [e[2]!, e[0]!]; }],
    ["a dropped layer", (p) => p.gkr.layers.pop()],
    ["a dropped round", (p) => p.gkr.layers[4]!.rounds.pop()],
    ["a dropped tree's ends", (p) => p.gkr.layers[1]!.ends.pop()],
    ["a dropped root", (p) => p.gkr.roots.pop()],
  ];
  for (const [name, tamper] of tampers) {
    it(`rejects a changed ${name}`, () => {
      const instances = [setup(), rangeSetup()];
      const { proof } = prove(instances);
      tamper(proof);
      expect(() => verify(instances, proof)).toThrow(LookupRejection);
    });
  }
});
