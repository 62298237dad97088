/**
 * workers/tasks/: what the workers do, as plain functions and classes over plain data (they run
 * in Node tests as they do in the browser; the *.worker.ts files only expose them via comlink).
 * - `QuantSession` (quant-session.ts): a loaded model's calibration with progress, plan edits
 *   (`replan`: edited scales/widths stand, requants and tables follow), accuracy and per-node
 *   costs and tables (`PlanMetrics`), inputs and float-vs-quantized predictions.
 * - Data (data.ts): `loadData` — tensor files by content (TensorProto, .npy, JSON) or generated
 *   inputs; `tensorFromBytes`. Inputs to prove (inputs.ts): `resolveInput` — a sample, a file,
 *   a drawn digit, text as byte tokens.
 * - Proving (prove-run.ts): `proveRun` (async) — compile, setup (vk.bin/pk.bin), prove with per-stage
 *   and per-layer progress (each stage says its backend: webgpu, wasm, wasm × N threads), the witness
 *   committed on WebGPU where `chooseKernels("auto")` picks it or `{ gpu: "force" }` asks, verify
 *   the files as the exported verifier does; `verifyBundle`.
 */
export { QuantSession, type CalibrationSettings, type PlanMetrics, type Prediction } from "./quant-session.ts";
export { loadData, tensorFromBytes, type DataSet, type DataSpec, type FileData } from "./data.ts";
export { replan, type TensorEdit } from "./replan.ts";
export { resolveInput, textTokens, type InputChoice } from "./inputs.ts";
export { proveRun, verifyBundle, type ProofResult, type ProveProgress, type ProveStage, type Verdict, type GpuPreference, type ProveRunOptions } from "./prove-run.ts";
