/**
 * circuit/: from the quantized graph to what is proved (PROTOCOL.md §4–§6).
 * - `compilePlan(graphSpec)`: the proof plan — every tensor's padded layout and kind (public,
 *   witness, model, virtual), requant witnesses (q, r), lookup tables (as integers) and their
 *   uses, multiplicity columns. Deterministic; the verifier derives the same plan from the VK.
 * - Claims (`ClaimBook`, point helpers), the proof body stream (`StreamWriter`/`StreamReader`),
 *   padded tensor layouts (`padInts`, `toField`): shared by the prover and the verifier.
 * Errors: `CircuitError` names the node and what to change.
 */
export { compilePlan, PROVABLE_OPS, MAX_TABLE_LOG_ROWS } from "./compile.ts";
export { log2Ceil } from "./log.ts";
export { relabelingProblem, relabelPoint, layoutIsFlat } from "./indexmaps.ts";
export type { GraphSpec, PlanTensor, PlanTable, PlanLookup, PlanLookupUse, ProofPlan, RequantProof, MaxProof, PoolProof, TensorKind } from "./plan.ts";
export { ClaimBook, splitPoint, joinPoint, broadcastPoint, concatPoint, type Claim } from "./claims.ts";
export { StreamWriter, StreamReader, StreamRejection } from "./stream.ts";
export { writeLogup, readLogup } from "./logup-stream.ts";
export { padInts, unpadInts, toField, paddedSize, forEachLive } from "./values.ts";
export { CircuitError } from "./errors.ts";
