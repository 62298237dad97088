// Setup and proving from key files (PROTOCOL.md §6–§7): `setupKeys` commits the weights once,
// proves the setup statement and writes vk.bin and pk.bin; `loadProvingKey` rebuilds the model
// commitment from pk.bin without re-encoding; `proveWithKey` runs the integer evaluator and the
// prover and returns proof.bin's bytes and the proved outputs (`proveWithKeyAsync`: the same, with
// the witness committed on WebGPU when given the kernels).
import { compilePlan, CircuitError, type GraphSpec, type ProofPlan } from "../circuit/index.ts";
import { checkKernelMemory, streamsModel } from "../circuit/memory.ts";
import {
  decodeGraphSpec, encodeGraphSpec, readPk, setupStatement, vkDigest, writePk, writeProofFile, writeVk, type ModelKey, type ProvingKey,
} from "../artifacts/index.ts";
import { buildMerkle, commit, equalBytes, merkleRoot, type ColumnStore, type ParamOptions } from "../pcs/index.ts";
import type { QGraph } from "../quant/qgraph.ts";
import { runInteger } from "../quant/int-eval.ts";
import { withGemm } from "../quant/kernels.ts";
import { poolGemm } from "../parallel/gemm.ts";
import { commitModel, modelVector } from "./setup.ts";
import { proveSetup } from "./setup-proof.ts";
import { kernelsOf, prove, proveAsync, outputsOf, type ModelCommitment, type ProofData, type ProveAsyncOptions, type ProveInput, type ProveOptions } from "./prove.ts";
import { withKernels } from "../kernels/index.ts";

export interface SetupTimings {
  commitMs: number;
  setupProofMs: number;
}

export interface SetupKeys {
  vk: Uint8Array;
  /** pk.bin as parts to write in order (the encoded model is not copied). */
  pk: Uint8Array[];
  digest: Uint8Array;
  plan: ProofPlan;
  /** The proving key as loadProvingKey would read it from pk.bin, without the round trip. */
  key: LoadedKey;
  timings: SetupTimings;
  /** With `keepInPool`: gives the encoded model's pool memory back (the key and pk are then unusable). */
  release?: () => void;
}

export interface SetupKeyOptions {
  /** SHA-256 of the ONNX file (stored in pk.bin so `prove` can tell a key for another model). */
  modelHash?: Uint8Array;
  params?: ParamOptions;
  /** Threads for the commitment and the setup proof, as for a proof: the same keys for any count. */
  workers?: ProveOptions["workers"];
  /**
   * Leave the encoded model in the pool's memory, where the commitment made it, instead of
   * copying it out (vgg16: 537 MB, ~1.5 s in a browser, and as much memory again): the key's
   * columns and pk.bin's last part view that memory until the returned keys' `release()`, after
   * which neither may be used. Without a pool there is nothing to keep.
   */
  keepInPool?: boolean;
  /**
   * Commit the weights without keeping their code: pk.bin holds none and each proof encodes the
   * weights again for its opening. The same keys otherwise. Default: when the code would crowd
   * kernel memory.
   */
  streamModel?: boolean;
}

/** The graph exactly as the VK stores it (the verifier compiles the plan from this form). */
function vkGraph(g: GraphSpec): GraphSpec {
  return decodeGraphSpec(encodeGraphSpec(g));
}

function specOf(q: QGraph): GraphSpec {
  const { consts: _consts, ...spec } = q;
  return spec;
}

export function setupKeys(qgraph: QGraph, opts: SetupKeyOptions = {}): SetupKeys {
  return withKernels(kernelsOf(opts).kernels, () => setupOnKernels(qgraph, opts));
}

function setupOnKernels(qgraph: QGraph, opts: SetupKeyOptions): SetupKeys {
  const graph = vkGraph(specOf(qgraph));
  const plan = compilePlan(graph);
  // Keys for a model no proof can run on would cost the user minutes and gigabytes for nothing.
  checkKernelMemory(plan, "setup");
  const consts: Record<string, Int32Array> = {};
  for (const n of plan.model) {
    const c = qgraph.consts[n];
    if (!c) throw new CircuitError(`model tensor ${n} has no data`);
    consts[n] = c;
  }
  const t0 = performance.now();
  const model = commitModel(plan, consts, opts.params, opts.streamModel);
  const t1 = performance.now();
  const modelKey: ModelKey = { root: model.data.root, map: model.map, params: model.data.params };
  const setupProof = proveSetup(plan, model, setupStatement(graph, modelKey));
  const t2 = performance.now();
  const vk = writeVk({ graph, model: modelKey, setupProof });
  const digest = vkDigest(vk);
  // A pool's commitment leaves the encoded model in the pool's memory: the keys take a copy, and
  // the pool gets its memory back, unless the caller keeps it there and releases it later.
  const kept = opts.keepInPool ? model.data.release : undefined;
  const columns = model.data.columns && model.data.release && !kept ? model.data.columns.slice() : model.data.columns;
  if (!kept) model.data.release?.();
  const modelHash = opts.modelHash ?? new Uint8Array(32);
  const { params, root, matrix, tree } = model.data;
  const pk = writePk({ vkDigest: digest, modelHash, graph, consts, commitment: { params, root, leaves: tree.levels[0]!, ...(columns ? { columns } : {}) } });
  const key: LoadedKey = { vkDigest: digest, modelHash, qgraph: { ...graph, consts }, plan, model: { map: model.map, data: { params, root, matrix, tree, ...(columns ? { columns } : {}) } } };
  return { vk, pk, digest, plan, key, timings: { commitMs: t1 - t0, setupProofMs: t2 - t1 }, ...(kept ? { release: kept } : {}) };
}

export interface LoadedKey {
  vkDigest: Uint8Array;
  modelHash: Uint8Array;
  qgraph: QGraph;
  plan: ProofPlan;
  model: ModelCommitment;
}

/** Reads pk.bin and rebuilds the model commitment (matrix from the weights, tree from the leaves). */
export function loadProvingKey(bytes: Uint8Array): LoadedKey {
  return loadKey(readPk(bytes));
}

/** The same from a key already read (readPkAt: its encoded model read from the file as proofs open it). */
export function loadKey(pk: ProvingKey<Uint32Array | ColumnStore>): LoadedKey {
  const plan = compilePlan(pk.graph);
  const { map, vector: matrix } = modelVector(plan, pk.consts, (name) => `the proving key has no weights for ${name}; re-run setup`);
  const tree = buildMerkle(pk.commitment.leaves);
  const root = merkleRoot(tree);
  if (root.some((b, i) => b !== pk.commitment.root[i])) throw new CircuitError("the proving key's commitment does not match its root; the file is damaged, re-run setup");
  const { params, columns } = pk.commitment;
  return {
    vkDigest: pk.vkDigest,
    modelHash: pk.modelHash,
    qgraph: { ...pk.graph, consts: pk.consts },
    plan,
    model: { map, data: { params, root, matrix, tree, ...(columns ? { columns } : {}) } },
  };
}

/**
 * pk.bin without the encoded model (as `zkml setup --compact-pk` writes it: vgg16 63 MB instead
 * of 600 MB), for keys that are kept somewhere slow to write, such as a browser's storage;
 * `withModelCode` encodes the weights again, once, when they are loaded.
 */
export function compactPk(key: LoadedKey): Uint8Array[] {
  const { consts, ...graph } = key.qgraph;
  const { params, root, tree } = key.model.data;
  return writePk({ vkDigest: key.vkDigest, modelHash: key.modelHash, graph, consts, commitment: { params, root, leaves: tree.levels[0]! } });
}

/**
 * The key with its model's code, encoded again on the current kernels (a pool's threads) when
 * its pk.bin left it out, so proofs open the model without encoding it each time; unchanged when
 * it has the code, or when the code is one a proof could not keep beside its witness (streamed at
 * setup). `release` gives a pool's memory back. Throws if the weights do not encode to the key's root.
 */
export function withModelCode(key: LoadedKey): { key: LoadedKey; release?: () => void } {
  const { data } = key.model;
  if (data.columns || streamsModel(key.plan)) return { key };
  const coded = commit(data.params, data.matrix);
  if (!equalBytes(coded.root, data.root)) {
    coded.release?.();
    throw new CircuitError("the proving key's weights do not encode to its commitment; the file is damaged, re-run setup");
  }
  return { key: { ...key, model: { ...key.model, data: { ...data, columns: coded.columns } } }, ...(coded.release ? { release: coded.release } : {}) };
}

export interface KeyProof {
  proof: Uint8Array;
  /** The proved outputs (live integers) by graph output name. */
  outputs: Record<string, Int32Array>;
  proveMs: number;
}

type Inputs = Readonly<Record<string, Int32Array>>;

/**
 * The prover's input for these public inputs (the integer evaluator's run of the model, its
 * matrix products split across the proof's pool when there is one).
 */
function proveInput(key: LoadedKey, inputs: Inputs, opts: Pick<ProveOptions, "workers">): ProveInput {
  const { pool } = kernelsOf(opts);
  const reference = withGemm(pool && pool.size > 1 ? poolGemm(pool) : undefined, () => runInteger(key.qgraph, inputs));
  return { plan: key.plan, vkDigest: key.vkDigest, consts: key.qgraph.consts, model: key.model, inputs, reference };
}

function keyProof(key: LoadedKey, input: ProveInput, data: ProofData, proveMs: number): KeyProof {
  return { proof: writeProofFile({ vkDigest: key.vkDigest, ...data }), outputs: outputsOf(key.plan, input.reference), proveMs };
}

/** Proves one inference on quantized public inputs. */
export function proveWithKey(key: LoadedKey, inputs: Inputs, opts: ProveOptions = {}): KeyProof {
  const input = proveInput(key, inputs, opts);
  const t0 = performance.now();
  const data = prove(input, opts);
  return keyProof(key, input, data, performance.now() - t0);
}

/** `proveWithKey` with the witness committed on WebGPU when `opts.gpu` is given: the same proof.bin. */
export async function proveWithKeyAsync(key: LoadedKey, inputs: Inputs, opts: ProveAsyncOptions = {}): Promise<KeyProof> {
  const input = proveInput(key, inputs, opts);
  const t0 = performance.now();
  const data = await proveAsync(input, opts);
  return keyProof(key, input, data, performance.now() - t0);
}
