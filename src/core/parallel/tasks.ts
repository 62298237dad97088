// The jobs a pool runs, shared by the calling thread and the workers: each reads shared inputs
// and writes its own slice of a shared output, with the same kernels a single thread would use.
import { fieldBackend, fieldOpsCount } from "../kernels/index.ts";
import { sha256Batch } from "../hash/index.ts";
import { DONE, FAILED, NEXT, ERROR_BYTES, type Batch, type Task } from "./protocol.ts";

/** Number of jobs a task splits into. */
export function jobCount(task: Task): number {
  if (task.kind === "rsEncode") return Math.ceil(task.rows / task.blockRows);
  if (task.kind === "combineRows") return Math.ceil(task.weights.length / 4 / task.blockRows);
  return Math.ceil(task.out.length / 32 / task.blockMessages);
}

/** A human line for a job (progress events). */
export function describeJob(task: Task, job: number): string {
  if (task.kind === "rsEncode") {
    const from = job * task.blockRows;
    return `RS-encode rows ${from}–${Math.min(task.rows, from + task.blockRows) - 1}`;
  }
  if (task.kind === "combineRows") {
    const from = task.rowStart + job * task.blockRows, rows = task.weights.length / 4;
    return `combine rows ${from}–${task.rowStart + Math.min(rows, (job + 1) * task.blockRows) - 1}`;
  }
  const from = job * task.blockMessages, total = task.out.length / 32;
  return `SHA-256 ${task.prefix === 0 ? "leaves" : "nodes"} ${from}–${Math.min(total, from + task.blockMessages) - 1}`;
}

function runJob(task: Task, job: number): void {
  if (task.kind === "rsEncode") return rsEncodeJob(task, job);
  if (task.kind === "combineRows") return combineRowsJob(task, job);
  const from = job * task.blockMessages, to = Math.min(task.out.length / 32, from + task.blockMessages);
  task.out.set(sha256Batch(task.data.subarray(from * task.len, to * task.len), task.len, task.prefix), 32 * from);
}

/** Encodes a block of rows and scatters each encoded column's slice into the column-major code. */
function rsEncodeJob(task: Extract<Task, { kind: "rsEncode" }>, job: number): void {
  const K = fieldBackend();
  const cols = 2 ** task.logCols, len = cols << task.logBlowup;
  const from = job * task.blockRows, count = Math.min(task.rows, from + task.blockRows) - from;
  const inp = K.from(task.evals.subarray(from * cols, (from + count) * cols));
  const enc = K.alloc(count * len), t = K.alloc(count * len);
  try {
    K.rsEncode(inp, count, task.logCols, task.logBlowup, enc);
    K.transpose(enc, count, len, t);
    // Column j of the block goes to out[j·rows + from …]: a plain loop, no subarray per column.
    const block = K.view(t), out = task.out, rows = task.rows;
    for (let j = 0; j < len; j++) {
      const src = j * count, dst = j * rows + from;
      for (let r = 0; r < count; r++) out[dst + r] = block[src + r]!;
    }
  } finally {
    K.free(inp);
    K.free(enc);
    K.free(t);
  }
}

function combineRowsJob(task: Extract<Task, { kind: "combineRows" }>, job: number): void {
  const K = fieldBackend();
  const from = job * task.blockRows, count = Math.min(task.weights.length / 4, from + task.blockRows) - from;
  const at = (task.rowStart + from) * task.cols;
  const m = K.from(task.matrix.subarray(at, at + count * task.cols));
  const w = K.from(task.weights.subarray(4 * from, 4 * (from + count)));
  const out = K.alloc(4 * task.cols);
  try {
    K.combineRows(m, count, task.cols, w, out);
    task.partials.set(K.view(out), job * 4 * task.cols);
  } finally {
    K.free(m);
    K.free(w);
    K.free(out);
  }
}

/** Claims and runs jobs of a batch until none are left; `worker` is this participant's number. */
export function work(batch: Batch, worker: number): void {
  const { control } = batch;
  for (;;) {
    const job = Atomics.add(control, NEXT, 1);
    if (job >= batch.jobs) return;
    const t0 = performance.now(), ops0 = fieldOpsCount();
    try {
      if (Atomics.load(control, FAILED) === 0) runJob(batch.task, job);
    } catch (e) {
      if (Atomics.compareExchange(control, FAILED, 0, 1) === 0) {
        const msg = new TextEncoder().encode(`worker ${worker}: ${e instanceof Error ? e.message : String(e)}`).subarray(0, ERROR_BYTES);
        batch.error.set(msg);
      }
    }
    batch.ranBy[job] = worker;
    batch.ms[job] = performance.now() - t0;
    batch.fieldOps[job] = fieldOpsCount() - ops0;
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}
