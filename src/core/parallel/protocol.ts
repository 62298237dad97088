// What travels between the pool and its workers: one batch of jobs of one kind over shared
// memory. Every participant (the calling thread included) claims job indices from an atomic
// counter, runs them, and counts them done; each job writes only its own output range, so the
// result does not depend on who ran what.

/** Control words (Int32Array over a SharedArrayBuffer). */
export const NEXT = 0, DONE = 1, FAILED = 2, CONTROL_WORDS = 4;
/** Bytes of the shared error message slot. */
export const ERROR_BYTES = 1024;

export type Task =
  /** RS-encode rows [from, to) of a row-major matrix and write them into the column-major code. */
  | { kind: "rsEncode"; evals: Uint32Array; rows: number; logCols: number; logBlowup: number; out: Uint32Array; blockRows: number }
  /** SHA-256 of messages [from, to) of `len` bytes each (with a prefix byte), into 32-byte slots. */
  | { kind: "sha256"; data: Uint8Array; len: number; prefix: number; out: Uint8Array; blockMessages: number }
  /**
   * Partial row combinations Σ_r w_r·M[rowStart + r] over blocks of rows: job j writes the sum of
   * its block (4·cols words, extension) at partials[j·4·cols]; the caller adds the partials.
   */
  | { kind: "combineRows"; matrix: Uint32Array; cols: number; rowStart: number; weights: Uint32Array; partials: Uint32Array; blockRows: number };

export interface Batch {
  task: Task;
  jobs: number;
  control: Int32Array;
  /** Which participant ran each job (0 is the calling thread). */
  ranBy: Int32Array;
  /** Milliseconds each job took. */
  ms: Float64Array;
  /** Field operations each job performed (kernels' fieldOpsCount), for throughput figures. */
  fieldOps: Float64Array;
  error: Uint8Array;
}

export interface PoolMessage {
  batch: Batch;
  /** The participant number of the receiving worker. */
  worker: number;
}
