// The prover (PROTOCOL.md §2–§6): commit the witness, prove every lookup, then reduce claims op by
// op from the output back to the input, and open both commitments at the claims that remain.
// Every step mirrors verifier/verify.ts.

import { type ProofPlan, type Claim, writeLogup, unpadInts, CircuitError } from "../circuit/index.ts";
import { multiplicities, logupProve, type LogupInstance, type LookupUse, type Table } from "../lookup/index.ts";
import { canStream, commit, commitStreamed, commitOnGpu, gpuCommitFits, open, segmentByName, writeOpeningProof, type PcsClaim, type PcsProverData, type SegmentMap } from "../pcs/index.ts";
import { pipelinedCommit, type PipelinedCommit } from "../pcs/pipeline.ts";
import { computeValues, initialValues, type Values } from "./witness.ts";
import { absorbStatement, tableToField, witnessLayout, extsToPoint, forkLayers, joinLookups, LABELS, lookupBatches, mergeClaimsProver, moveClaims, readsLookupClaims, unclaimedOutputs } from "../circuit/protocol.ts";
import { checkKernelMemory, pipelinesWitness, streamsWitness } from "../circuit/memory.ts";
import { ProverCtx } from "./context.ts";
import { hasPadding, proveLiveOutput } from "../circuit/live-output.ts";
import { nodePool, poolBackendOf, type WorkerPool } from "../parallel/index.ts";
import { proverGadget } from "./gadgets/index.ts";
import { fieldBackend, fieldOpsCount, withKernels, type FieldBackend } from "../kernels/index.ts";
import { keepResident } from "../kernels/resident.ts";
import type { GpuKernels } from "../kernels/gpu-kernels.ts";

export interface ModelCommitment {
  map: SegmentMap;
  data: PcsProverData;
}

export interface ProofData {
  body: Uint32Array;
  witnessRoot: Uint8Array;
  witnessOpening: Uint8Array;
  modelOpening: Uint8Array;
}

export interface ProgressEvent {
  stage: "witness" | "commit" | "lookups" | "layers" | "openings";
  detail: string;
  fraction: number;
  elapsedMs: number;
  /** Set on the jobs a worker pool ran: 0 is the proving thread, 1… its workers. */
  worker?: number;
  /** Field operations performed so far in this proof, on every thread (kernels/field-ops.ts). */
  fieldOps: number;
  /** Which backend ran this stage: "webgpu", "wasm", "wasm × N threads". */
  backend?: string;
  /**
   * Set on a layer op proved on the proving thread while the pool's workers run this other
   * stage's batches (the lookups'): that stage is still the current one. An empty detail: the
   * last such op has ended.
   */
  alongside?: Stage;
}

export interface ProveOptions {
  onProgress?: (e: ProgressEvent) => void;
  /**
   * Threads to prove on, the calling one included (default 1), or a pool to use (in a browser,
   * one of Web Workers made with parallel's createPool). The proof is the same for any count.
   */
  workers?: number | WorkerPool;
  /**
   * Commit the witness without keeping its code (less memory; the opening encodes the rows
   * again). The proof is the same either way. Default: when the code would crowd kernel memory.
   */
  streamWitness?: boolean;
  /**
   * Tests only: play a cheating prover. `mutate` edits the witness before it is committed (and
   * the claimed output follows it); lookups then count only the values that are in their tables.
   */
  testOnlyCheat?: {
    mutate?(values: Values, plan: ProofPlan, phase: "witness" | "multiplicities"): void;
    /** Layers on the lookups' transcript after them (no fork), or their claims handed over without binding the lookups' transcript. */
    transcript?: "unforked" | "unjoined";
  };
}

export interface ProveAsyncOptions extends ProveOptions {
  /**
   * WebGPU kernels for the witness commitment (commitOnGpu: the same bytes). Without them, or when
   * the encoded matrix does not fit the device's buffers, the commitment runs on the CPU kernels.
   */
  gpu?: GpuKernels;
}

export interface ProveInput {
  plan: ProofPlan;
  vkDigest: Uint8Array;
  consts: Readonly<Record<string, Int32Array>>;
  model: ModelCommitment;
  /** Quantized public inputs, by graph input name (live values, row-major). */
  inputs: Readonly<Record<string, Int32Array>>;
  /** Every tensor the integer evaluator computed on these inputs. */
  reference: ReadonlyMap<string, Int32Array>;
}

export function prove(input: ProveInput, opts: ProveOptions = {}): ProofData {
  const { pool, kernels } = kernelsOf(opts);
  return withKernels(kernels, () => {
    const run = beginProof(input, opts, pool, true);
    const witness = commitOnCpu(run);
    try {
      return finishProof(run, witness);
    } finally {
      witness.release?.();
    }
  });
}

/**
 * `prove` with the witness committed on WebGPU when `opts.gpu` is given and the matrix fits the
 * device: the same bytes. The parts before and after the commitment run on the CPU kernels.
 */
export async function proveAsync(input: ProveInput, opts: ProveAsyncOptions = {}): Promise<ProofData> {
  const { pool, kernels } = kernelsOf(opts);
  const run = withKernels(kernels, () => beginProof(input, opts, pool, !opts.gpu));
  const { gpu } = opts;
  let witness: PcsProverData;
  if (gpu && !run.stream && gpuCommitFits(run.layout.params, gpu)) {
    run.backends.commit = "webgpu";
    run.progress("commit", "committing the witness on the GPU", 0.1);
    witness = await commitOnGpu(run.layout.params, run.packed, gpu);
  } else {
    const why = gpu ? ` (the encoded 2^${run.layout.params.logN} matrix exceeds the GPU's buffers)` : "";
    witness = withKernels(kernels, () => commitOnCpu(run, why));
  }
  try {
    return withKernels(kernels, () => finishProof(run, witness));
  } finally {
    witness.release?.();
  }
}

type Stage = ProgressEvent["stage"];

/** The pool to prove on and its kernels (undefined: this thread's). */
export function kernelsOf(opts: Pick<ProveOptions, "workers">): { pool: WorkerPool | undefined; kernels: FieldBackend | undefined } {
  const pool = poolOf(opts.workers);
  return { pool, kernels: pool ? poolBackendOf(pool) : undefined };
}

/** The proof up to the witness commitment: what the rest of it needs. */
interface ProofRun {
  input: ProveInput;
  ctx: ProverCtx;
  values: Values;
  tables: Table[];
  lookupUses: LookupUse[][];
  layout: ReturnType<typeof witnessLayout>;
  packed: Uint32Array;
  progress: (stage: Stage, detail: string, fraction: number, alongside?: Stage) => void;
  /** The backend each stage runs on (the commit stage's is set when it is chosen). */
  backends: Record<Stage, string>;
  /** Whether the witness is committed streamed (ProveOptions.streamWitness). */
  stream: boolean;
  /** The commitment being encoded on the pool's workers while the witness was computed (`packed` is its vector). */
  pipeline?: PipelinedCommit;
  pool: WorkerPool | undefined;
  cheat: ProveOptions["testOnlyCheat"];
}

/**
 * Witness, multiplicities and the packed witness vector, on the current kernels: all before the
 * commitment. With a pool (and `pipeline`), each witness tensor goes into the committed vector as
 * soon as it is computed, and the rows it completes are encoded on the workers meanwhile.
 */
function beginProof(input: ProveInput, opts: ProveOptions, pool: WorkerPool | undefined, pipeline: boolean): ProofRun {
  const t0 = performance.now();
  // Field operations of this proof: counted where the kernels are called, for every thread.
  const ops0 = fieldOpsCount();
  // The pool's per-thread tallies start from this proof (they are read only when someone listens).
  pool?.activity();
  const cpu = pool ? `wasm × ${pool.size} threads` : "wasm";
  const backends: Record<Stage, string> = { witness: cpu, commit: cpu, lookups: cpu, layers: cpu, openings: cpu };
  const event = (stage: Stage, detail: string, fraction: number, worker?: number, alongside?: Stage) =>
    opts.onProgress?.({ stage, detail, fraction, elapsedMs: performance.now() - t0, fieldOps: fieldOpsCount() - ops0, backend: backends[stage], ...(worker === undefined ? {} : { worker }), ...(alongside ? { alongside } : {}) });
  let stageNow: ProgressEvent["stage"] = "witness";
  const progress = (stage: ProgressEvent["stage"], detail: string, fraction: number, alongside?: Stage) => {
    if (!opts.onProgress) return;
    // A step beside another stage's batch: the pool's tallies and the current stage are that stage's.
    if (alongside) return void event(stage, detail, fraction, undefined, alongside);
    // What each thread of the pool did since the last event: one bar per thread on its track.
    for (const a of pool?.activity() ?? []) event(stageNow, `${a.jobs} kernel calls (${a.ms.toFixed(1)} ms)`, fraction, a.worker);
    stageNow = stage;
    event(stage, detail, fraction);
  };
  const { plan } = input;
  checkKernelMemory(plan, "proof");
  progress("witness", "computing the witness", 0);
  const layout = witnessLayout(plan);
  const stream = canStream(layout.params) && (opts.streamWitness ?? streamsWitness(plan));
  // A cheating prover edits the witness after it is computed: it is committed at the end.
  const K = fieldBackend();
  const piped = pipeline && pool && !stream && !opts.testOnlyCheat && pipelinesWitness(plan) ? pipelinedCommit(poolBackendOf(pool), layout.params, layout.map) : undefined;
  try {
    const packed = piped?.evals ?? new Uint32Array(2 ** layout.map.logN);
    const values = initialValues(plan, input.consts, input.inputs);
    const ctx = new ProverCtx(plan, values, input.model, { map: layout.map, packed, written: piped && ((offset) => piped.written(offset)) });
    const committed = new Set(plan.witness);
    computeValues(plan, values, input.reference, piped && ((name) => { if (committed.has(name)) ctx.field(name); }));
    if (opts.testOnlyCheat) {
      // Padded model tensors are shared between proofs: a cheat edits copies.
      for (const n of plan.model) values.set(n, values.get(n)!.slice());
      opts.testOnlyCheat.mutate?.(values, plan, "witness");
    }
    // The model matrix in kernel memory once per key (and backend): the model tensors' folds and
    // the model opening read it there; never copied again.
    keepResident(K, input.model.data.matrix);

    // Multiplicities belong to the witness commitment.
    const lookupUses = lookupUsesOf(plan, ctx);
    const tables: Table[] = [];
    for (let i = 0; i < plan.lookups.length; i++) {
      const l = plan.lookups[i]!;
      tables.push(tableToField(plan.tables[l.table]!));
      values.set(l.multiplicity, Float64Array.from(multiplicities(tables[i]!, lookupUses[i]!, { skipMissing: opts.testOnlyCheat !== undefined })));
    }
    opts.testOnlyCheat?.mutate?.(values, plan, "multiplicities");

    // Every witness tensor into its segment (those the lookups read are there already).
    for (const n of plan.witness) ctx.field(n);
    return { input, ctx, values, tables, lookupUses, layout, packed, progress, backends, stream, pool, cheat: opts.testOnlyCheat, ...(piped ? { pipeline: piped } : {}) };
  } catch (e) {
    piped?.abort();
    throw e;
  }
}

/** Every lookup's uses, their columns in the field. */
function lookupUsesOf(plan: ProofPlan, ctx: ProverCtx): LookupUse[][] {
  const out: LookupUse[][] = [];
  for (const l of plan.lookups) {
    const uses: LookupUse[] = [];
    for (const u of l.uses) {
      const s = plan.tensors[u.shapeOf]!, columns: Uint32Array[] = [];
      for (const c of u.columns) columns.push(ctx.field(c));
      uses.push({ shape: s.shape, logDims: s.logDims, columns, label: u.label });
    }
    out.push(uses);
  }
  return out;
}

/**
 * The witness commitment on the current kernels (the pool's threads when there is a pool);
 * streamed when its code would crowd kernel memory.
 */
function commitOnCpu(run: ProofRun, why = ""): PcsProverData {
  if (run.pipeline) {
    run.progress("commit", `committing the witness${why} (rows encoded while the witness was computed)`, 0.1);
    return run.pipeline.finish();
  }
  if (run.stream) {
    run.progress("commit", `committing the witness${why}, streamed in blocks of rows (the code of 2^${run.layout.params.logN} entries is not kept)`, 0.1);
    return commitStreamed(run.layout.params, run.packed);
  }
  run.progress("commit", `committing the witness${why}`, 0.1);
  return commit(run.layout.params, run.packed);
}

/** Everything after the witness commitment, on the current kernels: lookups, layers, openings. */
function finishProof(run: ProofRun, witness: PcsProverData): ProofData {
  const { input, ctx, layout, progress, pool } = run;
  const { plan } = input;
  absorbStatement(ctx.tr, input.vkDigest, plan, input.inputs, claimedOutputs(plan, run.values));
  ctx.tr.absorb(LABELS.witnessRoot, witness.root);
  // The lookups go on in ctx, the layers in their own fork (forkLayers): with a pool, the layers'
  // small steps run on this thread while the workers run the lookups' batches.
  const unforked = run.cheat?.transcript === "unforked";
  const layers = ctx.fork(unforked ? ctx.tr : forkLayers(ctx.tr));
  const walk = new LayerWalk(layers, ctx, progress, run.cheat?.transcript === "unjoined");

  progress("lookups", "proving lookups", 0.3);
  if (pool) pool.fillWith(() => walk.stepAlongside(), () => proveLookups(run));
  else proveLookups(run);

  // Ops proved beside the lookups ran on the proving thread alone (the detail says beside what).
  if (walk.proved === plan.graph.ops.length) run.backends.layers = "wasm";
  progress("layers", walk.proved > 0 ? `proving layers (${walk.proved} of ${plan.graph.ops.length} ops proved beside the lookups)` : "proving layers", 0.5);
  walk.finish();

  progress("openings", "opening commitments", 0.8);
  const witnessClaims: PcsClaim[] = [], modelClaims: PcsClaim[] = [];
  for (const name of layers.book.tensors()) {
    const t = plan.tensors[name]!;
    for (const c of layers.book.take(name)) {
      if (t.kind === "witness") witnessClaims.push(segmentClaim(layout.map, name, c));
      else if (t.kind === "model") modelClaims.push(segmentClaim(input.model.map, name, c));
      else if (t.kind !== "input" && t.kind !== "output") throw new CircuitError(`claims on ${name} (${t.kind}) were not reduced; this is a bug`);
    }
  }
  const witnessOpening = witnessClaims.length ? writeOpeningProof(open(layers.tr, witness, witnessClaims), layout.params) : new Uint8Array(0);
  // No proximity row for the model: the setup proof tested the model commitment's proximity once.
  // Its matrix stays in kernel memory for the next proof with this key.
  const modelOpening = modelClaims.length ? writeOpeningProof(open(layers.tr, input.model.data, modelClaims, { proximity: false, resident: true, knownRows: ctx.modelRows }), input.model.data.params) : new Uint8Array(0);
  progress("openings", "done", 1);
  // The body: the lookups' messages, then the layers'.
  const lookupsBody = ctx.w.finish(), layersBody = layers.w.finish();
  const body = new Uint32Array(lookupsBody.length + layersBody.length);
  body.set(lookupsBody);
  body.set(layersBody, lookupsBody.length);
  return { body, witnessRoot: witness.root, witnessOpening, modelOpening };
}

/** Every lookup batch, on ctx's transcript; their claims go to ctx's book. */
function proveLookups(run: ProofRun): void {
  const { input: { plan }, ctx, tables, lookupUses } = run;
  for (const batch of lookupBatches(plan)) {
    const instances: LogupInstance[] = [];
    for (const i of batch) instances.push({ table: tables[i]!, uses: lookupUses[i]!, m: ctx.field(plan.lookups[i]!.multiplicity) });
    const { proof, claims } = logupProve(instances, ctx.tr);
    writeLogup(ctx.w, proof);
    for (let k = 0; k < batch.length; k++) {
      const l = plan.lookups[batch[k]!]!;
      // A use's columns share its point: one array for all of them (claims' points are never written).
      let use = -1, point: Uint32Array = new Uint32Array(0);
      for (const c of claims[k]!.columns) {
        if (c.use !== use) point = extsToPoint(c.point), use = c.use;
        ctx.book.add(l.uses[c.use]!.columns[c.column]!, point, c.value);
      }
      ctx.book.add(l.multiplicity, extsToPoint(claims[k]!.multiplicity.point), claims[k]!.multiplicity.value);
    }
  }
}

/**
 * Tensors of at most 2^this elements make an op light: it runs on the proving thread alone beside
 * a lookup batch in flight (a heavier op waits, to split its kernels across the pool).
 */
const LIGHT_OP_VARS = 16;

/**
 * The layers, op by op from the output back to the input, on the layers' fork: claims on each
 * op's output reduced to claims on its inputs. The lookups must be done before an op that reads
 * their claims (readsLookupClaims), and before the end: the walk joins them there.
 */
class LayerWalk {
  private next: number;
  private joined = false;
  private started = false;
  /** Ops proved beside the lookups. */
  proved = 0;
  private ended = false;
  private failed: unknown;

  constructor(private readonly ctx: ProverCtx, private readonly lookups: ProverCtx, private readonly progress: ProofRun["progress"], private readonly unbound = false) {
    this.next = ctx.plan.graph.ops.length - 1;
  }

  /** One light op beside a lookup batch; false when the next op must wait for the lookups or the pool. */
  stepAlongside(): boolean {
    if (this.failed !== undefined) return false;
    const { plan } = this.ctx;
    if (this.next < 0 || readsLookupClaims(plan, this.next) || !isLight(plan, plan.graph.ops[this.next]!)) {
      // No op goes beside the lookups any more: the last one's report ends here (an empty detail).
      if (this.proved > 0 && !this.ended) this.progress("layers", "", 0.5, "lookups");
      this.ended = true;
      return false;
    }
    const op = plan.graph.ops[this.next]!;
    try {
      if (!this.started) this.start();
      this.progress("layers", `${op.kind} ${op.source}`, 0.3 + 0.2 * (1 - this.next / plan.graph.ops.length), "lookups");
      this.step();
      this.proved++;
      return true;
    } catch (e) {
      // Thrown again from finish(), outside the lookups' batch.
      this.failed = e;
      return false;
    }
  }

  /** The rest of the walk, then the join; the lookups are done. */
  finish(): void {
    if (this.failed !== undefined) throw this.failed;
    if (!this.started) this.start();
    while (this.next >= 0) {
      const op = this.ctx.plan.graph.ops[this.next]!;
      this.progress("layers", `${op.kind} ${op.source}`, 0.5 + 0.3 * (1 - this.next / this.ctx.plan.graph.ops.length));
      this.step();
    }
    this.join();
  }

  private start(): void {
    const { ctx } = this, { plan } = ctx;
    this.started = true;
    for (const name of unclaimedOutputs(plan, (op) => proverGadget(op)?.reduce !== undefined)) {
      const t = plan.tensors[name]!;
      const r = ctx.tr.squeezeExts(LABELS.outputPoint, t.nVars);
      const c = hasPadding(t) ? proveLiveOutput(ctx.tr, ctx.w, t, r, ctx.field(name)) : { point: r, value: ctx.eval(name, r) };
      ctx.book.add(name, c.point, c.value);
    }
  }

  private join(): void {
    if (this.joined) return;
    this.joined = true;
    if (this.unbound) moveClaims(this.lookups.book, this.ctx.book);
    else joinLookups(this.ctx, this.lookups);
  }

  private step(): void {
    const { ctx } = this, i = this.next--, op = ctx.plan.graph.ops[i]!;
    if (readsLookupClaims(ctx.plan, i)) this.join();
    const gadget = proverGadget(op);
    if (!gadget) throw new CircuitError(`${op.source}: no prover for ${op.kind}`, op.source);
    // Committed outputs keep their claims for the opening; the gadget proves the op's relation.
    gadget.check?.(ctx, i, op);
    if (!gadget.reduce) return;
    const claims = ctx.book.take(op.output);
    if (claims.length === 0) return;
    const claim = claims.length === 1 ? claims[0]! : mergeClaimsProver(ctx.tr, ctx.w, ctx.field(op.output), claims);
    gadget.reduce(ctx, op, claim);
  }
}

function isLight(plan: ProofPlan, op: ProofPlan["graph"]["ops"][number]): boolean {
  let vars = plan.tensors[op.output]?.nVars ?? Infinity;
  for (const n of op.inputs) vars = Math.max(vars, plan.tensors[n]?.nVars ?? 0);
  return vars <= LIGHT_OP_VARS;
}

/** The pool to prove on, if it has more than one thread. */
function poolOf(workers: ProveOptions["workers"]): WorkerPool | undefined {
  if (workers === undefined || workers === 1) return undefined;
  const pool = typeof workers === "number" ? nodePool(workers).pool : workers;
  return pool.size > 1 ? pool : undefined;
}

export function segmentClaim(map: SegmentMap, name: string, c: Claim): PcsClaim {
  const seg = segmentByName(map, name);
  if (!seg) throw new CircuitError(`${name} is not in the commitment`);
  return { segment: { offset: seg.offset, logSize: seg.logSize }, point: c.point, value: c.value };
}

/** The claimed outputs (live integers), by graph output name. */
export function outputsOf(plan: ProofPlan, reference: ReadonlyMap<string, Int32Array>): Record<string, Int32Array> {
  return Object.fromEntries(plan.graph.outputs.map((n) => [n, reference.get(n)!]));
}

function claimedOutputs(plan: ProofPlan, values: Values): Record<string, Int32Array> {
  return Object.fromEntries(plan.graph.outputs.map((n) => {
    const t = plan.tensors[n]!;
    return [n, Int32Array.from(unpadInts(values.get(n)!, t.shape, t.logDims))];
  }));
}

