// The verifier: the prover's steps in the same order (prover/prove.ts), deriving every challenge
// itself. Every byte of the proof is hostile: any malformed, inconsistent or missing part is a
// rejection with a reason, never an exception, and nothing is allocated from proof-given sizes.

import { type ProofPlan, type Claim, StreamReader, readLogup, padInts, toField } from "../circuit/index.ts";
import { absorbStatement, tableToField, witnessLayout, extsToPoint, forkLayers, joinLookups, LABELS, lookupBatches, useShapes, mergeClaimsVerifier, readsLookupClaims, unclaimedOutputs } from "../circuit/protocol.ts";
import { extEquals } from "../field/index.ts";
import { logupVerify, layoutUses } from "../lookup/index.ts";
import { evaluateMle } from "../poly/index.ts";
import { segmentByName, verifyOpening, type PcsClaim, type PcsParams, type SegmentMap } from "../pcs/index.ts";
import { Reject, VerifierCtx } from "./context.ts";
import { verifierGadget } from "./gadgets/index.ts";
import { hasPadding, verifyLiveOutput } from "../circuit/live-output.ts";
import { typeMax, typeMin } from "../quant/fixed.ts";

export interface VerifyInput {
  plan: ProofPlan;
  vkDigest: Uint8Array;
  /** The VK's model commitment; its setup proof must have passed (verifier/files.ts checkVk). */
  model: { root: Uint8Array; map: SegmentMap; params: PcsParams };
  inputs: Readonly<Record<string, ArrayLike<number>>>;
  outputs: Readonly<Record<string, ArrayLike<number>>>;
  proof: { body: Uint32Array; witnessRoot: Uint8Array; witnessOpening: Uint8Array; modelOpening: Uint8Array };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

function checkPublic(plan: ProofPlan, values: Readonly<Record<string, ArrayLike<number>>>, names: readonly string[], what: string): void {
  for (const n of names) {
    const t = plan.tensors[n]!;
    const v = values[n];
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!v || v.length !== size) throw new Reject(`${what} ${n} must have ${size} values, got ${v?.length ?? 0}`);
    const lo = typeMin(t), hi = typeMax(t);
    for (let i = 0; i < size; i++) {
      const x = v[i]!;
      if (!Number.isInteger(x) || x < lo || x > hi) throw new Reject(`${what} ${n}[${i}] = ${x} is outside its ${t.bits}-bit type [${lo}, ${hi}]`);
    }
  }
}

function run(input: VerifyInput): void {
  const { plan } = input;
  checkPublic(plan, input.inputs, plan.graph.inputs, "input");
  checkPublic(plan, input.outputs, plan.graph.outputs, "output");
  if (!(input.proof.witnessRoot instanceof Uint8Array) || input.proof.witnessRoot.length !== 32) throw new Reject("the witness root must be 32 bytes");
  const ctx = new VerifierCtx(plan, new StreamReader(input.proof.body), { ...input.inputs, ...input.outputs });
  absorbStatement(ctx.tr, input.vkDigest, plan, input.inputs, input.outputs);
  ctx.tr.absorb(LABELS.witnessRoot, input.proof.witnessRoot);

  // The lookups on ctx's transcript, the layers on their fork (forkLayers), as the prover ran them.
  const layers = ctx.fork(forkLayers(ctx.tr));
  for (const batch of lookupBatches(plan)) {
    const instances = batch.map((i) => ({
      table: tableToField(plan.tables[plan.lookups[i]!.table]!),
      uses: useShapes(plan, plan.lookups[i]!),
    }));
    const shapes = instances.map(({ table, uses }) => ({ witnessVars: layoutUses(uses).n, tableVars: table.logRows, uses: uses.length, width: table.columns.length }));
    const claims = logupVerify(instances, readLogup(ctx.r, shapes, "lookups"), ctx.tr);
    batch.forEach((i, k) => {
      const l = plan.lookups[i]!;
      for (const c of claims[k]!.columns) ctx.book.add(l.uses[c.use]!.columns[c.column]!, extsToPoint(c.point), c.value);
      ctx.book.add(l.multiplicity, extsToPoint(claims[k]!.multiplicity.point), claims[k]!.multiplicity.value);
    });
  }

  for (const name of unclaimedOutputs(plan, (op) => verifierGadget(op)?.reduce !== undefined)) {
    const t = plan.tensors[name]!;
    const r = layers.tr.squeezeExts(LABELS.outputPoint, t.nVars);
    const c = hasPadding(t) ? verifyLiveOutput(layers.tr, layers.r, t, r, input.outputs[name]!) : { point: r, value: evaluateMle(toField(padInts(input.outputs[name]!, t.shape, t.logDims)), false, r) };
    layers.book.add(name, c.point, c.value);
  }

  let joined = false;
  for (let i = plan.graph.ops.length - 1; i >= 0; i--) {
    const op = plan.graph.ops[i]!;
    if (!joined && readsLookupClaims(plan, i)) {
      joinLookups(layers, ctx);
      joined = true;
    }
    const gadget = verifierGadget(op);
    if (!gadget) throw new Reject(`${op.source}: no verifier for ${op.kind}`);
    gadget.check?.(layers, i, op);
    if (!gadget.reduce) continue;
    const claims = layers.book.take(op.output);
    if (claims.length === 0) continue;
    const claim = claims.length === 1 ? claims[0]! : mergeClaimsVerifier(layers.tr, layers.r, claims, plan.tensors[op.output]!.nVars, op.source);
    gadget.reduce(layers, op, claim);
  }
  if (!joined) joinLookups(layers, ctx);
  layers.r.end();

  const { map: wMap, params: wParams } = witnessLayout(plan);
  const witnessClaims: PcsClaim[] = [], modelClaims: PcsClaim[] = [];
  for (const name of layers.book.tensors()) {
    const t = plan.tensors[name]!;
    for (const c of layers.book.take(name)) {
      if (t.kind === "input" || t.kind === "output") {
        const values = (t.kind === "input" ? input.inputs : input.outputs)[name]!;
        const mle = evaluateMle(toField(padInts(values, t.shape, t.logDims)), false, c.point);
        if (!extEquals(mle, c.value)) throw new Reject(`the proof does not match the public ${t.kind} ${name}`);
      } else if (t.kind === "witness") witnessClaims.push(segmentClaim(wMap, name, c));
      else if (t.kind === "model") modelClaims.push(segmentClaim(input.model.map, name, c));
      else throw new Reject(`claims on ${name} were left unreduced`);
    }
  }
  // The plan alone decides whether any claim reaches the witness (a model of index maps alone
  // reduces every claim to its public input): then the statement does not depend on it.
  if (witnessClaims.length > 0) {
    const w = verifyOpening(layers.tr, wParams, input.proof.witnessRoot, witnessClaims, input.proof.witnessOpening);
    if (!w.ok) throw new Reject(`witness commitment: ${w.reason}`);
  } else if (input.proof.witnessOpening.length !== 0) throw new Reject("unexpected witness opening");
  if (modelClaims.length > 0) {
    // Sound only because the VK's setup proof (checked once per VK, files.ts checkVk) tested the
    // model commitment's proximity: per-proof model openings carry the evaluation row alone.
    const m = verifyOpening(layers.tr, input.model.params, input.model.root, modelClaims, input.proof.modelOpening, { proximity: false });
    if (!m.ok) throw new Reject(`model commitment: ${m.reason}`);
  } else if (input.proof.modelOpening.length !== 0) throw new Reject("unexpected model opening");
}

function segmentClaim(map: SegmentMap, name: string, c: Claim): PcsClaim {
  const seg = segmentByName(map, name);
  if (!seg) throw new Reject(`${name} is not in the commitment`);
  return { segment: { offset: seg.offset, logSize: seg.logSize }, point: c.point, value: c.value };
}

/** Accepts only a proof that checks completely; otherwise says why. Never throws. */
export function verify(input: VerifyInput): Verdict {
  try {
    run(input);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

