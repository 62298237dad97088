// MLE of an index relation at a random point, in O(bits) (PROTOCOL.md §4, "Index relations").
//
// A relation is a set of integer variables v_j (each a bit vector of n_j bits, LSB first, with an
// optional bound v_j < U_j) and linear constraints Σ_j c_j·v_j + c_0 = 0 (or ≥ 0). Its multilinear
// extension at points r_j is Σ over satisfying assignments of Π_j eq(r_j, v_j). We never enumerate
// assignments: a carry automaton reads all variables one bit position at a time, LSB first,
// keeping per constraint the carry of Σ c_j·v_j + c_0 and per bounded variable whether its low
// bits are ≤ those of U_j − 1. The state space is small (carries stay within Σ|c_j|), so the cost
// is O(bits · states · 2^vars) extension multiplications, whatever the size of the layer.

import { type Ext, EXT_ONE, EXT_ZERO, extAdd, extMul, extSub } from "../field/index.ts";
import { RelationError } from "./errors.ts";

export interface RelVar {
  /** Number of bits of the variable (its hypercube dimension). */
  bits: number;
  /** Only assignments with v < bound count (padding and out-of-range slots are zero). */
  bound?: number;
}

export interface Constraint {
  /** Coefficient per variable (same order as the variables); small integers. */
  coeffs: number[];
  constant: number;
  /** "eq": Σ c_j·v_j + c_0 = 0; "ge": Σ c_j·v_j + c_0 ≥ 0. */
  kind: "eq" | "ge";
}

export interface Relation {
  vars: RelVar[];
  constraints: Constraint[];
}

const MAX_VARS = 6;
const MAX_BITS = 40;
const MAX_COEFF = 1 << 20;

/** Checks a relation's shape once, at the boundary. */
export function checkRelation(rel: Relation): void {
  if (rel.vars.length === 0 || rel.vars.length > MAX_VARS) throw new RelationError(`a relation needs 1..${MAX_VARS} variables, got ${rel.vars.length}`);
  for (const [i, v] of rel.vars.entries()) {
    if (!Number.isInteger(v.bits) || v.bits < 0 || v.bits > MAX_BITS) throw new RelationError(`variable ${i} has ${v.bits} bits (0..${MAX_BITS})`);
    if (v.bound !== undefined && (!Number.isSafeInteger(v.bound) || v.bound < 0 || v.bound > 2 ** v.bits)) {
      throw new RelationError(`variable ${i} bound ${v.bound} does not fit its ${v.bits} bits`);
    }
  }
  for (const [k, c] of rel.constraints.entries()) {
    if (c.coeffs.length !== rel.vars.length) throw new RelationError(`constraint ${k} has ${c.coeffs.length} coefficients for ${rel.vars.length} variables`);
    for (const x of [...c.coeffs, c.constant]) {
      if (!Number.isSafeInteger(x) || Math.abs(x) > MAX_COEFF * 2 ** MAX_BITS) throw new RelationError(`constraint ${k} has an invalid coefficient ${x}`);
    }
    for (const x of c.coeffs) if (Math.abs(x) > MAX_COEFF) throw new RelationError(`constraint ${k}: coefficient ${x} is too large for the automaton`);
  }
}

const floorDiv2 = (x: number) => Math.floor(x / 2);

/**
 * Evaluates the relation's MLE at the given points (points[j] has vars[j].bits extension
 * elements, LSB first). A null point sums its variable out (every value weighs 1): auxiliary
 * variables such as a group index.
 */
export function relationMle(rel: Relation, points: (Ext[] | null)[]): Ext {
  checkRelation(rel);
  const m = rel.vars.length;
  for (let j = 0; j < m; j++) {
    if (points[j] !== null && points[j]?.length !== rel.vars[j]!.bits) throw new RelationError(`point for variable ${j} has ${points[j]?.length} coordinates, expected ${rel.vars[j]!.bits}`);
  }
  const bits = Math.max(...rel.vars.map((v) => v.bits));
  const cons = rel.constraints;
  const boundBits = rel.vars.map((v) => (v.bound === undefined ? -1 : v.bound - 1));
  // Every variable with bound 0 makes the relation empty.
  if (boundBits.some((b) => b === -2)) return EXT_ZERO.slice();

  // State: carries per constraint, then one "≤ so far" flag per variable. Key as a string.
  type State = { carries: number[]; le: boolean[] };
  let states = new Map<string, { s: State; w: Ext }>();
  const key = (s: State) => s.carries.join(",") + "|" + s.le.map((b) => (b ? 1 : 0)).join("");
  const init: State = { carries: cons.map((c) => c.constant), le: rel.vars.map(() => true) };
  states.set(key(init), { s: init, w: EXT_ONE.slice() });

  // eq factors per variable and bit: [weight of bit 0, weight of bit 1].
  const eqW = (j: number, t: number, b: number): Ext => {
    if (t >= rel.vars[j]!.bits) return b === 0 ? EXT_ONE : EXT_ZERO;
    const p = points[j];
    if (p === null) return EXT_ONE;
    const r = p![t]!;
    return b === 1 ? r : extSub(EXT_ONE, r);
  };

  for (let t = 0; t < bits; t++) {
    const next = new Map<string, { s: State; w: Ext }>();
    for (let combo = 0; combo < 1 << m; combo++) {
      // Bits beyond a variable's width are zero: skip combos that set them.
      let valid = true;
      let weight: Ext = EXT_ONE;
      for (let j = 0; j < m && valid; j++) {
        const b = (combo >> j) & 1;
        if (t >= rel.vars[j]!.bits && b === 1) valid = false;
        else weight = extMul(weight, eqW(j, t, b));
      }
      if (!valid) continue;
      for (const { s, w } of states.values()) {
        const carries: number[] = [];
        let ok = true;
        for (let k = 0; k < cons.length && ok; k++) {
          let total = s.carries[k]!;
          for (let j = 0; j < m; j++) total += cons[k]!.coeffs[j]! * ((combo >> j) & 1);
          if (cons[k]!.kind === "eq") {
            if (total % 2 !== 0) ok = false;
            else carries.push(total / 2);
          } else carries.push(floorDiv2(total));
        }
        if (!ok) continue;
        const le = s.le.map((prev, j) => {
          if (boundBits[j] === -1 || t >= rel.vars[j]!.bits) return prev;
          const vb = (combo >> j) & 1, ub = Math.floor(boundBits[j]! / 2 ** t) % 2;
          return vb < ub || (vb === ub && prev);
        });
        const ns: State = { carries, le };
        const k = key(ns);
        const w2 = extMul(w, weight);
        const cur = next.get(k);
        next.set(k, { s: ns, w: cur ? extAdd(cur.w, w2) : w2 });
      }
    }
    states = next;
  }
  // Accept: every eq carry resolved to 0 (the sum is 0), every ge carry ≥ 0, every bound held.
  // Bits above the widest variable are all zero, so the remaining value is carry · 2^bits.
  let acc: Ext = EXT_ZERO.slice();
  for (const { s, w } of states.values()) {
    const okCarry = s.carries.every((c, k) => (cons[k]!.kind === "eq" ? c === 0 : c >= 0));
    const okBound = s.le.every((b, j) => boundBits[j] === -1 || b);
    // Bound bits above the variable's width: bound ≤ 2^bits is checked, so nothing remains.
    if (okCarry && okBound) acc = extAdd(acc, w);
  }
  return acc;
}

/** Whether an integer assignment satisfies the relation (the reference the tests use). */
export function satisfies(rel: Relation, values: number[]): boolean {
  for (const [j, v] of rel.vars.entries()) {
    if (values[j]! < 0 || values[j]! >= 2 ** v.bits) return false;
    if (v.bound !== undefined && values[j]! >= v.bound) return false;
  }
  return rel.constraints.every((c) => {
    const s = c.coeffs.reduce((a, x, j) => a + x * values[j]!, c.constant);
    return c.kind === "eq" ? s === 0 : s >= 0;
  });
}
