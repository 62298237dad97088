// The prover (PROTOCOL.md §2–§6): commit the witness, prove every lookup, then reduce claims op by
// op from the output back to the input, and open both commitments at the claims that remain.
// Every step mirrors verifier/verify.ts.

import { type ProofPlan, ClaimBook, type Claim, StreamWriter, writeLogup, toField, unpadInts, broadcastPoint, CircuitError } from "../circuit/index.ts";
import { type Ext, extAdd, extMul, extFromBase } from "../field/index.ts";
import { multiplicities, logupProve, type LookupUse, type Table } from "../lookup/index.ts";
import { eqTable, evaluateMle } from "../poly/index.ts";
import { commit, packSegments, open, writeOpeningProof, type PcsClaim, type PcsProverData, type SegmentMap } from "../pcs/index.ts";
import { proveProduct } from "../sumcheck/index.ts";
import { Transcript } from "../transcript/index.ts";
import type { QOp } from "../quant/qgraph.ts";
import { computeValues, type Values } from "./witness.ts";
import { absorbStatement, tableToField, witnessLayout, extsToPoint, LABELS, requantInput, mergeClaimsProver } from "../circuit/protocol.ts";

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
}

export interface ProveOptions {
  onProgress?: (e: ProgressEvent) => void;
  /**
   * Tests only: play a cheating prover. `mutate` edits the witness before it is committed (and
   * the claimed output follows it); lookups then count only the values that are in their tables.
   */
  testOnlyCheat?: { mutate(values: Values, plan: ProofPlan, phase: "witness" | "multiplicities"): void };
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

class ProverCtx {
  readonly tr = new Transcript();
  readonly w = new StreamWriter();
  readonly book = new ClaimBook();
  readonly fieldCache = new Map<string, Uint32Array>();
  constructor(readonly plan: ProofPlan, readonly values: Values) {}

  field(name: string): Uint32Array {
    let f = this.fieldCache.get(name);
    if (!f) {
      f = toField(this.values.get(name)!);
      this.fieldCache.set(name, f);
    }
    return f;
  }

  eval(name: string, point: Uint32Array): Ext {
    return evaluateMle(this.field(name), false, point);
  }

  /** Sends T̃(point) and records the claim. */
  sendEval(label: string, name: string, point: Uint32Array): Ext {
    const v = this.eval(name, point);
    this.w.send(this.tr, label, [v]);
    this.book.add(name, point, v);
    return v;
  }
}

/** Folds the high variables (above `low`) of a base table at `high`: an ext table over the low ones. */
function foldHigh(values: Uint32Array, low: number, high: Uint32Array): Uint32Array {
  const eq = eqTable(high);
  const lowSize = 2 ** low, highSize = values.length / lowSize;
  const out = new Uint32Array(4 * lowSize);
  for (let h = 0; h < highSize; h++) {
    const e = eq.subarray(4 * h, 4 * h + 4);
    for (let l = 0; l < lowSize; l++) {
      const v = values[h * lowSize + l]!;
      if (v === 0) continue;
      const o = out.subarray(4 * l, 4 * l + 4);
      o.set(extAdd(o, extMul(e, extFromBase(v))));
    }
  }
  return out;
}

function proveLinear(ctx: ProverCtx, op: Extract<QOp, { kind: "linear" }>, claim: Claim): void {
  const T = ctx.plan.tensors;
  const x = T[op.inputs[0]!]!, w = T[op.inputs[1]!]!;
  const logN = w.logDims[0]!, logK = w.logDims[1]!;
  const rN = claim.point.subarray(0, 4 * logN), rM = claim.point.subarray(4 * logN);
  // The verifier subtracts b̃(r_n) from the claim; the sumcheck prover needs only the tables.
  if (op.inputs[2]) ctx.sendEval(LABELS.bias, op.inputs[2], rN.slice());
  const xk = foldHigh(ctx.field(x.name), logK, rM);
  const wk = foldHigh(ctx.field(w.name), logK, rN);
  const sc = proveProduct(ctx.tr, [{ data: xk, ext: true }, { data: wk, ext: true }]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  const rho = sc.point;
  ctx.w.send(ctx.tr, LABELS.linearEnds, [sc.evals[0]!, sc.evals[1]!]);
  ctx.book.add(x.name, joinLow(rho, rM), sc.evals[0]!);
  ctx.book.add(w.name, joinLow(rho, rN), sc.evals[1]!);
}

const joinLow = (low: Uint32Array, high: Uint32Array): Uint32Array => {
  const out = new Uint32Array(low.length + high.length);
  out.set(low, 0);
  out.set(high, low.length);
  return out;
};

function proveAdd(ctx: ProverCtx, op: Extract<QOp, { kind: "add" }>, claim: Claim): void {
  const T = ctx.plan.tensors, out = T[op.output]!;
  for (const name of op.inputs) ctx.sendEval(LABELS.addend, name, broadcastPoint(claim.point, out.logDims, T[name]!.shape, out.shape).slice());
}

function proveRequant(ctx: ProverCtx, opIndex: number, op: Extract<QOp, { kind: "requant" }>): void {
  const rp = ctx.plan.requants.find((r) => r.op === opIndex)!;
  const y = ctx.plan.tensors[op.output]!;
  const rho = ctx.tr.squeezeExts(LABELS.requantPoint, y.nVars);
  const qv = ctx.sendEval(LABELS.requantQ, rp.q, rho);
  const rv = rp.r ? ctx.sendEval(LABELS.requantR, rp.r, rho) : undefined;
  ctx.book.add(op.inputs[0]!, rho, requantInput(op, qv, rv));
}

export function prove(input: ProveInput, opts: ProveOptions = {}): ProofData {
  const t0 = performance.now();
  const progress = (stage: ProgressEvent["stage"], detail: string, fraction: number) =>
    opts.onProgress?.({ stage, detail, fraction, elapsedMs: performance.now() - t0 });
  const { plan } = input;
  progress("witness", "computing the witness", 0);
  const values = computeValues(plan, input.consts, input.inputs, input.reference);
  opts.testOnlyCheat?.mutate(values, plan, "witness");
  const ctx = new ProverCtx(plan, values);

  // Multiplicities belong to the witness commitment.
  const lookupUses = plan.lookups.map((l) => l.uses.map<LookupUse>((u) => {
    const s = plan.tensors[u.shapeOf]!;
    return { shape: s.shape, logDims: s.logDims, columns: u.columns.map((c) => ctx.field(c)), label: u.label };
  }));
  const tables: Table[] = plan.lookups.map((l) => tableToField(plan.tables[l.table]!));
  plan.lookups.forEach((l, i) => {
    const m = multiplicities(tables[i]!, lookupUses[i]!, { skipMissing: opts.testOnlyCheat !== undefined });
    values.set(l.multiplicity, Float64Array.from(m));
  });
  opts.testOnlyCheat?.mutate(values, plan, "multiplicities");

  progress("commit", "committing the witness", 0.1);
  const layout = witnessLayout(plan);
  const packed = packSegments(layout.map, plan.witness.map((n) => ctx.field(n)));
  const witness = commit(layout.params, packed);

  absorbStatement(ctx.tr, input.vkDigest, plan, input.inputs, claimedOutputs(plan, values));
  ctx.tr.absorb(LABELS.witnessRoot, witness.root);

  progress("lookups", "proving lookups", 0.3);
  plan.lookups.forEach((l, i) => {
    const m = ctx.field(l.multiplicity);
    const { proof, claims } = logupProve(tables[i]!, lookupUses[i]!, m, ctx.tr);
    writeLogup(ctx.w, proof);
    for (const c of claims.columns) ctx.book.add(l.uses[c.use]!.columns[c.column]!, extsToPoint(c.point), c.value);
    ctx.book.add(l.multiplicity, extsToPoint(claims.multiplicity.point), claims.multiplicity.value);
  });

  progress("layers", "proving layers", 0.5);
  for (let i = plan.graph.ops.length - 1; i >= 0; i--) {
    const op = plan.graph.ops[i]!;
    progress("layers", `${op.kind} ${op.source}`, 0.5 + 0.3 * (1 - i / plan.graph.ops.length));
    if (op.kind === "requant") {
      proveRequant(ctx, i, op);
      continue;
    }
    if (op.kind === "lookup") continue;
    const claims = ctx.book.take(op.output);
    if (claims.length === 0) continue;
    const claim = claims.length === 1 ? claims[0]! : mergeClaimsProver(ctx.tr, ctx.w, ctx.field(op.output), claims);
    if (op.kind === "linear") proveLinear(ctx, op, claim);
    else if (op.kind === "add") proveAdd(ctx, op, claim);
    else if (op.kind === "indexmap") ctx.book.add(op.inputs[0]!, claim.point, claim.value);
    else throw new CircuitError(`${op.source}: no prover for ${op.kind}`, op.source);
  }

  progress("openings", "opening commitments", 0.8);
  const witnessClaims: PcsClaim[] = [], modelClaims: PcsClaim[] = [];
  for (const name of ctx.book.tensors()) {
    const t = plan.tensors[name]!;
    for (const c of ctx.book.take(name)) {
      if (t.kind === "witness") witnessClaims.push(segmentClaim(layout.map, name, c));
      else if (t.kind === "model") modelClaims.push(segmentClaim(input.model.map, name, c));
      else if (t.kind !== "input" && t.kind !== "output") throw new CircuitError(`claims on ${name} (${t.kind}) were not reduced; this is a bug`);
    }
  }
  const witnessOpening = writeOpeningProof(open(ctx.tr, witness, witnessClaims), layout.params);
  const modelOpening = modelClaims.length ? writeOpeningProof(open(ctx.tr, input.model.data, modelClaims), input.model.data.params) : new Uint8Array(0);
  progress("openings", "done", 1);
  return { body: ctx.w.finish(), witnessRoot: witness.root, witnessOpening, modelOpening };
}

export function segmentClaim(map: SegmentMap, name: string, c: Claim): PcsClaim {
  const seg = map.segments.find((s) => s.name === name);
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

