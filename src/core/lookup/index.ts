/**
 * lookup/: LogUp-GKR (PROTOCOL.md §5). One instance per table covers every use of it.
 * - `multiplicities(table, uses)`: m_j per table row; a value outside the table is a LookupError
 *   naming the use and the value.
 * - `logupProve(table, uses, m, transcript)` / `logupVerify(table, useShapes, proof, transcript)`:
 *   α, β are squeezed inside (absorb the witness root before calling); both return the claims
 *   left to check: each use column's MLE at a point, and m̃ at a point. The verifier evaluates
 *   the live selectors and the table MLE itself. Rejections are `LookupRejection`.
 * - `gkrProve` / `gkrVerify`: the fraction-tree GKR underneath.
 */
export { type Table, type UseShape, type LookupUse, type LogupProof, type LogupClaims, type ColumnClaim, layoutUses, selectorEval, multiplicities, logupProve, logupVerify } from "./logup.ts";
export { type GkrProof, type GkrLayerProof, type GkrClaim, gkrProve, gkrVerify, eqEval } from "./gkr.ts";
export { LookupError, LookupRejection } from "./errors.ts";
export { interpolateAt } from "../poly/index.ts"; // one Lagrange evaluator for every sumcheck
