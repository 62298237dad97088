// What the prove worker does: compile the plan and set up the keys (vk.bin, pk.bin — the
// weights committed once), prove one inference with per-stage and per-layer progress, and
// verify the files exactly as the exported verifier does. Plain functions over the model
// bytes and the plan text: the worker that runs them can be terminated at any moment.
import { decodeModel, encodeTensor } from "../../src/core/onnx/index.ts";
import { loadGraph, type Tensor } from "../../src/core/graph/index.ts";
import { parsePlan, quantizeWithPlan } from "../../src/core/quant/index.ts";
import { buildOutput, decodeTensorProto, publicInputs, readVk, vkDigest, type OutputDoc } from "../../src/core/artifacts/index.ts";
import { compactPk, loadProvingKey, proveWithKeyAsync, setupKeys, withModelCode, type LoadedKey } from "../../src/core/prover/keys.ts";
import { keySetId, storedKeys, storeKeys } from "./key-store.ts";
import { equalBytes } from "../../src/core/pcs/index.ts";
import { poolBackendOf, webPool, type WorkerPool } from "../../src/core/parallel/index.ts";
import { wasmBackend, withKernels } from "../../src/core/kernels/index.ts";
import { chooseKernels } from "../../src/core/kernels/backend.ts";
import type { GpuKernels } from "../../src/core/kernels/gpu-kernels.ts";
import type { ProgressEvent } from "../../src/core/prover/index.ts";
import { checkVk, verifyFiles } from "../../src/core/verifier/files.ts";
import { sha256 } from "../../src/core/hash/index.ts";

export type ProveStage = "compile" | "setup" | "prove" | "verify";

export interface ProveProgress {
  stage: ProveStage;
  /** The prover's own stage (witness, commit, lookups, layers, openings) when proving. */
  step?: ProgressEvent["stage"];
  detail: string;
  /** Fraction of the whole run, 0…1. */
  fraction: number;
  elapsedMs: number;
  /** JS heap of the worker, where the browser reports it to the worker itself. */
  memoryBytes?: number;
  /** Wasm memory of the field kernels: this thread's and the pool's shared memory (peaks: wasm memory only grows). */
  wasmBytes?: number;
  /** Field operations of the proof so far, every thread (ProgressEvent.fieldOps), and the prover's own elapsed time. */
  fieldOps?: number;
  proveMs?: number;
  /** The pool thread that ran this job (0: the prove worker itself), for a track per worker. */
  worker?: number;
  /** Which backend ran the prover's stage: "webgpu", "wasm", "wasm × N threads". */
  backend?: string;
  /** A layer op proved beside this other stage's batches (ProgressEvent.alongside). */
  alongside?: ProgressEvent["stage"];
}

/**
 * WebGPU for the witness commitment: "auto" where chooseKernels picks it (a hardware adapter),
 * "force" on any adapter (a software one is slower; tests use it), "off" never.
 */
export type GpuPreference = "auto" | "force" | "off";

export interface ProveRunOptions {
  gpu?: GpuPreference;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface ProofResult {
  /** vk.bin: what a model owner publishes (its digest names the model). */
  vk: Uint8Array;
  vkDigest: Uint8Array;
  /** Root of the weight commitment (inside the VK). */
  modelRoot: Uint8Array;
  /** The public input as an ONNX TensorProto (the bundle's input.pb). */
  input: Uint8Array;
  output: OutputDoc;
  /** proof.bin */
  proof: Uint8Array;
  proofBytes: number;
  times: { compileMs: number; setupMs: number; proveMs: number; verifyMs: number };
  /** Measured proving time of each ONNX node's ops (layers stage), ms. */
  nodeMs: Record<string, number>;
  /** How many threads proved, and why not more ("4 threads", "one thread: not cross-origin isolated"). */
  threads: string;
  /** The backend that ran each prover stage (witness, commit, lookups, layers, openings). */
  backends: Partial<Record<ProgressEvent["stage"], string>>;
  /** Whether the commitment ran on WebGPU, and why (or why not). */
  gpu: string;
  verdict: Verdict;
  witnessElements: number;
  /** The keys came from this browser's storage (set up in an earlier session). */
  keysStored?: boolean;
  /** The keys were set up in the background, before this proof was asked for. */
  keysInBackground?: boolean;
}

interface Prepared {
  key: string;
  vk: Uint8Array;
  loaded: LoadedKey;
  compileMs: number;
  setupMs: number;
  /** The keys came from this browser's storage (set up in an earlier session), not from a setup now. */
  stored: boolean;
  /** Gives the encoded model's pool memory back, once its copy in storage is written (a setup's keys stay in the pool's memory). */
  release?: () => void;
  /** Set up ahead of any proof (prepareKeys), while the user looked at the calibration. */
  background?: boolean;
  /** Writes the keys to storage (persistAfter: once a proof with them has answered). */
  persist?: () => void;
}

let cached: Prepared | null = null;

/** Keeps `next` as the keys in memory; the keys it replaces give their pool memory back. */
function keep(next: Prepared): Prepared {
  cached?.release?.();
  return (cached = next);
}

const memory = () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;

/**
 * The keys of an earlier session, if they are whole and for this model (else undefined: set up
 * again). They are stored without the encoded model (compactPk): its code is made again here, on
 * the pool, once — far quicker than the setup, and it stays in the pool's memory like a setup's.
 */
function fromStorage(stored: { vk: Uint8Array; pk: Uint8Array } | undefined, modelHash: Uint8Array): { vk: Uint8Array; loaded: LoadedKey; release?: () => void } | undefined {
  if (!stored) return undefined;
  try {
    const key = loadProvingKey(stored.pk);
    if (!equalBytes(vkDigest(stored.vk), key.vkDigest) || !equalBytes(key.modelHash, modelHash)) return undefined;
    const { key: loaded, release } = pool.size > 1 ? withKernels(poolBackendOf(pool), () => withModelCode(key)) : withModelCode(key);
    return { vk: stored.vk, loaded, ...(release ? { release } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Compile and setup (the keys), cached for the same model and plan: in memory, and in the
 * browser's storage across reloads (key-store.ts), written once the proof is done.
 */
export async function prepare(bytes: Uint8Array, planText: string, report: (p: ProveProgress) => void, t0: number, background = false): Promise<Prepared> {
  const modelHash = sha256(bytes);
  const key = keySetId(modelHash, planText);
  if (cached?.key === key) return cached;
  // Stored keys carry the compiled graph: nothing to compile.
  const r0 = performance.now();
  const stored = fromStorage(await storedKeys(key), modelHash);
  if (stored) {
    report({ stage: "setup", detail: "keys from this browser's storage (set up earlier; the weights encoded again)", fraction: 0.05, elapsedMs: performance.now() - t0 });
    return keep({ key, vk: stored.vk, loaded: stored.loaded, compileMs: 0, setupMs: performance.now() - r0, stored: true, ...(stored.release ? { release: stored.release } : {}) });
  }
  report({ stage: "compile", detail: "quantized graph → proof plan", fraction: 0, elapsedMs: performance.now() - t0 });
  const c0 = performance.now();
  const qgraph = quantizeWithPlan(loadGraph(decodeModel(bytes)), parsePlan(planText));
  const compileMs = performance.now() - c0;
  const s0 = performance.now();
  report({ stage: "setup", detail: "committing the weights, proving their ranges", fraction: 0.05, elapsedMs: performance.now() - t0 });
  // The encoded model stays in the pool's memory (no 537 MB copy for vgg16) until these keys are
  // replaced; they go to storage once a proof with them has answered (persistAfter), without the
  // encoded model (vgg16: 63 MB, not 600 MB, written on this thread before the next proof can start).
  const keys = setupKeys(qgraph, { modelHash, workers: pool, keepInPool: true });
  let storing: Promise<unknown> | undefined;
  const persist = () => void (storing ??= storeKeys(key, keys.vk, compactPk(keys.key)));
  const release = keys.release && (() => void (storing ?? Promise.resolve()).finally(keys.release));
  return keep({ key, vk: keys.vk, loaded: keys.key, compileMs, setupMs: performance.now() - s0, stored: false, background, persist, ...(release ? { release } : {}) });
}

/**
 * Stores the keys a proof used once that proof's answer has gone back: storing writes pk.bin on
 * this thread (vgg16: 63 MB without its encoded model), which, begun before the proof, would
 * hold its verdict.
 */
export function persistAfter(p: Prepared): void {
  if (p.persist) setTimeout(p.persist, 0);
}

/** The float input as the TensorProto file a verifier reads. */
function inputFile(inputs: Record<string, Tensor>, name: string): Uint8Array {
  const t = inputs[name];
  if (!t) throw new Error(`prove: no value for the model input ${name}; pick an input`);
  return encodeTensor({ dtype: t.dtype, shape: t.shape, data: t.data } as Parameters<typeof encodeTensor>[0], name);
}

// The prover's thread pool (issue 10): sub-workers start with this worker, so they have loaded
// by the time a proof needs them (jobs posted earlier simply run here).
const MAX_POOL_THREADS = 8;
// (One thread where there are no Web Workers: Node runs these tasks in tests.)
const { pool, ready: poolReady } = webPool(typeof Worker === "undefined" ? 1 : Math.min(MAX_POOL_THREADS, globalThis.navigator?.hardwareConcurrency ?? 1),
  () => new Worker(new URL("../pool.worker.ts", import.meta.url), { type: "module" }));
/** The prove worker's thread pool (generation proofs share it). */
export function proverPool(): WorkerPool {
  return pool;
}

/** How long a proof waits for pool workers still loading (their module and kernels) to join. */
const POOL_START_MS = 5000;

/** Resolves once the pool's workers are serving (or failed, or took too long: the proof then runs with whoever is there). */
function poolStarted(): Promise<void> {
  return Promise.race([poolReady.catch(() => {}), new Promise<void>((r) => setTimeout(r, POOL_START_MS))]);
}

/** The GPU kernels for the commitment, if the preference and chooseKernels give one, and why. */
async function commitGpu(pref: GpuPreference): Promise<{ kernels?: GpuKernels; note: string }> {
  if (pref === "off") return { note: "wasm: WebGPU turned off (?gpu=off)" };
  const c = await chooseKernels(pref === "force" ? "webgpu" : "auto");
  return c.backend === "webgpu" ? { kernels: c.gpu, note: c.note } : { note: c.note };
}

/**
 * The prover's events as the app's progress, its fraction mapped onto [from, from + span] of the
 * run: with the field operations so far, the kernels' memory, the pool thread of a job and the
 * backend of each stage (also collected into `backends`).
 */
export function proverProgress(onProgress: (p: ProveProgress) => void, t0: number, from: number, span: number, backends: ProofResult["backends"] = {}): (e: ProgressEvent) => void {
  return (e) => {
    if (e.backend && !e.alongside) backends[e.stage] = e.backend;
    const mem = memory();
    onProgress({
      stage: "prove", step: e.stage, detail: e.detail, fraction: from + span * e.fraction, elapsedMs: performance.now() - t0,
      fieldOps: e.fieldOps, proveMs: e.elapsedMs, wasmBytes: wasmBackend().memory.buffer.byteLength + (pool.memory?.buffer.byteLength ?? 0),
      ...(mem ? { memoryBytes: mem } : {}), ...(e.worker === undefined ? {} : { worker: e.worker }), ...(e.backend ? { backend: e.backend } : {}),
      ...(e.alongside ? { alongside: e.alongside } : {}),
    });
  };
}

/** Witness elements a proof with this plan commits (for the elements/s metric). */
export function witnessElements(plan: LoadedKey["plan"]): number {
  return plan.witness.reduce((a, t) => a + 2 ** plan.tensors[t]!.nVars, 0);
}

/**
 * Compiles and sets up the keys of a model and plan ahead of a proof (the IDE asks once the
 * calibration has settled): the next proof of that plan starts at once. Not stored until used.
 */
export async function prepareKeys(bytes: Uint8Array, planText: string): Promise<{ setupMs: number; stored: boolean }> {
  await poolStarted();
  const p = await prepare(bytes, planText, () => {}, performance.now(), true);
  // The verifier's check of the VK's setup proof (vgg16: ~0.4 s in a browser) is cached per VK:
  // made now, the proof's own verification is only the proof's.
  checkVk(p.vk);
  return { setupMs: p.setupMs, stored: p.stored };
}

/** Compiles, sets up, proves and verifies one inference on float inputs. */
export async function proveRun(bytes: Uint8Array, planText: string, inputs: Record<string, Tensor>, onProgress: (p: ProveProgress) => void, opts: ProveRunOptions = {}): Promise<ProofResult> {
  const t0 = performance.now();
  const gpu = await commitGpu(opts.gpu ?? "auto");
  await poolStarted();
  const p = await prepare(bytes, planText, onProgress, t0);
  const { loaded } = p;
  const graph = loaded.plan.graph;
  const inName = graph.tensors[graph.inputs[0]!]!.onnx ?? graph.inputs[0]!;
  const input = inputFile(inputs, inName);
  const qin = publicInputs(graph, [decodeTensorProto(input)]);
  const nodeMs: Record<string, number> = {};
  let last: { node: string; at: number } | null = null;
  const backends: ProofResult["backends"] = {};
  const report = proverProgress(onProgress, t0, 0.15, 0.75, backends);
  const r = await proveWithKeyAsync(loaded, qin, {
    workers: pool,
    ...(gpu.kernels ? { gpu: gpu.kernels } : {}),
    onProgress(e) {
      const now = performance.now();
      if (last) nodeMs[last.node] = (nodeMs[last.node] ?? 0) + (now - last.at);
      last = e.stage === "layers" && e.detail.includes(" ") ? { node: e.detail.slice(e.detail.indexOf(" ") + 1), at: now } : null;
      report(e);
    },
  });
  const output = buildOutput(graph, r.outputs, loaded.vkDigest);
  onProgress({ stage: "verify", detail: "checking the files as the exported verifier does", fraction: 0.92, elapsedMs: performance.now() - t0 });
  const v0 = performance.now();
  const v = verifyFiles(p.vk, input, output, r.proof);
  const verifyMs = performance.now() - v0;
  onProgress({ stage: "verify", detail: v.ok ? "accepted" : "rejected", fraction: 1, elapsedMs: performance.now() - t0 });
  persistAfter(p);
  const plan = loaded.plan;
  return {
    vk: p.vk, vkDigest: loaded.vkDigest, modelRoot: readVk(p.vk).vk.model.root, input, output, proof: r.proof, proofBytes: r.proof.length,
    times: { compileMs: p.compileMs, setupMs: p.setupMs, proveMs: r.proveMs, verifyMs }, nodeMs, threads: pool.note, backends, gpu: gpu.note,
    verdict: v.ok ? { ok: true } : { ok: false, reason: v.reason }, witnessElements: witnessElements(plan), keysStored: p.stored,
    ...(p.background ? { keysInBackground: true } : {}),
  };
}

/** Verifies files as received (a bundle dropped in, or a tampered copy). Never throws. */
export function verifyBundle(vk: Uint8Array, input: Uint8Array, output: Uint8Array | string | object, proof: Uint8Array): Verdict & { vkDigest?: string } {
  const v = verifyFiles(vk, input, output, proof);
  return v.ok ? { ok: true, ...(v.vkDigest ? { vkDigest: v.vkDigest } : {}) } : { ok: false, reason: v.reason, ...(v.vkDigest ? { vkDigest: v.vkDigest } : {}) };
}
