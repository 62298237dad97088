/**
 * lookup/: LogUp-GKR (PROTOCOL.md §5). One instance per table covers every use of it.
 * - `multiplicities(table, uses)`: m_j per table row; a value outside the table is a LookupError
 *   naming the use and the value.
 * - `logupProve(instances, transcript)` / `logupVerify(instances, proof, transcript)`: every
 *   instance of a proof at once. α, β are squeezed inside (absorb the witness root before
 *   calling); both return, per instance, the claims left to check: each use column's MLE at a
 *   point, and m̃ at a point. The verifier evaluates the live selectors and the table MLE itself.
 *   Rejections are `LookupRejection`.
 * - `gkrProve` / `gkrVerify`: the batched fraction-tree GKR underneath.
 */
export { type Table, type UseShape, type LookupUse, type LogupProof, type LogupInstance, type LogupClaims, type ColumnClaim, layoutUses, selectorEval, multiplicities, logupProve, logupVerify } from "./logup.ts";
export { type GkrProof, type GkrLayerProof, type GkrClaim, type GkrLeaves, gkrProve, gkrVerify, eqEval } from "./gkr.ts";
export { LookupError, LookupRejection } from "./errors.ts";
export { interpolateAt } from "../poly/index.ts"; // one Lagrange evaluator for every sumcheck
