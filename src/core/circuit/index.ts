/**
 * circuit/: from the quantized graph to what is proved (PROTOCOL.md §4–§6).
 * - `compilePlan(graphSpec)`: the proof plan — every tensor's padded layout and kind (public,
 *   witness, model, virtual), requant witnesses (q, r), lookup tables (as integers) and their
 *   uses, multiplicity columns. Deterministic; the verifier derives the same plan from the VK.
 * - Claims (`ClaimBook`, point helpers), the proof body stream (`StreamWriter`/`StreamReader`),
 *   padded tensor layouts (`padInts`, `toField`): shared by the prover and the verifier.
 * - `setupLayout(plan)`, `modelLayout(plan)`: what the setup proof covers (range classes, limbs of
 *   wide tensors, LogUp instances) and the model commitment's segments; design in setup-layout.ts.
 * Errors: `CircuitError` names the node and what to change.
 */
export { compilePlan, PROVABLE_OPS, MAX_TABLE_LOG_ROWS } from "./compile.ts";
export { log2Ceil } from "./log.ts";
export { relabelingProblem, relabelPoint, layoutIsFlat } from "./indexmaps.ts";
export type { GraphSpec, PlanTensor, PlanTable, PlanLookup, PlanLookupUse, ProofPlan, RequantProof, MaxProof, PoolProof, TensorKind } from "./plan.ts";
export { ClaimBook, splitPoint, joinPoint, broadcastPoint, concatPoint, type Claim } from "./claims.ts";
export { StreamWriter, StreamReader, StreamRejection } from "./stream.ts";
export { writeLogup, readLogup, type LogupShape } from "./logup-stream.ts";
export { padInts, unpadInts, toField, paddedSize, forEachLive, forEachLiveRun, liveBlocks, type LiveBlocks } from "./values.ts";
export { CircuitError } from "./errors.ts";
export { setupLayout, modelLayout, LIMB_BITS, SETUP_MAX_LEAF_LOG, type SetupLayout, type SetupUse, type SetupInstance, type WideTensor, type RangeClass } from "./setup-layout.ts";
