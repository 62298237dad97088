// Checks a VK's setup proof (PROTOCOL.md §6), once per VK: the mirror of prover/setup-proof.ts.
// Every byte is hostile: lengths are bounded by what the plan derives, and any failure is a
// rejection with a reason.
import {
  setupLayout, auxParams, instanceLeafVars, limbPoints, setupBodyWords, SetupClaims, SETUP_LABELS, SETUP_PROTOCOL_ID, SETUP_PROOF_VERSION, LIMB_BITS,
  type SetupUse,
} from "../circuit/setup-layout.ts";
import { StreamReader, readLogup, type ProofPlan } from "../circuit/index.ts";
import { extsToPoint, tableToField } from "../circuit/protocol.ts";
import { type Ext, EXT_ONE, EXT_ZERO, extAdd, extEquals, extFromBase, extMul } from "../field/index.ts";
import { logupVerify, selectorEval, type UseShape } from "../lookup/index.ts";
import { maxOpeningBytes, verifyOpening, type SegmentMap } from "../pcs/index.ts";
import type { ModelKey } from "../artifacts/index.ts";
import { Transcript } from "../transcript/index.ts";
import { ByteReader } from "../bytes/index.ts";
import { Reject } from "./context.ts";
import type { Verdict } from "./verify.ts";

function sameMap(a: SegmentMap, b: SegmentMap): boolean {
  return a.logN === b.logN && a.segments.length === b.segments.length &&
    a.segments.every((s, i) => { const t = b.segments[i]!; return s.name === t.name && s.offset === t.offset && s.length === t.length && s.logSize === t.logSize; });
}

/** The public class column of a block: the class on its segment's live slots (block bits fixed). */
function classEval(u: SetupUse, point: Ext[]): Ext {
  if (u.classId === 0) return EXT_ZERO;
  const block = (u.offset - u.segmentOffset) / 2 ** u.logSize;
  const high = Array.from({ length: u.segmentLogSize - u.logSize }, (_, t) => (Math.floor(block / 2 ** t) % 2 ? EXT_ONE : EXT_ZERO));
  return extMul(extFromBase(u.classId), selectorEval({ shape: u.shape, logDims: u.logDims }, [...point, ...high]));
}

function check(plan: ProofPlan, model: ModelKey, statement: Uint8Array, bytes: Uint8Array, maxLeafLog?: number): void {
  const layout = setupLayout(plan, maxLeafLog);
  if (!sameMap(layout.model, model.map)) throw new Reject("setup: the model commitment's segment map is not the one the graph defines");
  if (!(model.root instanceof Uint8Array) || model.root.length !== 32) throw new Reject("setup: the model root must be 32 bytes");
  const aux = auxParams(layout, model.params);
  const leafVars = instanceLeafVars(layout);
  const modelUses = layout.uses.filter((u) => u.commitment === "model").length;
  const modelClaimCount = modelUses + layout.wide.length;
  const auxClaimCount = layout.uses.length - modelUses + layout.instances.length + layout.wide.reduce((a, w) => a + w.limbs.length, 0);

  const rd = new ByteReader(bytes);
  const version = rd.u8("setup proof version");
  if (version !== SETUP_PROOF_VERSION) throw new Reject(`setup: proof version ${version} is not ${SETUP_PROOF_VERSION}`);
  const auxRoot = rd.raw(32, "setup auxiliary root");
  const words = setupBodyWords(layout);
  const body = rd.fieldVec("setup proof body", words);
  if (body.length !== words) throw new Reject(`setup: the proof body has ${body.length} words, the plan needs ${words}`);
  const auxOpening = rd.bytesVec("setup auxiliary opening", maxOpeningBytes(aux, auxClaimCount));
  const modelOpening = rd.bytesVec("setup model opening", maxOpeningBytes(model.params, modelClaimCount));
  rd.expectEnd("end of setup proof");

  const tr = new Transcript();
  tr.absorb(SETUP_LABELS.protocol, new TextEncoder().encode(SETUP_PROTOCOL_ID));
  tr.absorb(SETUP_LABELS.statement, statement);
  tr.absorb(SETUP_LABELS.modelRoot, model.root);
  tr.absorb(SETUP_LABELS.auxRoot, auxRoot);
  const r = new StreamReader(body);
  const out = new SetupClaims(layout);
  const table = tableToField(layout.table);
  layout.instances.forEach((inst, k) => {
    const uses = inst.uses.map((ui): UseShape => ({ shape: [2 ** layout.uses[ui]!.logSize], logDims: [layout.uses[ui]!.logSize] }));
    const proof = readLogup(r, [{ witnessVars: leafVars[k]!, tableVars: table.logRows, uses: uses.length, width: 2 }], `setup lookup ${k}`);
    const claims = logupVerify([{ table, uses }], proof, tr)[0]!;
    for (const c of claims.columns) {
      const u = layout.uses[inst.uses[c.use]!]!;
      if (c.column === 0) out.use(u, extsToPoint(c.point), c.value);
      else if (!extEquals(classEval(u, c.point), c.value)) throw new Reject(`setup: the range classes of ${u.name || "an unused block"} are not the public ones`);
    }
    out.multiplicity(inst, extsToPoint(claims.multiplicity.point), claims.multiplicity.value);
  });

  limbPoints(tr, layout).forEach((point, i) => {
    const wt = layout.wide[i]!;
    const [tv, ...lv] = r.recv(tr, SETUP_LABELS.limbs, 1 + wt.limbs.length, `setup limbs of ${wt.tensor}`);
    let sum: Ext = EXT_ZERO.slice();
    lv.forEach((l, j) => (sum = extAdd(sum, extMul(extFromBase(2 ** (LIMB_BITS * j)), l))));
    if (!extEquals(sum, tv!)) throw new Reject(`setup: ${wt.tensor} is not the sum of its limbs`);
    out.limbs(wt, point, tv!, lv);
  });
  r.end();
  const m = verifyOpening(tr, model.params, model.root, out.model, modelOpening);
  if (!m.ok) throw new Reject(`setup: model commitment: ${m.reason}`);
  const a = verifyOpening(tr, aux, auxRoot, out.aux, auxOpening);
  if (!a.ok) throw new Reject(`setup: auxiliary commitment: ${a.reason}`);
}

/**
 * Checks that the committed model is in range and zero-padded and that its commitment is close
 * to the code. Never throws.
 */
export function verifySetup(plan: ProofPlan, model: ModelKey, statement: Uint8Array, bytes: Uint8Array, opts: { maxLeafLog?: number } = {}): Verdict {
  try {
    check(plan, model, statement, bytes, opts.maxLeafLog);
    return { ok: true };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: msg.startsWith("setup") ? msg : `setup proof: ${msg}` };
  }
}
