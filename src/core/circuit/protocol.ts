// Pieces of the protocol that the prover and the verifier share verbatim: transcript labels,
// the statement, the witness commitment's layout, tables as field columns, and the steps whose
// algebra both sides compute (requant identity, claim merging).
import { P, type Ext, EXT_ZERO, extAdd, extMul, extFromBase, extInv, extSub, extEquals } from "../field/index.ts";
import { layoutUses, type Table, type UseShape } from "../lookup/index.ts";
import { eqEval } from "../poly/index.ts";
import { fieldBackend, type FieldBackend } from "../kernels/index.ts";
import { chooseParams, layoutSegments, type PcsParams, type SegmentMap } from "../pcs/index.ts";
import { proveProduct, verifySumcheck } from "../sumcheck/index.ts";
import type { Transcript } from "../transcript/index.ts";
import type { Claim, ClaimBook } from "./claims.ts";
import type { PlanLookup, PlanTable, ProofPlan } from "./plan.ts";
import { paddedSize, toField } from "./values.ts";
import type { StreamReader, StreamWriter } from "./stream.ts";
import { StreamRejection } from "./stream.ts";

export const PROTOCOL_ID = "zkml-studio/proof/v1";

export const LABELS = {
  protocol: "zkml/protocol",
  vk: "zkml/vk",
  input: "zkml/input",
  output: "zkml/output",
  witnessRoot: "zkml/witness-root",
  outputPoint: "zkml/output-point",
  bias: "linear/bias",
  linearEnds: "linear/ends",
  addend: "add/addend",
  requantPoint: "requant/point",
  requantQ: "requant/q",
  requantR: "requant/r",
  requantHi: "requant/hi",
  requantLo: "requant/lo",
  requantY: "requant/y",
  requantSat: "requant/sat",
  requantSplitEnds: "requant/split-ends",
  productEnds: "product/ends",
  convEnds: "conv/ends",
  convEnd: "conv/end",
  poolZero: "maxpool/zero-point",
  poolZeroEnds: "maxpool/zero-ends",
  poolMax: "maxpool/max",
  poolAlpha: "maxpool/gather-alpha",
  poolGatherEnd: "maxpool/gather-end",
  sumpoolEnd: "sumpool/end",
  indexParts: "indexmap/parts",
  indexEnd: "indexmap/end",
  matmulEnds: "matmul2/ends",
  rowsumEnd: "rowsum/end",
  embedEnd: "embed/end",
  maxPoint: "max/point",
  maxDiff: "max/diff",
  maxBool: "max/bool-point",
  maxBoolEnd: "max/bool-end",
  maxSum: "max/sum-point",
  maxSumEnd: "max/sum-end",
  maxZero: "max/zero-point",
  maxZeroEnd: "max/zero-end",
  mergeRho: "merge/rho",
  mergeValue: "merge/value",
  lookupsFork: "zkml/fork-lookups",
  layersFork: "zkml/fork-layers",
  lookupsJoin: "zkml/join-lookups",
} as const;

/**
 * After the witness root the proof goes on in two transcripts: `tr` for the lookups and the
 * returned one for the layers. Neither squeezes from the other's messages, so a prover can run
 * the two side by side; both bind the statement and the commitment. The layers' transcript takes
 * in the lookups' (joinLookups) before it first needs their claims, and the openings follow on it.
 */
export function forkLayers(tr: Transcript): Transcript {
  const layers = tr.fork();
  layers.absorb(LABELS.layersFork, new Uint8Array(0));
  tr.absorb(LABELS.lookupsFork, new Uint8Array(0));
  return layers;
}

/**
 * Binds every message of the lookups into the layers' transcript and hands their claims to the
 * layers' book, in the order the lookups made them: before any challenge that combines claims of
 * both (a max pool's candidates, the openings).
 */
export function joinLookups(layers: { tr: Transcript; book: ClaimBook }, lookups: { tr: Transcript; book: ClaimBook }): void {
  layers.tr.absorb(LABELS.lookupsJoin, lookups.tr.digest());
  moveClaims(lookups.book, layers.book);
}

/** Every claim of `from` into `to`, tensor by tensor in `from`'s order. */
export function moveClaims(from: ClaimBook, to: ClaimBook): void {
  for (const name of from.tensors()) for (const c of from.take(name)) to.add(name, c.point, c.value);
}

/**
 * Whether op i takes claims the lookups made: it computes a virtual tensor that a lookup reads (its
 * reduction consumes them), or it is a max pool (whose range-checked candidates are virtual). The
 * layers' walk joins the lookups before the first such op.
 */
export function readsLookupClaims(plan: ProofPlan, i: number): boolean {
  let ops = lookupReaders.get(plan);
  if (!ops) {
    ops = new Set(plan.pools.map((p) => p.op));
    for (const l of plan.lookups) {
      for (const u of l.uses) {
        for (const c of u.columns) {
          const at = plan.producer[c];
          if (at !== undefined && plan.tensors[c]!.kind === "virtual") ops.add(at);
        }
      }
    }
    lookupReaders.set(plan, ops);
  }
  return ops.has(i);
}

const lookupReaders = new WeakMap<ProofPlan, Set<number>>();

/** Binds the statement before anything else: protocol, VK digest, public input, claimed output. */
export function absorbStatement(tr: Transcript, vkDigest: Uint8Array, plan: ProofPlan, inputs: Readonly<Record<string, ArrayLike<number>>>, outputs: Readonly<Record<string, ArrayLike<number>>>): void {
  tr.absorb(LABELS.protocol, new TextEncoder().encode(PROTOCOL_ID));
  tr.absorb(LABELS.vk, vkDigest);
  for (const n of plan.graph.inputs) tr.absorbFields(LABELS.input, toField(inputs[n]!));
  for (const n of plan.graph.outputs) tr.absorbFields(LABELS.output, toField(outputs[n]!));
}

/**
 * Graph outputs that no gadget checks (outputs of claim-reducing ops: linear, add, index maps, …):
 * each gets a claim at a point both sides squeeze, so its op proves it from its inputs.
 */
export function unclaimedOutputs(plan: ProofPlan, reduces: (op: ProofPlan["graph"]["ops"][number]) => boolean): string[] {
  return plan.graph.outputs.filter((n) => {
    const i = plan.producer[n];
    return i !== undefined && reduces(plan.graph.ops[i]!);
  });
}

// A plan's tables are fixed: converted once per table (the prover's lookups reuse them, and so
// can what is derived from them, such as the row index of each value).
const fieldTables = new WeakMap<PlanTable, Table>();

/** A plan table in the field (shared: read only). */
export function tableToField(t: PlanTable): Table {
  let f = fieldTables.get(t);
  if (!f) fieldTables.set(t, (f = { name: t.key, logRows: t.logRows, columns: t.columns.map((c) => toField(c)), ...(t.forms ? { forms: t.forms } : {}) }));
  return f;
}

/** The shapes of a lookup's uses: what its witness tree's layout (layoutUses) is made from. */
export function useShapes(plan: ProofPlan, l: PlanLookup): UseShape[] {
  const shapes: UseShape[] = [];
  for (const u of l.uses) shapes.push({ shape: plan.tensors[u.shapeOf]!.shape, logDims: plan.tensors[u.shapeOf]!.logDims });
  return shapes;
}

/**
 * Leaves of one batched LogUp at most: its GKR trees sit in kernel memory at once (~64 bytes a
 * leaf with the columns), so a model with more lookups proves them in several batches. A protocol
 * constant (prover and verifier must agree); tests lower it to reach several batches on a small model.
 */
export const LOOKUP_BATCH = { leaves: 2 ** 24 };

/**
 * The plan's lookups in batches (PROTOCOL §5), each proved by one LogUp-GKR under its own α, β,
 * one after another on the transcript: consecutive lookups while their leaves (witness and table
 * trees) stay within LOOKUP_BATCH.leaves. Every model that fits one batch proves as before.
 */
export function lookupBatches(plan: ProofPlan): number[][] {
  const batches: number[][] = [];
  let leaves = 0;
  plan.lookups.forEach((l, i) => {
    const n = 2 ** layoutUses(useShapes(plan, l)).n + 2 ** plan.tables[l.table]!.logRows;
    if (batches.length === 0 || leaves + n > LOOKUP_BATCH.leaves) {
      batches.push([]);
      leaves = 0;
    }
    batches[batches.length - 1]!.push(i);
    leaves += n;
  });
  return batches;
}

const witnessLayouts = new WeakMap<ProofPlan, { map: SegmentMap; params: PcsParams }>();

/**
 * The witness commitment: every witness tensor as a segment; parameters from its size. Made once
 * per plan (a proof asks for it several times: the memory floors, the streaming choice, the
 * commitment); shared, so read only.
 */
export function witnessLayout(plan: ProofPlan): { map: SegmentMap; params: PcsParams } {
  let layout = witnessLayouts.get(plan);
  if (!layout) {
    const map = layoutSegments(plan.witness.map((n) => ({ name: n, length: paddedSize(plan.tensors[n]!.logDims) })), 1);
    witnessLayouts.set(plan, (layout = { map, params: chooseParams(map.logN) }));
  }
  return layout;
}

export function extsToPoint(xs: readonly Ext[]): Uint32Array {
  const out = new Uint32Array(4 * xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    out[4 * i] = x[0]!; out[4 * i + 1] = x[1]!; out[4 * i + 2] = x[2]!; out[4 * i + 3] = x[3]!;
  }
  return out;
}

export function pointToExts(p: Uint32Array): Ext[] {
  return Array.from({ length: p.length / 4 }, (_, i) => p.slice(4 * i, 4 * i + 4));
}

const fieldOf = (v: number): Ext => extFromBase(((v % P) + P) % P);

/** x̃(ρ) = M⁻¹·(q̃(ρ)·2^s + r̃(ρ) − 2^(s−1)), from x·M + 2^(s−1) = q·2^s + r pointwise. */
export function requantInput(op: { M: number; s: number }, q: Ext, r: Ext | undefined): Ext {
  let v = extMul(q, fieldOf(2 ** op.s));
  if (r) v = extAdd(v, r);
  if (op.s > 0) v = extSub(v, fieldOf(2 ** (op.s - 1)));
  return op.M === 1 ? v : extMul(v, extInv(fieldOf(op.M)));
}

/** q̃ = offset + 2^lowBits·hĩ + lõ for a split quotient (the identity holds pointwise). */
export function splitQuotient(split: { offset: number; lowBits: number }, hi: Ext, lo: Ext): Ext {
  return extAdd(extAdd(fieldOf(split.offset), extMul(hi, fieldOf(2 ** split.lowBits))), lo);
}

/** r̃ = Σ_j 2^(16j)·r̃_j from the remainder's limbs, least significant first. */
export function limbSum(limbs: readonly Ext[]): Ext {
  let acc: Ext = EXT_ZERO.slice();
  for (let j = 0; j < limbs.length; j++) acc = extAdd(acc, extMul(limbs[j]!, fieldOf(2 ** (16 * j))));
  return acc;
}

/** Σ_l ρ^l eq(r_l, ·): scaled eq tables by the kernels, summed there. */
function combinedEq(claims: readonly Claim[], rho: Ext, K: FieldBackend = fieldBackend()): Uint32Array {
  const n = 2 ** (claims[0]!.point.length / 4);
  const outs = claims.map(() => K.allocFor(4 * n));
  try {
    let coeff: Ext = extFromBase(1);
    K.eqTables(claims.map((c, l) => {
      const t = { r: c.point, out: outs[l]!, scale: coeff };
      coeff = extMul(coeff, rho);
      return t;
    }));
    for (let l = 1; l < outs.length; l++) K.extAdd(outs[0]!, outs[l]!, outs[0]!, n);
    return K.read(outs[0]!);
  } finally {
    for (const o of outs) K.free(o);
  }
}

/** Merges claims on one virtual tensor: Σ_x (Σ_l ρ^l eq(r_l, x))·T(x) by one sumcheck. */
export function mergeClaimsProver(tr: Transcript, w: StreamWriter, values: Uint32Array, claims: readonly Claim[]): Claim {
  const rho = tr.squeezeExt(LABELS.mergeRho);
  const sc = proveProduct(tr, [{ data: combinedEq(claims, rho), ext: true }, { data: values, ext: false }]);
  for (const r of sc.proof.rounds) w.words(r);
  w.send(tr, LABELS.mergeValue, [sc.evals[1]!]);
  return { point: sc.point, value: sc.evals[1]! };
}

export function mergeClaimsVerifier(tr: Transcript, r: StreamReader, claims: readonly Claim[], nVars: number, what: string): Claim {
  const rho = tr.squeezeExt(LABELS.mergeRho);
  let target: Ext = EXT_ZERO.slice(), coeff: Ext = extFromBase(1);
  for (const c of claims) {
    target = extAdd(target, extMul(coeff, c.value));
    coeff = extMul(coeff, rho);
  }
  const rounds = Array.from({ length: nVars }, () => r.words(8, `${what} merge rounds`).slice());
  const v = verifySumcheck(tr, target, { rounds }, nVars, 2);
  if (!v.ok) throw new StreamRejection(`${what}: merging claims failed at round ${v.round}: ${v.reason}`);
  const [tv] = r.recv(tr, LABELS.mergeValue, 1, `${what} merged value`);
  let e: Ext = EXT_ZERO.slice();
  coeff = extFromBase(1);
  for (const c of claims) {
    e = extAdd(e, extMul(coeff, eqEval(c.point, v.point)));
    coeff = extMul(coeff, rho);
  }
  if (!extEquals(extMul(e, tv!), v.claim)) throw new StreamRejection(`${what}: merged claim does not match`);
  return { point: v.point, value: tv! };
}
