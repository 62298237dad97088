// `npm run bench -- gpu [--json]`: each WebGPU kernel next to the wasm kernel on the same data,
// in Node (Dawn through the optional `webgpu` package; here Mesa's llvmpipe, a CPU rasterizer, so
// the GPU column is slower — a machine with a real GPU shows the gain with the same command).
// Times are medians of resident work: inputs already on the device / in wasm memory, the GPU
// timed from the first submit until the queue is idle. Transfer costs are reported separately.
// speedup = wasm_ms / gpu_ms (below 1: the GPU path is slower). `--only=commit|prove`: the commitment rows, or the whole-proof row, alone.
import { randomWords } from "./field.ts";
import type { Reporter } from "./report.ts";
import { wasmBackend } from "../src/core/kernels/index.ts";
import { gpuKernelsFor, type GpuBuf, type GpuKernels } from "../src/core/kernels/gpu-kernels.ts";
import { nodeGpuDevice } from "../src/core/kernels/gpu-node.ts";
import type { Buf, FieldBackend } from "../src/core/kernels/types.ts";
import { availableBackends } from "../src/core/hash/index.ts";
import { chooseParams, commit, commitOnGpu } from "../src/core/pcs/index.ts";
import { proveWithKey, proveWithKeyAsync } from "../src/core/prover/keys.ts";
import type { ProgressEvent } from "../src/core/prover/index.ts";
import { prepareModel } from "./prove.ts";
import { hasShared } from "../test/shared-data.ts";

/** Wall times of `reps` runs after one warm-up; the median is what the table prints. */
async function samplesMs(fn: () => Promise<unknown> | unknown, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = -1; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    if (i >= 0) out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

const medianMs = async (fn: () => Promise<unknown> | unknown, reps: number): Promise<number> => {
  const s = await samplesMs(fn, reps);
  return s[s.length >> 1]!;
};

interface Case {
  kernel: string;
  size: Record<string, number>;
  /** Input words, each list one buffer (same data on both sides). */
  inputs: number[];
  outWords: number;
  wasm: (W: FieldBackend, ins: Buf[], out: Buf) => unknown;
  gpu: (G: GpuKernels, ins: GpuBuf[], out: GpuBuf) => Promise<unknown>;
}

const r4 = randomWords(4, 99);
const eqR = (n: number) => randomWords(4 * n, 98);

function cases(): Case[] {
  const E = (n: number) => 4 * n;
  return [
    { kernel: "ntt", size: { log_n: 16 }, inputs: [1 << 16], outWords: 0, wasm: (W, [a]) => W.ntt(a!, 16), gpu: (G, [a]) => G.ntt(a!, 16) },
    { kernel: "ntt", size: { log_n: 20 }, inputs: [1 << 20], outWords: 0, wasm: (W, [a]) => W.ntt(a!, 20), gpu: (G, [a]) => G.ntt(a!, 20) },
    { kernel: "intt", size: { log_n: 20 }, inputs: [1 << 20], outWords: 0, wasm: (W, [a]) => W.intt(a!, 20), gpu: (G, [a]) => G.intt(a!, 20) },
    { kernel: "ext_ntt", size: { log_n: 18 }, inputs: [E(1 << 18)], outWords: 0, wasm: (W, [a]) => W.extNtt(a!, 18), gpu: (G, [a]) => G.extNtt(a!, 18) },
    {
      kernel: "rs_encode", size: { rows: 1 << 11, log_m: 11, log_rate: 2 }, inputs: [1 << 22], outWords: 1 << 24,
      wasm: (W, [a], o) => W.rsEncode(a!, 1 << 11, 11, 2, o), gpu: (G, [a], o) => G.rsEncode(a!, 1 << 11, 11, 2, o),
    },
    {
      kernel: "rs_encode_ext", size: { rows: 1 << 8, log_m: 10, log_rate: 2 }, inputs: [E(1 << 18)], outWords: E(1 << 20),
      wasm: (W, [a], o) => W.rsEncodeExt(a!, 1 << 8, 10, 2, o), gpu: (G, [a], o) => G.rsEncodeExt(a!, 1 << 8, 10, 2, o),
    },
    { kernel: "eq_table", size: { n: 20 }, inputs: [], outWords: E(1 << 20), wasm: (W, _i, o) => W.eqTable(eqR(20), o), gpu: (G, _i, o) => G.eqTable(eqR(20), o) },
    { kernel: "fold_base", size: { m: 1 << 20 }, inputs: [2 << 20], outWords: E(1 << 20), wasm: (W, [a], o) => W.foldBase(a!, 1 << 20, r4, o), gpu: (G, [a], o) => G.foldBase(a!, 1 << 20, r4, o) },
    { kernel: "fold_ext", size: { m: 1 << 19 }, inputs: [E(2 << 19)], outWords: E(1 << 19), wasm: (W, [a], o) => W.foldExt(a!, 1 << 19, r4, o), gpu: (G, [a], o) => G.foldExt(a!, 1 << 19, r4, o) },
    ...(["BB", "EB", "EE", "BBB", "EEB", "EEE"] as const).map((mix): Case => {
      const kinds = [...mix].map((c) => c === "E"), m = 1 << 19;
      return {
        kernel: `round_${mix}`, size: { m }, inputs: kinds.map((e) => (e ? 8 : 2) * m), outWords: 0,
        wasm: (W, ins) => W.roundProduct(ins.map((buf, j) => ({ buf, ext: kinds[j]! })), m),
        gpu: (G, ins) => G.roundProduct(ins.map((buf, j) => ({ buf, ext: kinds[j]! })), m),
      };
    }),
  ];
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  const reps = Number(args.find((a) => a.startsWith("--reps="))?.slice(7) ?? 3);
  const st = await nodeGpuDevice();
  if (!st.ok) {
    r.note(`no WebGPU adapter in Node: ${st.reason}`);
    r.result("gpu", { available: false, reason: st.reason });
    return;
  }
  r.note(`adapter: ${st.adapter}`);
  const G = gpuKernelsFor(st.device), W = wasmBackend();
  // --only=commit / --only=prove: just that comparison.
  if (args.includes("--only=commit")) return commitments(r, G, reps);
  if (args.includes("--only=prove")) return proofs(r, G, reps);
  await kernelRows(r, G, W, reps);
  await leaves(r, G, W, reps);
  await commitments(r, G, reps);
  await proofs(r, G, reps);
  // Moving data: what a caller pays when it does not keep buffers resident.
  const words = 1 << 22, data = randomWords(words, 7);
  const up = await medianMs(async () => { const b = G.upload(data); await G.finish(); G.free(b); }, reps);
  const b = G.upload(data);
  const down = await medianMs(() => G.read(b), reps);
  G.free(b);
  r.result("gpu", { kernel: "upload", words, gpu_ms: up, mb_per_s: (4 * words) / 1e3 / up });
  r.result("gpu", { kernel: "read_back", words, gpu_ms: down, mb_per_s: (4 * words) / 1e3 / down });
}

/** Each WebGPU kernel next to the wasm kernel on the same data (resident inputs). */
async function kernelRows(r: Reporter, G: GpuKernels, W: FieldBackend, reps: number): Promise<void> {
  let seed = 1;
  for (const c of cases()) {
    const data = c.inputs.map((n) => randomWords(n, seed++));
    const gIns = data.map((d) => G.upload(d)), gOut = G.alloc(c.outWords);
    const wIns = data.map((d) => W.from(d)), wOut = W.alloc(c.outWords);
    const gpuMs = await medianMs(async () => { await c.gpu(G, gIns, gOut); await G.finish(); }, reps);
    const wasmMs = await medianMs(() => c.wasm(W, wIns, wOut), reps);
    r.result("gpu", { kernel: c.kernel, ...c.size, gpu_ms: gpuMs, wasm_ms: wasmMs, speedup: wasmMs / gpuMs });
    [...gIns, gOut].forEach((b) => G.free(b));
    [...wIns, wOut].forEach((b) => W.free(b));
  }
}

/**
 * The per-kernel table alone (`bench parallel` prints it after the speed-up), or a note saying
 * why there is no adapter.
 */
export async function gpuKernelTable(r: Reporter, reps = 3): Promise<void> {
  const st = await nodeGpuDevice();
  if (!st.ok) {
    r.note(`no WebGPU adapter in Node: ${st.reason}`);
    r.result("gpu", { available: false, reason: st.reason });
    return;
  }
  r.note(`WebGPU kernels next to wasm on the same data (adapter: ${st.adapter}; a software adapter is slower than wasm, a real GPU shows the gain); \`npm run bench -- gpu\` adds the commitment and a whole proof`);
  await kernelRows(r, gpuKernelsFor(st.device), wasmBackend(), reps);
}

/**
 * The witness commitment as the prover makes it (PcsProverData from evaluations in JS memory), at
 * the layout chooseParams picks: commitOnGpu (upload, RS + leaves on the GPU, read back, CPU
 * transpose and node levels) vs commit on one wasm thread. Not resident: transfers are included.
 */
async function commitments(r: Reporter, G: GpuKernels, reps: number): Promise<void> {
  for (const logN of [20, 22]) {
    const params = chooseParams(logN), evals = randomWords(2 ** logN, 11);
    const gpuMs = await medianMs(() => commitOnGpu(params, evals, G), reps);
    const wasmMs = await medianMs(() => commit(params, evals), reps);
    r.result("gpu", { kernel: "commit", log_n: logN, log_rows: params.logRows, log_cols: params.logCols, gpu_ms: gpuMs, wasm_ms: wasmMs, speedup: wasmMs / gpuMs });
  }
}

/**
 * A whole proof of vgg16_cifar10 (shared data) on one thread: the witness committed on the GPU
 * (proveWithKeyAsync) vs on wasm (proveWithKey), with the commit stage's share; the two proofs
 * must be the same bytes.
 */
async function proofs(r: Reporter, G: GpuKernels, reps: number): Promise<void> {
  const name = "vgg16_cifar10";
  if (!hasShared(`models/${name}/model.onnx`)) { r.note(`no shared ${name}: no whole-proof comparison`); return; }
  const { key, inputs } = prepareModel(name);
  const commitMs = (events: ProgressEvent[]) => {
    const i = events.findIndex((e) => e.stage === "commit");
    return events[events.findIndex((e, j) => j > i && e.stage !== "commit")]!.elapsedMs - events[i]!.elapsedMs;
  };
  const gpuRuns: { ms: number; commit: number }[] = [], wasmRuns: { ms: number; commit: number }[] = [];
  let gpuProof: Uint8Array = new Uint8Array(0), wasmProof: Uint8Array = new Uint8Array(0);
  for (let i = -1; i < reps; i++) {
    const ge: ProgressEvent[] = [], we: ProgressEvent[] = [];
    const g = await proveWithKeyAsync(key, inputs, { gpu: G, onProgress: (e) => ge.push(e) });
    const w = proveWithKey(key, inputs, { onProgress: (e) => we.push(e) });
    if (ge.find((e) => e.stage === "commit")?.backend !== "webgpu") throw new Error(`bench gpu: ${name}'s witness did not commit on the GPU (${ge.find((e) => e.stage === "commit")?.detail})`);
    gpuProof = g.proof; wasmProof = w.proof;
    if (i >= 0) { gpuRuns.push({ ms: g.proveMs, commit: commitMs(ge) }); wasmRuns.push({ ms: w.proveMs, commit: commitMs(we) }); }
  }
  if (Buffer.compare(Buffer.from(gpuProof), Buffer.from(wasmProof)) !== 0) throw new Error(`bench gpu: ${name}'s proof with the GPU commitment differs from the wasm one`);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const gpuMs = med(gpuRuns.map((x) => x.ms)), wasmMs = med(wasmRuns.map((x) => x.ms));
  r.result("gpu", {
    kernel: "prove", model: name, gpu_ms: gpuMs, wasm_ms: wasmMs, speedup: wasmMs / gpuMs,
    gpu_commit_ms: med(gpuRuns.map((x) => x.commit)), wasm_commit_ms: med(wasmRuns.map((x) => x.commit)), identical_proof: true,
  });
}

/**
 * Merkle leaves of encoded columns: the GPU hashes the row-major encoding in place; the CPU hashes
 * the transposed (column-major) matrix with each SHA-256 backend. speedup is against the fastest
 * hash alone; the transpose the CPU path needs first is printed beside it.
 */
async function leaves(r: Reporter, G: GpuKernels, W: FieldBackend, reps: number): Promise<void> {
  for (const [logRows, logCols] of [[11, 13], [6, 14]] as const) {
    const rows = 1 << logRows, cols = 1 << logCols;
    const data = randomWords(rows * cols, 5);
    const gm = G.upload(data), gOut = G.alloc(8 * cols);
    const gpuMs = await medianMs(async () => { await G.columnLeaves(gm, rows, cols, gOut); await G.finish(); }, reps);
    G.free(gm); G.free(gOut);
    const wm = W.from(data), wt = W.alloc(rows * cols);
    const transposeMs = await medianMs(() => W.transpose(wm, rows, cols, wt), reps);
    const t = W.view(wt), bytes = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
    const figures: Record<string, number> = {};
    for (const h of availableBackends()) figures[`${h.name}_ms`] = await medianMs(() => h.batch(bytes, 4 * rows, 0), reps);
    W.free(wm); W.free(wt);
    const best = Math.min(...Object.values(figures));
    r.result("gpu", {
      kernel: "column_leaves", rows, cols, gpu_ms: gpuMs, ...figures, wasm_transpose_ms: transposeMs,
      speedup: best / gpuMs, mb_per_s: (4 * rows * cols) / 1e3 / gpuMs,
    });
  }
}
