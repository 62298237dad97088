// What the pool and its workers share: one wasm memory (the field kernels' arena, built for a
// shared memory) and one state block of control words and job descriptors. A batch is a list of
// kernel calls on disjoint ranges of that memory; every participant (the calling thread included)
// claims calls from atomic counters (its own block of the batch first, then the others') and runs
// them on its own instance of the same kernels, so the result does not depend on who ran what.

/** Most threads a pool can have (one claim counter each). */
export const MAX_THREADS = 64;
/**
 * Control words (Int32Array at the start of the state block). NJOBS and every claim counter carry
 * the batch's sequence number in their high half, so a thread still in an old batch can neither
 * claim nor size a job of a new one. THREADS is the pool's size; CLAIMS + b counts the next job
 * of thread b's block (its affine share of the batch, which others take only once theirs is done).
 */
export const SEQ = 0, NJOBS = 2, DONE = 3, FAILED = 4, THREADS = 5, CLAIMS = 8, CONTROL_WORDS = CLAIMS + MAX_THREADS;

/** The tag of batch `seq` in NJOBS and the claim counters. */
export const batchTag = (seq: number): number => (seq & 0x7fff) << 16;

/** Thread b's block of a batch of n jobs on `threads` threads: [start, end). */
export const blockOf = (b: number, n: number, threads: number): [number, number] => [Math.floor((b * n) / threads), Math.floor(((b + 1) * n) / threads)];
/** SEQ value that tells the workers to leave their loop. */
export const QUIT = -1;
/** Words per job descriptor: [fn, args…]. */
export const JOB_WORDS = 16;
export const MAX_JOBS = 1024;
/** Bytes of the shared error message slot. */
export const ERROR_BYTES = 1024;

/** Kernel exports a job may call (by index): field kernels and the batched SHA-256. */
export const KERNEL_FNS = [
  "vecAdd", "vecSub", "vecMul", "vecScale", "vecDot", "extVecMul", "extVecMulBase", "extVecScale",
  "baseVecScaleExt", "extDot", "extDotBase", "extSum", "combineRowsStrided", "combineRowsExtStrided",
  "transposeInto", "copyWords", "rsEncodeRows", "rsEncodeExtRows", "foldBase", "foldExt",
  "round2BB", "round2EB", "round2EE", "round3BBB", "round3EBB", "round3EEB", "round3EEE",
  "foldRound2", "foldRound3", "gkrLayer", "gkrRound", "gkrFoldRound", "extOuter", "matMulBatch", "hashBatch",
  "gkrRoundList", "gkrFoldRoundList", "gkrLayerList", "roundProductN", "lookupDenominators", "eqTableList",
  "columnsInit", "columnsAbsorb", "columnsFinish", "gemmStrided",
] as const;
export type KernelFn = (typeof KERNEL_FNS)[number];
const FN_INDEX = new Map<string, number>(KERNEL_FNS.map((name, i) => [name, i]));
export function fnIndex(name: KernelFn): number {
  const i = FN_INDEX.get(name);
  if (i === undefined) throw new Error(`parallel: no kernel named ${name}`);
  return i;
}

/**
 * Polls `done` for about `ms`; true as soon as it holds. The clock is read once per 1024 polls:
 * performance.now() allocates, and a spin that read it every poll fed the worker's scavenger
 * several MB a second (pauses that a batch then waits for).
 */
export function spin(done: () => boolean, ms: number): boolean {
  const until = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < 1024; i++) if (done()) return true;
    if (performance.now() >= until) return false;
  }
}

/** One call: a kernel and its i32 arguments (pointers are byte offsets into the shared memory). */
export interface Job {
  fn: KernelFn;
  args: readonly number[];
}

/** Layout of the state block (one SharedArrayBuffer). */
export function stateViews(buf: SharedArrayBuffer | ArrayBuffer) {
  let at = 0;
  const take = (bytes: number) => { const o = at; at += bytes; return o; };
  const control = new Int32Array(buf, take(4 * CONTROL_WORDS), CONTROL_WORDS);
  const jobs = new Int32Array(buf, take(4 * JOB_WORDS * MAX_JOBS), JOB_WORDS * MAX_JOBS);
  const results = new Int32Array(buf, take(4 * MAX_JOBS), MAX_JOBS);
  const ranBy = new Int32Array(buf, take(4 * MAX_JOBS), MAX_JOBS);
  const ms = new Float64Array(buf, take(8 * MAX_JOBS), MAX_JOBS);
  const error = new Uint8Array(buf, take(ERROR_BYTES), ERROR_BYTES);
  return { control, jobs, results, ranBy, ms, error };
}
export type StateViews = ReturnType<typeof stateViews>;
export const STATE_BYTES = 4 * CONTROL_WORDS + 4 * JOB_WORDS * MAX_JOBS + 8 * MAX_JOBS + 8 * MAX_JOBS + ERROR_BYTES;

/** The one message a worker receives: the memory and the state block, then it serves batches. */
export interface PoolInit {
  memory: WebAssembly.Memory;
  state: SharedArrayBuffer;
  /** The participant number of the receiving worker (0 is the calling thread). */
  worker: number;
}
