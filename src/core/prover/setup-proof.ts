// The setup proof (PROTOCOL.md §6; design in circuit/setup-layout.ts): every committed model
// value lies in its tensor's range on live slots and is 0 on padding and unused blocks; the model
// commitment's proximity test is made here once. Mirrors verifier/setup-proof.ts step by step.
import {
  setupLayout, auxParams, limbPoints, SetupClaims, SETUP_LABELS, SETUP_PROTOCOL_ID, SETUP_PROOF_VERSION, LIMB_BITS, type SetupLayout, type SetupUse,
} from "../circuit/setup-layout.ts";
import { CircuitError, forEachLiveRun, paddedSize, StreamWriter, writeLogup, type ProofPlan } from "../circuit/index.ts";
import { extsToPoint, tableToField } from "../circuit/protocol.ts";
import { toSigned, P } from "../field/index.ts";
import { logupProve, type LookupUse } from "../lookup/index.ts";
import { commit, commitStreamed, open, packSegments, writeOpeningProof } from "../pcs/index.ts";
import { auxKeepsCode } from "../circuit/memory.ts";
import { evaluateMle } from "../poly/index.ts";
import { Transcript } from "../transcript/index.ts";
import { ByteWriter } from "../bytes/index.ts";
import type { ModelCommitment } from "./prove.ts";

export interface SetupProofOptions {
  /** Tests only: prove even where a value is outside its class (a cheating setup). */
  testOnlyCheat?: boolean;
  /** The instance size (a protocol constant, SETUP_MAX_LEAF_LOG; tests lower it on both sides). */
  maxLeafLog?: number;
}

/** Limbs of every wide tensor over its whole segment (padding included: limbs of 0 are 0). */
function limbValues(layout: SetupLayout, model: Uint32Array): Map<string, Uint32Array> {
  const out = new Map<string, Uint32Array>();
  const base = 2 ** LIMB_BITS;
  for (const w of layout.wide) {
    const seg = layout.model.segments.find((s) => s.name === w.tensor)!;
    const limbs = w.limbs.map(() => new Uint32Array(seg.length));
    for (let i = 0; i < seg.length; i++) {
      let v = toSigned(model[seg.offset + i]!);
      for (let j = 0; j < limbs.length; j++) {
        const top = j === limbs.length - 1;
        const limb = top ? v : ((v % base) + base) % base;
        limbs[j]![i] = limb < 0 ? limb + P : limb;
        v = (v - limb) / base;
      }
    }
    w.limbs.forEach((name, j) => out.set(name, limbs[j]!));
  }
  return out;
}

/**
 * Counts the table row of every (value, class) from `from` on: class 0 has the one row (0, 0),
 * class c its values' rows from `first`. Returns the index of the first pair in no row (−1: none).
 * A function of its own: V8 optimizes it as one tight loop (~33M pairs for vgg16).
 */
function countRows(m: Uint32Array, values: Uint32Array, classes: Uint32Array, from: number, lo: number, span: number, first: number): number {
  for (let i = from; i < values.length; i++) {
    const v = toSigned(values[i]!);
    if (classes[i] === 0) {
      if (v !== 0) return i;
      m[0]!++;
      continue;
    }
    const j = v - lo;
    if (j < 0 || j >= span) return i;
    m[first + j]!++;
  }
  return -1;
}

function describe(u: SetupUse): string {
  return u.name === "" ? `unused block at ${u.segmentOffset} of the model commitment` : u.name;
}

/**
 * Proves the setup statement for a model commitment; `statement` binds what the proof is about
 * (the VK's graph, segment map, parameters). Returns the setup proof's bytes. `maxLeafLog` is the
 * protocol's instance size (tests lower it, on both sides, to exercise the split).
 */
export function proveSetup(plan: ProofPlan, model: ModelCommitment, statement: Uint8Array, opts: SetupProofOptions = {}): Uint8Array {
  const layout = setupLayout(plan, opts.maxLeafLog);
  if (JSON.stringify(layout.model) !== JSON.stringify(model.map)) throw new CircuitError("the model commitment was not laid out from this plan; re-run setup");
  const committed = model.data.matrix;
  const limbs = limbValues(layout, committed);
  // The class column of a whole segment (class on live slots, 0 on padding), sliced per block.
  const classColumns = new Map<string, Uint32Array>();
  const classesOf = (u: SetupUse): Uint32Array => {
    const key = `${u.commitment}:${u.segmentOffset}`;
    let col = classColumns.get(key);
    if (!col) {
      const filled = new Uint32Array(paddedSize(u.logDims));
      forEachLiveRun(u.shape, u.logDims, (_, pos, len) => filled.fill(u.classId, pos, pos + len));
      classColumns.set(key, (col = filled));
    }
    const at = u.offset - u.segmentOffset;
    return col.subarray(at, at + 2 ** u.logSize);
  };
  const valuesOf = (u: SetupUse): Uint32Array => {
    if (u.commitment === "model") return committed.subarray(u.offset, u.offset + 2 ** u.logSize);
    const at = u.offset - u.segmentOffset;
    return limbs.get(u.name)!.subarray(at, at + 2 ** u.logSize);
  };
  const ms = layout.instances.map((inst) => {
    const m = new Uint32Array(2 ** layout.table.logRows);
    for (const ui of inst.uses) {
      const u = layout.uses[ui]!, values = valuesOf(u), classes = classesOf(u);
      // Row of (v, class): class 0 has the one row (0, 0); class c its rows from firstRow.
      const c = u.classId === 0 ? undefined : layout.classes[u.classId - 1]!;
      const lo = c?.signed ? -(2 ** (c.bits - 1)) : 0, span = c ? 2 ** c.bits : 0, first = c?.firstRow ?? 0;
      for (let from = 0; from < values.length;) {
        const i = countRows(m, values, classes, from, lo, span, first);
        if (i < 0) break;
        from = i + 1;
        if (opts.testOnlyCheat) continue;
        const v = toSigned(values[i]!);
        const what = classes[i] === 0 ? "padding must be 0" : `outside its ${plan.tensors[u.name.split("#")[0]!]?.bits}-bit type`;
        throw new CircuitError(`setup: ${describe(u)}[${u.offset - u.segmentOffset + i}] = ${v}: ${what}; the model data does not match its quantized types`);
      }
    }
    return m;
  });
  const mOf = new Map(layout.instances.map((inst, i) => [inst.multiplicity, ms[i]!]));
  const auxP = auxParams(layout, model.data.params), auxVector = packSegments(layout.aux, layout.aux.segments.map((s) => mOf.get(s.name) ?? limbs.get(s.name)!));
  const aux = auxKeepsCode(auxP, model.data.params, model.data.columns !== undefined) ? commit(auxP, auxVector) : commitStreamed(auxP, auxVector);

  const tr = new Transcript();
  tr.absorb(SETUP_LABELS.protocol, new TextEncoder().encode(SETUP_PROTOCOL_ID));
  tr.absorb(SETUP_LABELS.statement, statement);
  tr.absorb(SETUP_LABELS.modelRoot, model.data.root);
  tr.absorb(SETUP_LABELS.auxRoot, aux.root);
  const w = new StreamWriter();
  const out = new SetupClaims(layout);
  const table = tableToField(layout.table);
  // One LogUp proof per instance: the layout bounds an instance's size, and proving them one at a
  // time keeps one instance's fraction trees in memory, not all of the model's.
  layout.instances.forEach((inst, k) => {
    const uses: LookupUse[] = inst.uses.map((ui) => {
      const u = layout.uses[ui]!;
      return { shape: [2 ** u.logSize], logDims: [u.logSize], columns: [valuesOf(u), classesOf(u)], label: describe(u) };
    });
    const { proof, claims } = logupProve([{ table, uses, m: ms[k]! }], tr);
    writeLogup(w, proof);
    for (const c of claims[0]!.columns) if (c.column === 0) out.use(layout.uses[inst.uses[c.use]!]!, extsToPoint(c.point), c.value);
    out.multiplicity(inst, extsToPoint(claims[0]!.multiplicity.point), claims[0]!.multiplicity.value);
  });

  limbPoints(tr, layout).forEach((point, i) => {
    const wt = layout.wide[i]!;
    const seg = layout.model.segments.find((s) => s.name === wt.tensor)!;
    const tv = evaluateMle(committed.subarray(seg.offset, seg.offset + 2 ** seg.logSize), false, point);
    const lv = wt.limbs.map((n) => evaluateMle(limbs.get(n)!, false, point));
    w.send(tr, SETUP_LABELS.limbs, [tv, ...lv]);
    out.limbs(wt, point, tv, lv);
  });
  const modelOpening = writeOpeningProof(open(tr, model.data, out.model), model.data.params);
  const auxOpening = writeOpeningProof(open(tr, aux, out.aux), aux.params);
  return new ByteWriter().u8(SETUP_PROOF_VERSION).raw(aux.root).fieldVec(w.finish()).bytesVec(auxOpening).bytesVec(modelOpening).finish();
}
