// The QuantPlan: a versioned JSON document with every type choice, requant and table of a
// quantized model, plus the calibration report. Built from a lowering, checked by the JSON
// Schema in plan.schema.json and against the model when loaded.
import Ajv from "ajv";
import type { Graph } from "../graph/index.ts";
import { base64ToInt32, int32ToBase64 } from "./base64.ts";
import { checkBounds } from "./bounds.ts";
import { QuantError } from "./errors.ts";
import { typeMax, typeMin } from "./fixed.ts";
import { lowerForPlan, type Lowered } from "./lower.ts";
import schema from "./plan.schema.json" with { type: "json" };
import type { QGraph, QTable, QType, TensorRole } from "./qgraph.ts";
import type { ScaleSource, TypeRequest } from "./scale-source.ts";
import type { CalibrationMethod, TensorReport } from "./stats.ts";
import { DEFAULT_MAX_TABLE_ROWS, type TableSpec, tableRows } from "./tables.ts";

export const PLAN_VERSION = 1;

export interface PlanTensor extends QType {
  role: Exclude<TensorRole, "accumulator" | "bias">;
  /** 2^−k, for readers. */
  scale: number;
  /** Per-channel weights: the real scale of each output channel (w_q = clamp(round(w / scale_c))). */
  channelScales?: number[];
}

export interface PlanRequant {
  node: string;
  M: number;
  s: number;
  lo: number;
  hi: number;
  rounding: "half-up";
  /** Per-channel requants: the input is acc ⊙ channelM (one integer per output channel), then M = 1. */
  channelM?: number[];
}

/** A type the scale source chose, as the plan records it. */
export interface ChosenType {
  role: PlanTensor["role"];
  type: QType;
  channelScales?: number[];
}

export interface PlanTable {
  /** The ONNX nodes whose lookups use this table. */
  nodes: string[];
  fn: string;
  params: Record<string, number>;
  input: QType;
  output: QType;
  rows: number;
  maxRows?: number;
  saturate: boolean;
  encoding: "int32le-base64";
  values: string;
}

export interface PlanValueInfo {
  name: string;
  shape: number[];
  dtype: string;
}

export interface QuantPlan {
  version: 1;
  model: { name: string; inputs: PlanValueInfo[]; outputs: PlanValueInfo[] };
  calibration: {
    method: CalibrationMethod;
    percentile?: number;
    weightBits: number;
    activationBits: number;
    samples: number;
    data: string;
    /** Linear ops' weights have per-channel scales (absent: per tensor). */
    perChannel?: boolean;
  };
  tensors: Record<string, PlanTensor>;
  requants: Record<string, PlanRequant>;
  tables: Record<string, PlanTable>;
  report: { tensors: Record<string, TensorReport> };
}

/** The plan of a lowered graph: the chosen types (in request order), requants, tables. */
export function planOf(
  graph: Graph, { qgraph: q, channelMultipliers }: Lowered, chosen: ReadonlyMap<string, ChosenType>,
  calibration: QuantPlan["calibration"], report: Record<string, TensorReport>,
): QuantPlan {
  const tensors: Record<string, PlanTensor> = {};
  for (const [name, { role, type, channelScales }] of chosen) {
    tensors[name] = { role, k: type.k, scale: 2 ** -type.k, bits: type.bits, signed: type.signed, ...(channelScales ? { channelScales: [...channelScales] } : {}) };
  }
  const requants: Record<string, PlanRequant> = {};
  for (const op of q.ops) {
    if (op.kind !== "requant") continue;
    const m = channelMultipliers.get(op.output);
    requants[op.output] = { node: op.source, M: op.M, s: op.s, lo: op.lo, hi: op.hi, rounding: "half-up", ...(m ? { channelM: Array.from(q.consts[m]!) } : {}) };
  }
  const tables: Record<string, PlanTable> = {};
  const users = tableUsers(q);
  for (const [id, t] of Object.entries(q.tables)) {
    tables[id] = {
      nodes: users.get(id) ?? [],
      fn: t.fn, params: t.params, input: t.input, output: t.output, rows: t.values.length,
      ...(t.values.length > DEFAULT_MAX_TABLE_ROWS ? { maxRows: t.values.length } : {}),
      saturate: t.saturate, encoding: "int32le-base64", values: int32ToBase64(t.values),
    };
  }
  const info = (v: { name: string; shape: number[]; dtype: string }): PlanValueInfo => ({ name: v.name, shape: [...v.shape], dtype: v.dtype });
  return {
    version: 1,
    model: { name: graph.name, inputs: graph.inputs.map(info), outputs: graph.outputs.map(info) },
    calibration,
    tensors,
    requants,
    tables,
    report: { tensors: report },
  };
}

/** For each table, the ONNX nodes that look it up, in graph order. */
function tableUsers(q: QGraph): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const op of q.ops) {
    if (op.kind !== "lookup") continue;
    const list = users.get(op.table) ?? users.set(op.table, []).get(op.table)!;
    if (!list.includes(op.source)) list.push(op.source);
  }
  return users;
}

/** The plan as canonical JSON text: the same plan gives the same bytes everywhere. */
export function serializePlan(plan: QuantPlan): string {
  return JSON.stringify(plan, null, 1) + "\n";
}

let validator: ReturnType<Ajv["compile"]> | undefined;

/** Checks a parsed document against the plan schema; errors name the JSON path. */
export function validatePlan(doc: unknown): QuantPlan {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new QuantError("the plan is not a JSON object; give a plan written by `zkml calibrate`", { path: "" });
  const version = (doc as { version?: unknown }).version;
  if (version !== PLAN_VERSION) {
    throw new QuantError(`plan version ${JSON.stringify(version)} is not supported (this build reads version ${PLAN_VERSION}); recalibrate the model`, { path: "/version" });
  }
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(schema);
  if (!validator(doc)) {
    const e = validator.errors?.[0];
    const path = e?.instancePath ?? "";
    throw new QuantError(`plan ${path || "/"} ${e?.message ?? "is invalid"}${e?.params && "additionalProperty" in e.params ? ` ('${String(e.params.additionalProperty)}')` : ""}; fix it or recalibrate`, { path });
  }
  const plan = doc as QuantPlan;
  const perChannel = plan.calibration.perChannel === true;
  for (const [name, t] of Object.entries(plan.tensors)) {
    const path = `/tensors/${esc(name)}`;
    if (t.scale !== 2 ** -t.k) throw new QuantError(`plan ${path}/scale is ${t.scale} but k=${t.k} means ${2 ** -t.k}; scales are powers of two: edit k`, { path: `${path}/scale`, tensor: name });
    if (t.channelScales && (!perChannel || t.role !== "weight")) {
      throw new QuantError(`plan ${path}/channelScales is only for weights of a per-channel plan (/calibration/perChannel); remove it or recalibrate with --per-channel`, { path: `${path}/channelScales`, tensor: name });
    }
  }
  for (const [name, r] of Object.entries(plan.requants)) {
    if (r.channelM && (!perChannel || r.M !== 1)) {
      const path = `/requants/${esc(name)}/channelM`;
      throw new QuantError(`plan ${path} is only for per-channel plans, with M = 1; remove it or recalibrate with --per-channel`, { path });
    }
  }
  return plan;
}

/** Parses plan JSON text (a QuantError names the position of a syntax error). */
export function parsePlan(text: string): QuantPlan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new QuantError(`the plan is not valid JSON (${(e as Error).message}); give a plan written by \`zkml calibrate\``, { path: "" });
  }
  return validatePlan(doc);
}

const esc = (name: string) => name.replace(/~/g, "~0").replace(/\//g, "~1");

/** Decodes and checks one plan table against the spec the lowering needs. */
function planTable(plan: QuantPlan, id: string, spec: TableSpec): QTable {
  const path = `/tables/${esc(id)}`;
  const t = plan.tables[id];
  if (!t) throw new QuantError(`plan ${path} is missing: the model needs a ${spec.fn} table; recalibrate`, { path });
  const same = (a: QType, b: QType) => a.k === b.k && a.bits === b.bits && a.signed === b.signed;
  const params = (p: Record<string, number>) => JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
  if (t.fn !== spec.fn || !same(t.input, spec.input) || !same(t.output, spec.output) || params(t.params) !== params(spec.params)) {
    throw new QuantError(`plan ${path} does not describe the table the model needs (${spec.fn} from ${JSON.stringify(spec.input)} to ${JSON.stringify(spec.output)}); recalibrate`, { path });
  }
  const rows = tableRows(t.input);
  const limit = t.maxRows ?? DEFAULT_MAX_TABLE_ROWS;
  if (t.rows !== rows) throw new QuantError(`plan ${path}/rows is ${t.rows} but a ${t.input.bits}-bit input needs ${rows}`, { path: `${path}/rows` });
  if (rows > limit) throw new QuantError(`plan ${path}/rows is ${rows}, over the limit of ${limit}; lower the input's bits or set maxRows`, { path: `${path}/rows` });
  const values = base64ToInt32(t.values);
  if (!values || values.length !== rows) {
    throw new QuantError(`plan ${path}/values does not decode to ${rows} int32 values; recalibrate`, { path: `${path}/values` });
  }
  const lo = typeMin(t.output), hi = typeMax(t.output);
  const bad = values.findIndex((v) => v < lo || v > hi);
  if (bad >= 0) throw new QuantError(`plan ${path}/values[${bad}] = ${values[bad]} is outside the output type [${lo}, ${hi}]`, { path: `${path}/values` });
  return { fn: t.fn, params: { ...t.params }, input: { ...t.input }, output: { ...t.output }, saturate: t.saturate, values };
}

/** Answers the lowering from a plan, remembering what was asked so extras can be reported. */
class PlanSource implements ScaleSource {
  readonly used = new Set<string>();
  readonly usedTables = new Set<string>();
  readonly usedChannels = new Set<string>();
  readonly weightBits: number;
  readonly perChannel: boolean;
  constructor(private readonly plan: QuantPlan) {
    this.weightBits = plan.calibration.weightBits;
    this.perChannel = plan.calibration.perChannel === true;
  }
  channelScales(req: TypeRequest, channels: number): number[] {
    const path = `/tensors/${esc(req.name)}/channelScales`;
    const s = this.plan.tensors[req.name]?.channelScales;
    if (!s) throw new QuantError(`plan ${path} is missing: a per-channel plan gives each linear weight its channel scales; recalibrate`, { path, tensor: req.name });
    if (s.length !== channels) throw new QuantError(`plan ${path} has ${s.length} scales but ${req.name} has ${channels} output channels; is the plan for another model?`, { path, tensor: req.name });
    this.usedChannels.add(req.name);
    return [...s];
  }
  type(req: TypeRequest): QType {
    const t = Object.hasOwn(this.plan.tensors, req.name) ? this.plan.tensors[req.name] : undefined;
    const path = `/tensors/${esc(req.name)}`;
    if (!t) throw new QuantError(`plan ${path} is missing: the model has a ${req.role} ${req.name} the plan does not describe; recalibrate for this model`, { path, tensor: req.name });
    if (t.role !== req.role) throw new QuantError(`plan ${path}/role is ${t.role} but ${req.name} is a ${req.role} in the model`, { path: `${path}/role`, tensor: req.name });
    this.used.add(req.name);
    return { k: t.k, bits: t.bits, signed: t.signed };
  }
  table(id: string, spec: TableSpec): QTable {
    this.usedTables.add(id);
    return planTable(this.plan, id, spec);
  }
}

/**
 * The quantized graph a plan describes for a model. The plan must match the model exactly:
 * no missing or extra tensors or tables, the requants its scales imply, and the static bound.
 */
export function quantizeWithPlan(graph: Graph, plan: QuantPlan): QGraph {
  const src = new PlanSource(plan);
  const { qgraph: q, channelMultipliers } = lowerForPlan(graph, src);
  for (const [name, t] of Object.entries(plan.tensors)) {
    if (!src.used.has(name)) throw new QuantError(`plan /tensors/${esc(name)} describes a tensor this model does not have; is the plan for another model?`, { path: `/tensors/${esc(name)}`, tensor: name });
    if (t.channelScales && !src.usedChannels.has(name)) {
      throw new QuantError(`plan /tensors/${esc(name)}/channelScales: ${name} is not the weight of a linear op; remove it`, { path: `/tensors/${esc(name)}/channelScales`, tensor: name });
    }
  }
  const users = tableUsers(q);
  for (const [id, t] of Object.entries(plan.tables)) {
    if (!src.usedTables.has(id)) throw new QuantError(`plan /tables/${esc(id)} is a table this model does not use`, { path: `/tables/${esc(id)}` });
    const nodes = users.get(id) ?? [];
    if (JSON.stringify(t.nodes) !== JSON.stringify(nodes)) {
      throw new QuantError(`plan /tables/${esc(id)}/nodes lists ${JSON.stringify(t.nodes)} but the model looks it up in ${JSON.stringify(nodes)}`, { path: `/tables/${esc(id)}/nodes` });
    }
  }
  const seen = new Set<string>();
  for (const op of q.ops) {
    if (op.kind !== "requant") continue;
    seen.add(op.output);
    const path = `/requants/${esc(op.output)}`;
    const r = Object.hasOwn(plan.requants, op.output) ? plan.requants[op.output] : undefined;
    if (!r) throw new QuantError(`plan ${path} is missing; recalibrate`, { path });
    for (const f of ["M", "s", "lo", "hi"] as const) {
      if (r[f] !== op[f]) throw new QuantError(`plan ${path}/${f} is ${r[f]} but the tensor scales give ${op[f]}; change scales under /tensors, not requants`, { path: `${path}/${f}` });
    }
    const m = channelMultipliers.get(op.output);
    const want = m ? JSON.stringify(Array.from(q.consts[m]!)) : undefined;
    if ((r.channelM ? JSON.stringify(r.channelM) : undefined) !== want) {
      throw new QuantError(`plan ${path}/channelM is ${JSON.stringify(r.channelM ?? null)} but the channel scales give ${want ?? "none"}; change scales under /tensors, not requants`, { path: `${path}/channelM` });
    }
  }
  for (const name of Object.keys(plan.requants)) {
    if (!seen.has(name)) throw new QuantError(`plan /requants/${esc(name)} is a requant this model does not have`, { path: `/requants/${esc(name)}` });
  }
  checkBounds(q);
  return q;
}
