// What the setup proof (PROTOCOL.md §6) covers, derived from the plan alone so that setup and
// the verifier agree: the model commitment's layout, the range class of every committed
// position, the limbs of wide tensors, the lookup table of (value, class) rows and the exact
// size of the proof body.
//
// Design. One LogUp instance looks up the pair (v(i), class(i)) for every position i of the
// model commitment, one use per segment (and per unused block). class(i) is public: the
// tensor's range class on its live slots, class 0 ("must be 0", one table row (0, 0)) on its
// padding and on unused blocks, so the verifier evaluates its MLE as class·selector in O(bits).
// A tensor wider than LIMB_BITS would need a class of 2^bits rows (the verifier evaluates the
// table's MLE in O(rows)), so setup commits its limbs instead (an auxiliary commitment, made
// once): v = Σ_j 2^(LIMB_BITS·j)·limb_j, every limb but the top one in [0, 2^LIMB_BITS), the top
// one in the tensor's remaining signed/unsigned range, padding in class 0. The identity is
// checked at one random point of each wide tensor (Schwartz–Zippel over F_p^4), so the wide
// tensor is zero on its padding too. The auxiliary commitment also holds the LogUp
// multiplicities. With LIMB_BITS = 8 the table has at most 1 + 16·2^8 rows (2^10 for the shared
// models). Committed types are at most 30 bits, so v's range is narrower than p and the check
// is exact.
import type { Ext } from "../field/index.ts";
import { chooseParams, layoutSegments, type PcsClaim, type PcsParams, type SegmentMap } from "../pcs/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { layoutUses } from "../lookup/index.ts";
import { CircuitError } from "./errors.ts";
import type { PlanTable, ProofPlan } from "./plan.ts";
import { paddedSize } from "./values.ts";

export const LIMB_BITS = 8;
/** Widest committed type: its range (2^bits values) must stay below p for the check to be exact. */
export const MAX_MODEL_BITS = 30;
const multiplicityName = (i: number) => `#setup:m${i}`;
export const SETUP_PROTOCOL_ID = "zkml-studio/setup/v1";
// 2: the LogUp instances in one batched GKR.
export const SETUP_PROOF_VERSION = 2;

export const SETUP_LABELS = {
  protocol: "setup/protocol",
  statement: "setup/statement",
  modelRoot: "setup/model-root",
  auxRoot: "setup/aux-root",
  limbPoint: "setup/limb-point",
  limbs: "setup/limbs",
} as const;

export interface RangeClass {
  /** 1, 2, … (0 is the zero class). */
  id: number;
  signed: boolean;
  bits: number;
  /** Index of the class's first row in the table. */
  firstRow: number;
}

/**
 * One looked-up block: an aligned part of one commitment, inside one segment (or an unused
 * block), with one class on the segment's live slots.
 */
export interface SetupUse {
  commitment: "model" | "aux";
  /** Segment name, or "" for an unused block of the model commitment. */
  name: string;
  offset: number;
  logSize: number;
  /** The segment the block lies in (the block itself for unused blocks). */
  segmentOffset: number;
  segmentLogSize: number;
  /** 0 for unused blocks (every slot must be 0). */
  classId: number;
  /** The tensor's shape and padded dimensions: live slots are inside `shape`. */
  shape: number[];
  logDims: number[];
}

/** One LogUp instance: some uses (at most 2^maxLeafLog leaves in all) and its multiplicity segment. */
export interface SetupInstance {
  uses: number[];
  multiplicity: string;
}

export interface WideTensor {
  tensor: string;
  limbs: string[];
  /** Variables of the tensor's segment (the random point's length). */
  nVars: number;
}

export interface SetupLayout {
  model: SegmentMap;
  aux: SegmentMap;
  classes: RangeClass[];
  table: PlanTable;
  uses: SetupUse[];
  instances: SetupInstance[];
  wide: WideTensor[];
}

/**
 * Leaves per LogUp instance at most (a protocol constant: the prover's memory grows with the
 * largest instance, so big models are split into several instances over one table).
 */
export const SETUP_MAX_LEAF_LOG = 20;

const classKey = (signed: boolean, bits: number) => `${signed ? "i" : "u"}${bits}`;

/** modelLayout's maps, one per plan (asked for by the memory floors, setup and every proof; read only). */
const modelLayouts = new WeakMap<ProofPlan, SegmentMap>();

/** The model commitment's layout: every model tensor (plan order) as a segment, padded per dimension. */
export function modelLayout(plan: ProofPlan): SegmentMap {
  let map = modelLayouts.get(plan);
  if (!map) modelLayouts.set(plan, (map = layoutSegments(plan.model.map((n) => ({ name: n, length: paddedSize(plan.tensors[n]!.logDims) })), 1)));
  return map;
}

/** Aligned power-of-two blocks covering [from, to) (to a power of two multiple). */
function blocks(from: number, to: number): { offset: number; logSize: number }[] {
  const out: { offset: number; logSize: number }[] = [];
  let at = from;
  while (at < to) {
    let log = 0;
    while (at % 2 ** (log + 1) === 0 && at + 2 ** (log + 1) <= to) log++;
    out.push({ offset: at, logSize: log });
    at += 2 ** log;
  }
  return out;
}

export function setupLayout(plan: ProofPlan, maxLeafLog = SETUP_MAX_LEAF_LOG): SetupLayout {
  const model = modelLayout(plan);
  // Ids are assigned once every class is known, in sorted key order (canonical).
  const classIds = new Map<string, RangeClass>();
  const classFor = (signed: boolean, bits: number): void => {
    const key = classKey(signed, bits);
    if (!classIds.has(key)) classIds.set(key, { id: 0, signed, bits, firstRow: 0 });
  };
  const pending: { commitment: "model" | "aux"; name: string; key: string; shape: number[]; logDims: number[] }[] = [];
  const wide: WideTensor[] = [];
  const auxSegments: { name: string; length: number }[] = [];
  for (const seg of model.segments) {
    const t = plan.tensors[seg.name]!;
    if (!Number.isInteger(t.bits) || t.bits < 1 || t.bits > MAX_MODEL_BITS) {
      throw new CircuitError(`model tensor ${t.name} is ${t.bits} bits; committed tensors must be 1 to ${MAX_MODEL_BITS} bits wide`);
    }
    if (t.bits <= LIMB_BITS) {
      classFor(t.signed, t.bits);
      pending.push({ commitment: "model", name: t.name, key: classKey(t.signed, t.bits), shape: t.shape, logDims: t.logDims });
      continue;
    }
    const count = Math.ceil(t.bits / LIMB_BITS);
    const limbs = Array.from({ length: count }, (_, j) => `${t.name}#limb${j}`);
    limbs.forEach((name, j) => {
      const top = j === count - 1;
      const signed = top ? t.signed : false, bits = top ? t.bits - LIMB_BITS * (count - 1) : LIMB_BITS;
      classFor(signed, bits);
      auxSegments.push({ name, length: seg.length });
      pending.push({ commitment: "aux", name, key: classKey(signed, bits), shape: t.shape, logDims: t.logDims });
    });
    wide.push({ tensor: t.name, limbs, nVars: seg.logSize });
  }
  const classes = [...classIds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  let rows = 1; // row 0 is the zero class's (0, 0)
  classes.forEach((c, i) => {
    c.id = i + 1;
    c.firstRow = rows;
    rows += 2 ** c.bits;
  });
  let logRows = 1;
  while (2 ** logRows < rows) logRows++;
  if (logRows > 16) throw new CircuitError(`the setup table needs ${rows} rows, over 2^16; this is a bug in the class layout`);
  const values = new Int32Array(2 ** logRows), ids = new Int32Array(2 ** logRows);
  for (const c of classes) {
    const lo = c.signed ? -(2 ** (c.bits - 1)) : 0;
    for (let j = 0; j < 2 ** c.bits; j++) {
      values[c.firstRow + j] = lo + j;
      ids[c.firstRow + j] = c.id;
    }
  }
  // Rows past the last class repeat (0, 0): duplicates are harmless in LogUp.
  const table: PlanTable = { key: "setup:range", logRows, columns: [values, ids] };

  // Blocks of at most 2^maxLeafLog slots: every model segment (narrow tensors), every unused
  // part of the model commitment, every limb segment; then instances of at most 2^maxLeafLog leaves.
  const idOf = new Map(classes.map((c) => [classKey(c.signed, c.bits), c.id]));
  // Aux segment offsets are known only once the instances (and their multiplicities) are: pieces
  // of limb segments get theirs at the end.
  type Piece = Omit<SetupUse, "offset" | "segmentOffset"> & { at: number; segmentOffset?: number };
  const pieces: Piece[] = [];
  const split = (p: Omit<Piece, "at" | "logSize">) => {
    const log = Math.min(p.segmentLogSize, maxLeafLog);
    for (let at = 0; at < 2 ** p.segmentLogSize; at += 2 ** log) pieces.push({ ...p, at, logSize: log });
  };
  for (const p of pending.filter((q) => q.commitment === "model")) {
    const seg = model.segments.find((x) => x.name === p.name)!;
    split({ commitment: "model", name: p.name, segmentOffset: seg.offset, segmentLogSize: seg.logSize, classId: idOf.get(p.key)!, shape: p.shape, logDims: p.logDims });
  }
  const used = model.segments.reduce((a, x) => a + 2 ** x.logSize, 0);
  for (const b of blocks(used, 2 ** model.logN)) {
    split({ commitment: "model", name: "", segmentOffset: b.offset, segmentLogSize: b.logSize, classId: 0, shape: [2 ** b.logSize], logDims: [b.logSize] });
  }
  for (const p of pending.filter((q) => q.commitment === "aux")) {
    const len = auxSegments.find((x) => x.name === p.name)!.length;
    split({ commitment: "aux", name: p.name, segmentLogSize: Math.round(Math.log2(len)), classId: idOf.get(p.key)!, shape: p.shape, logDims: p.logDims });
  }
  const instances: SetupInstance[] = [];
  let room = 0;
  pieces.forEach((piece, i) => {
    if (2 ** piece.logSize > room) {
      instances.push({ uses: [], multiplicity: multiplicityName(instances.length) });
      room = 2 ** maxLeafLog;
    }
    instances[instances.length - 1]!.uses.push(i);
    room -= 2 ** piece.logSize;
  });

  const aux = layoutSegments([...instances.map((x) => ({ name: x.multiplicity, length: 2 ** logRows })), ...auxSegments], 1);
  const uses: SetupUse[] = pieces.map(({ at, segmentOffset, ...p }) => {
    const base = segmentOffset ?? aux.segments.find((x) => x.name === p.name)!.offset;
    return { ...p, offset: base + at, segmentOffset: base };
  });
  return { model, aux, classes, table, uses, instances, wide };
}

/**
 * Words of a batched GKR proof over trees of 2^n_j leaves: each tree's root and, per layer below
 * it, its four ends; per layer k the shared k rounds of 3 values.
 */
export function gkrWords(ns: number[]): number {
  const depth = Math.max(0, ...ns);
  return ns.reduce((a, n) => a + 8 + 16 * n, 0) + 6 * depth * (depth - 1);
}

/** Leaf variables of each instance's witness tree. */
export function instanceLeafVars(layout: SetupLayout): number[] {
  return layout.instances.map((inst) => layoutUses(inst.uses.map((i) => ({ shape: [2 ** layout.uses[i]!.logSize], logDims: [layout.uses[i]!.logSize] }))).n);
}

/** The exact length of the setup proof's body: the LogUp instances, then the limb identities. */
export function setupBodyWords(layout: SetupLayout): number {
  const limbWords = layout.wide.reduce((a, w) => a + 4 * (1 + w.limbs.length), 0);
  const leafVars = instanceLeafVars(layout);
  // One LogUp proof per instance, each over its witness and table trees.
  return layout.instances.reduce((a, inst, i) => a + gkrWords([leafVars[i]!, layout.table.logRows]) + 8 * inst.uses.length + 4, 0) + limbWords;
}

/** The auxiliary commitment's parameters: its own size, the model commitment's rate and queries. */
export function auxParams(layout: SetupLayout, model: PcsParams): PcsParams {
  return chooseParams(layout.aux.logN, { logBlowup: model.logBlowup, queries: model.queries });
}

const segment = (map: SegmentMap, name: string) => map.segments.find((s) => s.name === name)!;

/** The claims the setup proof leaves on its two commitments, gathered the same way on both sides. */
export class SetupClaims {
  readonly model: PcsClaim[] = [];
  readonly aux: PcsClaim[] = [];
  constructor(private readonly layout: SetupLayout) {}

  on(commitment: "model" | "aux", at: { offset: number; logSize: number }, point: Uint32Array, value: Ext): void {
    this[commitment].push({ segment: { offset: at.offset, logSize: at.logSize }, point, value });
  }

  /** A use's value column at the LogUp point. */
  use(u: SetupUse, point: Uint32Array, value: Ext): void {
    this.on(u.commitment, u, point, value);
  }

  multiplicity(instance: SetupInstance, point: Uint32Array, value: Ext): void {
    this.on("aux", segment(this.layout.aux, instance.multiplicity), point, value);
  }

  /** A wide tensor and each of its limbs at the limb point. */
  limbs(w: WideTensor, point: Uint32Array, tensorValue: Ext, limbValues: readonly Ext[]): void {
    this.on("model", segment(this.layout.model, w.tensor), point, tensorValue);
    w.limbs.forEach((n, j) => this.on("aux", segment(this.layout.aux, n), point, limbValues[j]!));
  }
}

/** The random point of each wide tensor's limb identity (a prefix of one squeezed point). */
export function limbPoints(tr: Transcript, layout: SetupLayout): Uint32Array[] {
  if (layout.wide.length === 0) return [];
  const z = tr.squeezeExts(SETUP_LABELS.limbPoint, Math.max(...layout.wide.map((x) => x.nVars)));
  return layout.wide.map((w) => z.slice(0, 4 * w.nVars));
}
