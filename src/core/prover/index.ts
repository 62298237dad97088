/**
 * prover/: `commitModel(plan, consts)` (setup's model commitment) and `prove(input, opts)`:
 * witness → witness commitment → LogUp per table → op-by-op claim reduction from the output
 * back to the input → batched openings. Progress goes to `opts.onProgress`.
 * - `proveSetup(plan, model, statement)`: the setup proof (circuit/setup-layout.ts has the design).
 * - `setupKeys(qgraph)` → vk.bin and pk.bin; `loadProvingKey(pk)`; `proveWithKey(key, inputs)` →
 *   proof.bin and the proved outputs.
 * - `proveAsync(input, { gpu })` / `proveWithKeyAsync(key, inputs, { gpu })`: the same proof with the
 *   witness committed on WebGPU (pcs commitOnGpu) when given GpuKernels and the matrix fits the
 *   device; each ProgressEvent names its stage's backend ("webgpu", "wasm", "wasm × N threads").
 */
export { prove, proveAsync, outputsOf, type ProveInput, type ProveOptions, type ProveAsyncOptions, type ProofData, type ProgressEvent, type ModelCommitment } from "./prove.ts";
export { commitModel } from "./setup.ts";
export { proveSetup, type SetupProofOptions } from "./setup-proof.ts";
export { setupKeys, loadProvingKey, loadKey, proveWithKey, proveWithKeyAsync, type SetupKeys, type SetupKeyOptions, type LoadedKey, type KeyProof } from "./keys.ts";
export { computeValues, type Values } from "./witness.ts";
