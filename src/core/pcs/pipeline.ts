// A commitment whose rows are RS-encoded while its vector is still being written: the caller
// fills the evaluations in kernel memory segment by segment, and every row all of whose segments
// are written is encoded on a pool's workers in the background (PoolBackend.rsEncodeSubmit) while
// the caller computes the rest. finish() encodes the rows left, then transposes and hashes as
// commit() does: the same bytes. The prover uses it to overlap the witness with its commitment.
import type { PoolBackend } from "../parallel/backend.ts";
import { addFieldOps, butterflies } from "../kernels/field-ops.ts";
import { lendResident } from "../kernels/resident.ts";
import { checkCommitInput, commitEncoded, zeroRows, type KeptPcsData } from "./commit.ts";
import { codeLength, type PcsParams } from "./params.ts";
import type { SegmentMap } from "./segments.ts";
import { PcsError } from "./errors.ts";

export interface PipelinedCommit {
  /** The evaluations, in kernel memory (zero where nothing is written): write segments here. */
  readonly evals: Uint32Array;
  /** The segment at `offset` is written in full: rows with nothing else to wait for may be encoded. */
  written(offset: number): void;
  /** Encodes the rows left, hashes, and returns the commitment; its release() frees `evals` too. */
  finish(): KeptPcsData;
  /** Frees the kernel memory (for a proof that stops before finish). */
  abort(): void;
}

/** Rows handed to the workers in one batch: at least this many, or every row that is left. */
const MIN_BATCH_ROWS = 8;

export function pipelinedCommit(K: PoolBackend, params: PcsParams, map: SegmentMap): PipelinedCommit {
  const rows = 2 ** params.logRows, logM = params.logCols, len = codeLength(params);
  if (map.logN !== params.logN) throw new PcsError(`pipelined commit: a 2^${map.logN} layout for 2^${params.logN} parameters`);
  const evalsBuf = K.alloc(2 ** params.logN), enc = K.allocFor(rows * len);
  const evals = K.stableView(evalsBuf);
  // Tensors read from the vector (lookup columns, sumcheck tables, evaluations) are used in place.
  const forget = lendResident(K, evals, evalsBuf);
  // Per row, the segments it still waits for; per segment offset, its rows.
  const waiting = new Int32Array(rows);
  const rowsOf = new Map<number, [number, number]>();
  let liveRows = 0;
  for (const s of map.segments) {
    const span: [number, number] = [Math.floor(s.offset / 2 ** logM), Math.floor((s.offset + 2 ** s.logSize - 1) / 2 ** logM) + 1];
    rowsOf.set(s.offset, span);
    for (let r = span[0]; r < span[1]; r++) waiting[r]!++;
    liveRows = Math.max(liveRows, span[1]);
  }
  // 0: waiting, 1: ready, 2: handed to the workers (or encoded). A row no segment touches stays
  // zero: its code is zero, written by finish() (while the workers encode the last rows) rather
  // than encoded.
  const state = new Uint8Array(rows);
  /** Runs of consecutive rows that pass `test`, marked as handed over. */
  const takeRuns = (test: (r: number) => boolean): [number, number][] => {
    const runs: [number, number][] = [];
    for (let r = 0; r < rows; r++) {
      if (!test(r)) continue;
      let t = r;
      while (t < rows && test(t)) state[t++] = 2;
      runs.push([r, t]);
      r = t;
    }
    return runs;
  };
  const zeroRuns = takeRuns((r) => waiting[r] === 0);
  let ready = 0, done = false;

  /** Runs of ready rows, marked as handed over. */
  const takeReady = (): [number, number][] => {
    ready = 0;
    return takeRuns((r) => state[r] === 1);
  };
  /** Every ready row to the workers, in one background batch. */
  const handOver = () => {
    const runs = takeReady();
    if (runs.length === 0) return;
    addFieldOps(runs.reduce((a, [f, t]) => a + (t - f), 0) * butterflies(logM + params.logBlowup));
    K.rsEncodeSubmit(evalsBuf, splitRuns(runs, 8), logM, params.logBlowup, enc);
  };
  // Frees the vector once the workers are off it. A failed background batch was reported where
  // it was settled, or the proof is being abandoned for another error: either way, free.
  const release = () => {
    if (done) return;
    done = true;
    try {
      K.settle();
    } catch {
      // reported by finish(), or superseded by the error that stops the proof
    } finally {
      forget();
      K.free(evalsBuf);
    }
  };

  return {
    evals,
    written(offset) {
      const span = rowsOf.get(offset);
      if (!span || done) return;
      rowsOf.delete(offset);
      for (let r = span[0]; r < span[1]; r++) if (--waiting[r]! === 0) { state[r] = 1; ready++; }
      // One batch at a time: the workers take it while this thread computes; more waits until they are free.
      if (ready < MIN_BATCH_ROWS || K.submittedBusy()) return;
      handOver();
    },
    finish() {
      if (done) throw new PcsError("pipelined commit: finished twice");
      for (let r = 0; r < rows; r++) if (state[r] === 0) state[r] = 1;
      try {
        // The rows left go to the workers, and the input is checked while they encode (a value
        // out of the field stops the commitment before anything is hashed).
        handOver();
        for (const [f, t] of zeroRuns) zeroRows(K, enc, f, t, len);
        checkCommitInput(params, evals, liveRows << logM);
        K.settle();
      } catch (e) {
        // Settled (release) before the code is freed: the workers may still be writing it.
        release();
        K.free(enc);
        throw e;
      }
      let data: KeptPcsData;
      try {
        data = commitEncoded(params, evals, enc);
      } catch (e) {
        release();
        throw e;
      }
      return { ...data, release: () => { data.release?.(); release(); } };
    },
    abort() {
      if (done) return;
      release();
      K.free(enc);
    },
  };
}

/** Runs of rows cut into about `jobs` pieces (a job per piece), for the pool's threads to share. */
function splitRuns(runs: [number, number][], jobs: number): [number, number][] {
  const total = runs.reduce((a, [f, t]) => a + t - f, 0), per = Math.max(1, Math.ceil(total / jobs));
  const out: [number, number][] = [];
  for (const [f, t] of runs) for (let a = f; a < t; a += per) out.push([a, Math.min(t, a + per)]);
  return out;
}
