// The prover's side of an index relation: with every variable but one fixed to a point, the
// table over the remaining (free) variable's hypercube, table[x] = Σ Π_j eq(r_j, v_j) over
// assignments satisfying the relation with that x. Built by enumerating the fixed variables
// (cost = the product of their ranges, e.g. the im2col size of a Conv dimension), never committed.

import { type Ext, extAdd, extMul } from "../field/index.ts";
import { eqTableRef } from "./eq.ts";
import { checkRelation, type Relation } from "./automaton.ts";
import { RelationError } from "./errors.ts";

/** Interleaved extension vector (length 4·2^bits) over the free variable. */
export function relationTable(rel: Relation, points: (Ext[] | null)[], free: number): Uint32Array {
  checkRelation(rel);
  const m = rel.vars.length;
  if (points.length !== m || points[free] !== null) throw new RelationError("exactly the free variable must have no point");
  const solver = rel.constraints.find((c) => c.kind === "eq" && Math.abs(c.coeffs[free]!) === 1);
  if (!solver) throw new RelationError("the free variable must appear with coefficient ±1 in an equality constraint");
  const fixed = [...Array(m).keys()].filter((j) => j !== free);
  const eqs = fixed.map((j) => {
    const p = points[j]!;
    if (p.length !== rel.vars[j]!.bits) throw new RelationError(`point for variable ${j} has ${p.length} coordinates, expected ${rel.vars[j]!.bits}`);
    return eqTableRef(p);
  });
  const ranges = fixed.map((j) => Math.min(rel.vars[j]!.bound ?? 2 ** rel.vars[j]!.bits, 2 ** rel.vars[j]!.bits));
  const fv = rel.vars[free]!;
  const fLimit = Math.min(fv.bound ?? 2 ** fv.bits, 2 ** fv.bits);
  const out = new Uint32Array(4 * 2 ** fv.bits);
  const values = new Array<number>(m).fill(0);
  const cf = solver.coeffs[free]!;

  const visit = (depth: number, weight: Ext | null): void => {
    if (depth === fixed.length) {
      // Solve the free variable from the chosen equality, then check every constraint.
      let rest = solver.constant;
      for (const j of fixed) rest += solver.coeffs[j]! * values[j]!;
      const x = -rest * cf; // cf = ±1, so x = −rest / cf
      if (x < 0 || x >= fLimit) return;
      values[free] = x;
      for (const c of rel.constraints) {
        const s = c.coeffs.reduce((a, k, j) => a + k * values[j]!, c.constant);
        if (c.kind === "eq" ? s !== 0 : s < 0) return;
      }
      const cur = out.subarray(4 * x, 4 * x + 4);
      cur.set(extAdd(cur, weight!));
      return;
    }
    const j = fixed[depth]!;
    const eq = eqs[depth]!;
    for (let v = 0; v < ranges[depth]!; v++) {
      values[j] = v;
      const e = eq.subarray(4 * v, 4 * v + 4);
      visit(depth + 1, weight ? extMul(weight, e) : e);
    }
  };
  visit(0, null);
  return out;
}
