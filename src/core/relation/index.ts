/**
 * relation/: index relations (Conv windows, strides, dilations, padding, pooling, causal
 * masks, selectors) as linear constraints over bit-decomposed integer variables.
 * - `relationMle(rel, points)`: the verifier's O(bits) evaluation of the relation's MLE by a
 *   carry automaton; its cost does not grow with the layer. A null point sums its variable out.
 * - `relationTable(rel, points, free)`: the prover's table over one free variable.
 * - `satisfies(rel, values)`: the plain definition, for tests.
 */
export { relationMle, satisfies, checkRelation, type Relation, type RelVar, type Constraint } from "./automaton.ts";
export { relationTable } from "./table.ts";
export { eqTableRef } from "./eq.ts";
export { RelationError } from "./errors.ts";
