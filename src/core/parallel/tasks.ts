// Running a batch's jobs, shared by the calling thread and the workers: claim a job index,
// call the kernel on this thread's instance, count it done. The claim counters and the job count
// carry the batch's sequence number, so a thread that wakes late cannot claim a job of a later batch.
import { chooseBackend } from "../hash/sha256.ts";
import { CLAIMS, DONE, ERROR_BYTES, FAILED, JOB_WORDS, KERNEL_FNS, NJOBS, SEQ, THREADS, QUIT, batchTag, blockOf, spin, type StateViews } from "./protocol.ts";

type Kernel = (...args: number[]) => number | void;

/**
 * The calls a thread can make: its kernel instance's exports, by KERNEL_FNS index. Hashing of
 * long messages goes to node:crypto where it exists (SHA instructions, faster than wasm lanes).
 */
export function kernelTable(exports: object, memory: WebAssembly.Memory): Kernel[] {
  return KERNEL_FNS.map((name) => {
    const fn = (exports as Record<string, Kernel>)[name];
    if (name === "hashBatch" && fn) {
      return (input: number, len: number, count: number, prefix: number, out: number, scratch: number) => {
        const native = chooseBackend(len + (prefix < 0 ? 0 : 1), true);
        if (native.name === "wasm") return fn(input, len, count, prefix, out, scratch);
        // Job words are i32: addresses past 2 GiB arrive negative (the wasm side reads them as u32).
        const digests = native.batch(new Uint8Array(memory.buffer, input >>> 0, len * count), len, prefix < 0 ? undefined : prefix);
        new Uint8Array(memory.buffer, out >>> 0, 32 * count).set(digests);
      };
    }
    if (typeof fn !== "function") throw new Error(`parallel: the kernels have no ${name}`);
    return fn;
  });
}

/**
 * Claims and runs jobs of batch `seq` until none are left: first this thread's own block (the same
 * share of every batch, so a tree or range tends to stay in one core's cache from round to round),
 * then whatever is left of the others'.
 */
export function work(v: StateViews, kernels: Kernel[], seq: number, worker: number): void {
  const { control, jobs } = v;
  const tag = batchTag(seq);
  const nWord = Atomics.load(control, NJOBS);
  if ((nWord & 0x7fff0000) !== tag) return;
  const n = nWord & 0xffff, threads = Atomics.load(control, THREADS);
  for (let k = 0; k < threads; k++) {
    const b = (worker + k) % threads, end = blockOf(b, n, threads)[1];
    for (;;) {
      const word = Atomics.load(control, CLAIMS + b);
      if ((word & 0x7fff0000) !== tag) return;
      const j = word & 0xffff;
      if (j >= end) break;
      if (Atomics.compareExchange(control, CLAIMS + b, word, word + 1) !== word) continue;
      const t0 = performance.now();
      try {
        if (Atomics.load(control, FAILED) === 0) {
          const at = j * JOB_WORDS, fn = kernels[jobs[at]!]!;
          const r = fn(jobs[at + 1]!, jobs[at + 2]!, jobs[at + 3]!, jobs[at + 4]!, jobs[at + 5]!, jobs[at + 6]!, jobs[at + 7]!,
            jobs[at + 8]!, jobs[at + 9]!, jobs[at + 10]!, jobs[at + 11]!, jobs[at + 12]!, jobs[at + 13]!, jobs[at + 14]!, jobs[at + 15]!);
          v.results[j] = typeof r === "number" ? r : 0;
        }
      } catch (e) {
        if (Atomics.compareExchange(control, FAILED, 0, 1) === 0) {
          v.error.set(new TextEncoder().encode(`worker ${worker}: ${e instanceof Error ? e.message : String(e)}`).subarray(0, ERROR_BYTES));
        }
      }
      v.ranBy[j] = worker;
      v.ms[j] = performance.now() - t0;
      if (Atomics.add(control, DONE, 1) + 1 === n) Atomics.notify(control, DONE);
    }
  }
}

/** Spins this long (polls) for the next batch before sleeping: batches come in quick bursts. */
const SPIN_MS = 0.5;

/** How long a yielding worker blocks at a time before it lets its event loop run. */
const BLOCK_MS = 50;

/** Lets the event loop run queued tasks (a message round trip: faster than a clamped timer). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(0);
  });
}

/**
 * A worker's life: wait for a batch, work on it, until the pool says QUIT. It spins briefly, then
 * blocks in Atomics.wait (woken at once by the pool's notify). With `yieldBetween` the block is
 * at most BLOCK_MS, and the event loop runs in between, so a browser can still reach the worker
 * (to measure its memory, say); Atomics.waitAsync would be the tool, but it never wakes in
 * Node 20 nor in the Chromium these tests run.
 */
export async function serveBatches(v: StateViews, kernels: Kernel[], worker: number, yieldBetween = true): Promise<void> {
  const { control } = v;
  let seen = Atomics.load(control, SEQ);
  for (;;) {
    let seq = Atomics.load(control, SEQ);
    if (seq === seen) {
      if (spin(() => Atomics.load(control, SEQ) !== seen, SPIN_MS)) {
        seq = Atomics.load(control, SEQ);
      } else {
        Atomics.wait(control, SEQ, seen, yieldBetween ? BLOCK_MS : Infinity);
        seq = Atomics.load(control, SEQ);
        if (seq === seen && yieldBetween) await yieldToEventLoop();
      }
    }
    if (seq === QUIT) return;
    if (seq === seen) continue;
    seen = seq;
    work(v, kernels, seq, worker);
  }
}
