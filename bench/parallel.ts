// Parallel proving benchmark (issue 10): prove time of vgg16_cifar10 and tiny_gpt with 1 and 2
// threads (the pool's workers plus the proving thread) and the speed-up, with the wall time of
// the pool's batches (pool_ms: kernel calls split across threads) so the part that scales is
// visible next to the part that runs on one thread (prove_ms − pool_ms); then each model's setup
// (commitment and setup proof) on the same thread counts.
// Then each WebGPU kernel next to wasm's on the same data, where Node has an adapter (--no-gpu: not).
// `npm run bench -- parallel [--model name] [--workers 1,2,4] [--no-gpu] [--json]`.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { proveWithKey, setupKeys, type LoadedKey } from "../src/core/prover/keys.ts";
import { equalBytes } from "../src/core/pcs/index.ts";
import { Worker } from "node:worker_threads";
import { availableCores, createPool, nodePool, poolBackendOf, type WorkerPool } from "../src/core/parallel/index.ts";
import { fieldBackend, type FieldBackend } from "../src/core/kernels/index.ts";
import { SHARED } from "../test/shared-data.ts";
import { prepareModel } from "./prove.ts";
import { gpuKernelTable } from "./gpu.ts";
import type { Reporter } from "./report.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One proof, and its own pool batches (count, wall ms): the integer evaluation's, before the
 * proof, are dropped at its first progress event. Every thread count gets the same callback.
 */
function provePooled(key: LoadedKey, inputs: Readonly<Record<string, Int32Array>>, pool: WorkerPool | 1) {
  let started = false;
  const onProgress = () => { if (!started && pool !== 1) pool.batchStats(); started = true; };
  const p = proveWithKey(key, inputs, { workers: pool, onProgress });
  return { p, b: pool === 1 ? { ms: 0, batches: 0 } : pool.batchStats() };
}

async function measure(r: Reporter, name: string, counts: number[]): Promise<void> {
  const { key, inputs, qgraph } = prepareModel(name);
  // Medians of many interleaved runs after a few warm-up rounds: V8 keeps tiering up the
  // prover's functions over the first proofs, and the machine's load drifts.
  const reps = name === "vgg16_cifar10" ? 11 : 15, warm = 3;
  const pools = await Promise.all(counts.map(async (workers) => {
    if (workers === 1) return 1;
    const threads = nodePool(workers);
    await threads.ready;
    return threads.pool;
  }));
  // Warm-up proofs for every count, checked against the first; then the counts take turns, so a
  // change in the machine's load hits every count alike.
  for (let k = 0; k < warm; k++) {
    const proofs = pools.map((pool) => proveWithKey(key, inputs, { workers: pool }).proof);
    proofs.forEach((p, i) => {
      if (!equalBytes(p, proofs[0]!)) throw new Error(`bench parallel: ${name}'s proof with ${counts[i]} workers differs from the one with ${counts[0]}`);
    });
  }
  const runs = pools.map(() => [] as { ms: number; total: number; pooled: number; batches: number; cpu: number }[]);
  for (let k = 0; k < reps; k++) {
    pools.forEach((pool, i) => {
      if (pool !== 1) pool.batchStats();
      // CPU time of every thread of the process (the pool's workers and V8's own compiler and
      // GC threads included) over the whole call, the integer evaluation before the proof too.
      const c0 = process.cpuUsage(), t0 = performance.now();
      const { p, b } = provePooled(key, inputs, pool);
      const c = process.cpuUsage(c0), wall = performance.now() - t0;
      runs[i]!.push({ ms: p.proveMs, total: wall, pooled: b.ms, batches: b.batches, cpu: (c.user + c.system) / 1000 / wall });
    });
  }
  // The same batches on the proving thread alone: a pool of two whose worker never starts runs
  // every job itself through the same code, which splits a proof into its pooled part and its
  // serial part (prove_ms − pool_ms) measured on one thread.
  const alone = createPool(2, () => ({ postMessage() {}, terminate() {} }));
  const aloneRuns = Array.from({ length: 5 }, () => {
    const { p, b } = provePooled(key, inputs, alone);
    return { ms: p.proveMs, pooled: b.ms };
  });
  const aloneMs = median(aloneRuns.map((x) => x.ms)), alonePooled = median(aloneRuns.map((x) => x.pooled));
  const base = median(runs[0]!.map((x) => x.ms)), totalBase = median(runs[0]!.map((x) => x.total));
  counts.forEach((workers, i) => {
    const ms = median(runs[i]!.map((x) => x.ms)), pooled = median(runs[i]!.map((x) => x.pooled)), total = median(runs[i]!.map((x) => x.total));
    r.result("parallel", {
      model: name, workers, prove_ms: ms, speedup: base / ms, with_eval_ms: total, with_eval_speedup: totalBase / total, cores_busy: median(runs[i]!.map((x) => x.cpu)),
      pool_ms: pooled, batches: median(runs[i]!.map((x) => x.batches)), identical_proof: true,
      ...(workers > 1 ? { serial_ms: ms - pooled, pooled_one_thread_ms: alonePooled, pooled_speedup: alonePooled / pooled, serial_one_thread_ms: aloneMs - alonePooled } : {}),
    });
  });
  // Setup (the model's commitment and the setup proof) on the same pools: the same keys on any.
  const setups = pools.map(() => [] as number[]);
  let vk: Uint8Array | undefined;
  for (let k = 0; k < 3; k++) {
    pools.forEach((pool, i) => {
      const t0 = performance.now();
      const keys = setupKeys(qgraph, { workers: pool });
      setups[i]!.push(performance.now() - t0);
      if (vk && !equalBytes(keys.vk, vk)) throw new Error(`bench parallel: ${name}'s vk.bin with ${counts[i]} workers differs from the one with ${counts[0]}`);
      vk = keys.vk;
    });
  }
  const setupBase = median(setups[0]!);
  counts.forEach((workers, i) => r.result("parallel", { model: `${name} (setup)`, workers, setup_ms: median(setups[i]!), speedup: setupBase / median(setups[i]!), identical_keys: true }));
}

/**
 * What two threads can give on this machine, measured in the same run: a kernel with no serial
 * part (an extension-field product over 2^20 elements) on one thread and split over the pool, and
 * on one thread while another thread only does arithmetic (two vCPUs that share a physical core
 * or a power budget slow each other down; no software on top can beat that).
 */
async function ceiling(r: Reporter, pool: WorkerPool): Promise<void> {
  const n = 1 << 20, reps = 15;
  const time = (K: FieldBackend) => {
    const a = K.from(new Uint32Array(4 * n).map((_, i) => (i * 2654435761) % 2130706433)), o = K.allocFor(4 * n);
    try {
      K.extMul(a, a, o, n);
      const ts = Array.from({ length: reps }, () => { const t = performance.now(); K.extMul(a, a, o, n); return performance.now() - t; });
      return median(ts);
    } finally {
      K.free(a); K.free(o);
    }
  };
  const one = time(fieldBackend()), two = time(poolBackendOf(pool));
  // A neighbour that computes in registers, touching no shared memory.
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const busy = new Worker(`const { workerData } = require("node:worker_threads"); const s = new Int32Array(workerData);
    let x = 1.1; while (Atomics.load(s, 0) === 0) for (let i = 0; i < 1e5; i++) x = x * 1.0000001 + 1e-9;`, { eval: true, workerData: stop.buffer });
  await new Promise((ok) => setTimeout(ok, 100));
  const crowded = time(fieldBackend());
  Atomics.store(stop, 0, 1);
  await busy.terminate();
  r.result("parallel", { model: "kernel extMul 2^20", workers: 2, one_thread_ms: one, two_threads_ms: two, speedup: one / two, one_thread_beside_busy_thread_ms: crowded, neighbour_slowdown: crowded / one });
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  if (!existsSync(join(SHARED, "models"))) {
    r.note(`parallel: no shared models at ${join(SHARED, "models")}; nothing to measure`);
    return;
  }
  const at = args.indexOf("--model"), wAt = args.indexOf("--workers");
  const names = at >= 0 ? [args[at + 1]!] : ["vgg16_cifar10", "tiny_gpt"];
  const counts = wAt >= 0 ? args[wAt + 1]!.split(",").map(Number) : [1, 2];
  // speedup is relative to the first count.
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bench parallel: --workers takes thread counts like 1,2,4`);
  r.note(`${availableCores()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes share the cores: speed-ups are only meaningful on an idle machine)`);
  r.note(`Node flags: ${process.execArgv.filter((a) => a.startsWith("--max-semi") || a.startsWith("--v8-pool-size")).join(" ") || "none"} (npm run bench uses the young generation and the one V8 platform thread the zkml CLI proves with)`);
  r.note("cores_busy: CPU time of all the process's threads over wall time; one proving thread keeps more than one core busy, as V8 compiles and collects garbage on threads of its own, which a second proving thread then has to share a core with");
  r.note("with_eval_ms: what `zkml prove` waits for, the integer evaluation of the model (its matrix products split across the pool too) and the proof; prove_ms is the proof alone");
  r.note("pool_ms: wall time of the kernel batches split across the threads (RS encoding, transposition, hashing, row combinations, eq tables, folds, sumcheck and GKR rounds); serial_ms, the rest of prove_ms, runs on the proving thread (witness, transcript, small kernel calls); pooled_speedup: the same batches on one thread (pooled_one_thread_ms, a pool whose worker never starts) over pool_ms");
  if (counts.includes(2)) {
    const threads = nodePool(2);
    await threads.ready;
    if (threads.pool.size === 2) await ceiling(r, threads.pool);
  }
  for (const name of names) await measure(r, name, counts);
  if (!args.includes("--no-gpu")) await gpuKernelTable(r);
}
