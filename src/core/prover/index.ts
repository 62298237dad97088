/**
 * prover/: `commitModel(plan, consts)` (setup's model commitment) and `prove(input, opts)`:
 * witness → witness commitment → LogUp per table → op-by-op claim reduction from the output
 * back to the input → batched openings. Progress goes to `opts.onProgress`.
 */
export { prove, outputsOf, type ProveInput, type ProveOptions, type ProofData, type ProgressEvent, type ModelCommitment } from "./prove.ts";
export { commitModel } from "./setup.ts";
export { computeValues, type Values } from "./witness.ts";
