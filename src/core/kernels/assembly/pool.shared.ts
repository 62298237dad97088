// The prover pool's kernels: one module over one shared memory for every thread (built only with
// --importMemory --sharedMemory). No mutable static data: per-call state lives in scratch the
// caller passes, or in globals, which are per instance (per thread).
export * from "./field";
export { hashBatch, scratchBytes, columnScratchBytes, columnsInit, columnsAbsorb, columnsFinish } from "./sha256";
// The integer evaluator's f32 GEMM, split by rows across the pool before a proof.
export { gemmStrided } from "./gemm_f32";
