// MLE of an index relation at a random point, in O(bits) (PROTOCOL.md §4, "Index relations").
//
// A relation is a set of integer variables v_j (each a bit vector of n_j bits, LSB first, with an
// optional bound v_j < U_j) and linear constraints Σ_j c_j·v_j + c_0 = 0 (or ≥ 0). Its multilinear
// extension at points r_j is Σ over satisfying assignments of Π_j eq(r_j, v_j). We never enumerate
// assignments: a carry automaton reads all variables one bit position at a time, LSB first,
// keeping per constraint the carry of Σ c_j·v_j + c_0 and per bounded variable whether its low
// bits are ≤ those of U_j − 1. The state space is small (carries stay within Σ|c_j|), so the cost
// is O(bits · states · 2^vars) extension multiplications, whatever the size of the layer.

import { type Ext, EXT_ONE, EXT_ZERO, add, extMulInto, sub } from "../field/index.ts";
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

  // A state is the carries per constraint and one "≤ so far" bit per bounded variable (a mask),
  // keyed by a string; its weight accumulates in place (the verifier runs this per layer).
  const nc = cons.length;
  type State = { carries: number[]; le: number; w: Ext };
  const allLe = (1 << m) - 1;
  let states = new Map<string, State>();
  states.set(cons.map((c) => c.constant).join(",") + "|" + allLe, { carries: cons.map((c) => c.constant), le: allLe, w: EXT_ONE.slice() });

  // Per combo of bits (one per variable): what it adds to each constraint's sum.
  const combos = 1 << m;
  const deltas = Array.from({ length: combos }, (_, combo) => cons.map((c) => c.coeffs.reduce((a, x, j) => a + x * ((combo >> j) & 1), 0)));
  const weights = Array.from({ length: combos }, () => new Uint32Array(4));
  const oneMinus = new Uint32Array(4), term = new Uint32Array(4);

  for (let t = 0; t < bits; t++) {
    // weights[combo] = Π_j eq factor of variable j's bit t; −1 marks a combo that sets a bit
    // beyond a variable's width (those bits are zero).
    const valid: boolean[] = [];
    for (let combo = 0; combo < combos; combo++) {
      const w = weights[combo]!;
      w.set(EXT_ONE);
      let ok = true;
      for (let j = 0; j < m && ok; j++) {
        const b = (combo >> j) & 1;
        if (t >= rel.vars[j]!.bits) {
          if (b === 1) ok = false;
          continue;
        }
        const p = points[j];
        if (p === null) continue;
        const r = p![t]!;
        if (b === 1) extMulInto(w, w, r);
        else {
          for (let i = 0; i < 4; i++) oneMinus[i] = sub(EXT_ONE[i]!, r[i]!);
          extMulInto(w, w, oneMinus);
        }
      }
      valid.push(ok);
    }
    // The bound's bit t per variable (−1: unbounded or past its width, the flag is kept).
    const ub = boundBits.map((bb, j) => (bb === -1 || t >= rel.vars[j]!.bits ? -1 : Math.floor(bb / 2 ** t) % 2));
    const next = new Map<string, State>();
    for (let combo = 0; combo < combos; combo++) {
      if (!valid[combo]) continue;
      const weight = weights[combo]!, delta = deltas[combo]!;
      for (const s of states.values()) {
        const carries = new Array<number>(nc);
        let ok = true;
        for (let k = 0; k < nc && ok; k++) {
          const total = s.carries[k]! + delta[k]!;
          if (cons[k]!.kind === "eq") {
            if (total % 2 !== 0) ok = false;
            else carries[k] = total / 2;
          } else carries[k] = floorDiv2(total);
        }
        if (!ok) continue;
        let le = s.le;
        for (let j = 0; j < m; j++) {
          const u = ub[j]!;
          if (u === -1) continue;
          const vb = (combo >> j) & 1, prev = (le >> j) & 1;
          const now = vb < u || (vb === u && prev === 1);
          le = now ? le | (1 << j) : le & ~(1 << j);
        }
        const key = carries.join(",") + "|" + le;
        extMulInto(term, s.w, weight);
        const cur = next.get(key);
        if (cur) for (let i = 0; i < 4; i++) cur.w[i] = add(cur.w[i]!, term[i]!);
        else next.set(key, { carries, le, w: term.slice() });
      }
    }
    states = next;
  }
  // Accept: every eq carry resolved to 0 (the sum is 0), every ge carry ≥ 0, every bound held.
  // Bits above the widest variable are all zero, so the remaining value is carry · 2^bits.
  // Bound bits above a variable's width: bound ≤ 2^bits is checked, so nothing remains.
  const acc = new Uint32Array(4);
  for (const s of states.values()) {
    const okCarry = s.carries.every((c, k) => (cons[k]!.kind === "eq" ? c === 0 : c >= 0));
    const okBound = boundBits.every((b, j) => b === -1 || ((s.le >> j) & 1) === 1);
    if (okCarry && okBound) for (let i = 0; i < 4; i++) acc[i] = add(acc[i]!, s.w[i]!);
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
