// The VK's graph: the quantized graph without weights (GraphSpec), as canonical JSON bytes with
// every table as integers. The reader treats the bytes as hostile: it checks every field's type
// and bound, every name reference, and that the bytes are exactly the canonical encoding of what
// they decode to (so one graph has one encoding, and one digest).
import type { GraphSpec } from "../circuit/index.ts";
import type { IndexMap, LinearOp, QOp, QTable, QTensor, QType, Window } from "../quant/qgraph.ts";
import { canonicalJson } from "./canonical-json.ts";
import { ArtifactError } from "./errors.ts";

/** Limits a VK's graph must respect (far above any model a browser proves). */
export const GRAPH_LIMITS = {
  bytes: 64 * 2 ** 20,
  tensors: 100_000,
  ops: 100_000,
  rank: 8,
  dim: 2 ** 26,
  elements: 2 ** 28,
  nameLength: 1024,
  tableRows: 2 ** 20,
  indices: 2 ** 24,
} as const;

export function encodeGraphSpec(spec: GraphSpec): Uint8Array {
  return new TextEncoder().encode(canonicalJson(toPlain(spec)));
}

const pick = (o: object, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((k) => (o as Record<string, unknown>)[k] !== undefined).map((k) => [k, (o as Record<string, unknown>)[k]]));
const QTYPE_FIELDS = ["k", "bits", "signed"] as const;

/**
 * The plain-JSON form, with only the fields the VK defines: tensors and tables as arrays in the
 * records' order (canonical JSON sorts object keys, and the plan lays out commitments in tensor
 * order), tables' values as numbers.
 */
function toPlain(spec: GraphSpec): unknown {
  const tensors = Object.values(spec.tensors).map((t) => pick(t, ["name", "shape", "role", ...QTYPE_FIELDS, "onnx"]));
  const tables = Object.entries(spec.tables).map(([id, t]) => ({
    id, fn: t.fn, params: t.params, input: pick(t.input, QTYPE_FIELDS), output: pick(t.output, QTYPE_FIELDS), saturate: t.saturate, values: Array.from(t.values),
  }));
  const ops = spec.ops.map((o) => {
    const [req, opt] = OP_FIELDS[o.kind] ?? [[], []];
    const r = pick(o, ["kind", "source", "inputs", "output", ...req, ...opt]);
    if (r.window) r.window = pick(r.window as object, ["kernel", "strides", "dilations", "padBegin", "padEnd"]);
    return r;
  });
  return { version: spec.version, inputs: spec.inputs, outputs: spec.outputs, tensors, tables, ops };
}

type Json = unknown;

class Check {
  constructor(private readonly names: { tensors: Set<string>; tables: Set<string> } = { tensors: new Set(), tables: new Set() }) {}

  fail(path: string, what: string): never {
    throw new ArtifactError(`VK graph ${path}: ${what}`);
  }

  obj(v: Json, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, Json> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, "must be an object");
    const o = v as Record<string, Json>;
    for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) this.fail(path, `unknown field '${k}'`);
    for (const k of required) if (!Object.prototype.hasOwnProperty.call(o, k)) this.fail(path, `missing field '${k}'`);
    return o;
  }

  int(v: Json, path: string, lo: number, hi: number): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) this.fail(path, `must be an integer in [${lo}, ${hi}]`);
    return v;
  }

  num(v: Json, path: string): number {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(path, "must be a finite number");
    return v;
  }

  bool(v: Json, path: string): boolean {
    if (typeof v !== "boolean") this.fail(path, "must be true or false");
    return v;
  }

  str(v: Json, path: string): string {
    if (typeof v !== "string" || v.length > GRAPH_LIMITS.nameLength) this.fail(path, `must be a string of at most ${GRAPH_LIMITS.nameLength} characters`);
    return v;
  }

  /** A name usable as a record key (never one of Object.prototype's). */
  name(v: Json, path: string): string {
    const s = this.str(v, path);
    if (s.length === 0 || Object.prototype.hasOwnProperty.call(Object.prototype, s) || s === "__proto__") this.fail(path, `'${s}' is not a valid name`);
    return s;
  }

  /** A plain object with any keys. */
  record(v: Json, path: string): Record<string, Json> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, "must be an object");
    return v as Record<string, Json>;
  }

  arr(v: Json, path: string, max: number): Json[] {
    if (!Array.isArray(v) || v.length > max) this.fail(path, `must be an array of at most ${max} items`);
    return v;
  }

  ints(v: Json, path: string, lo: number, hi: number, max: number = GRAPH_LIMITS.rank): number[] {
    return this.arr(v, path, max).map((x, i) => this.int(x, `${path}[${i}]`, lo, hi));
  }

  oneOf<T extends string>(v: Json, path: string, options: readonly T[]): T {
    if (typeof v !== "string" || !options.includes(v as T)) this.fail(path, `must be one of ${options.join(", ")}`);
    return v as T;
  }

  tensorRef(v: Json, path: string): string {
    const s = this.name(v, path);
    if (!this.names.tensors.has(s)) this.fail(path, `names no tensor ('${s}')`);
    return s;
  }

  tableRef(v: Json, path: string): string {
    const s = this.name(v, path);
    if (!this.names.tables.has(s)) this.fail(path, `names no table ('${s}')`);
    return s;
  }
}

const ROLES = ["input", "activation", "accumulator", "weight", "bias", "const"] as const;
const BIG = 2 ** 31;

function qtype(c: Check, o: Record<string, Json>, path: string): QType {
  return { k: c.int(o.k, `${path}.k`, -64, 64), bits: c.int(o.bits, `${path}.bits`, 1, 32), signed: c.bool(o.signed, `${path}.signed`) };
}

function tensor(c: Check, v: Json, path: string): QTensor {
  const o = c.obj(v, path, ["name", "shape", "role", "k", "bits", "signed"], ["onnx"]);
  const shape = c.ints(o.shape, `${path}.shape`, 1, GRAPH_LIMITS.dim);
  // Proof layouts pad every dimension to a power of two: bound that size, not only the live one.
  if (shape.reduce((a, d) => a * 2 ** Math.ceil(Math.log2(d)), 1) > GRAPH_LIMITS.elements) c.fail(`${path}.shape`, `pads to more than 2^28 elements`);
  const t: QTensor = { name: c.name(o.name, `${path}.name`), shape, role: c.oneOf(o.role, `${path}.role`, ROLES), ...qtype(c, o, path) };
  if (o.onnx !== undefined) t.onnx = c.str(o.onnx, `${path}.onnx`);
  return t;
}

function table(c: Check, v: Json, path: string): [string, QTable] {
  const o = c.obj(v, path, ["id", "fn", "params", "input", "output", "saturate", "values"]);
  const params: Record<string, number> = {};
  for (const [k, x] of Object.entries(c.record(o.params, `${path}.params`))) params[c.name(k, `${path}.params key`)] = c.num(x, `${path}.params.${k}`);
  const values = Int32Array.from(c.arr(o.values, `${path}.values`, GRAPH_LIMITS.tableRows).map((x, i) => c.int(x, `${path}.values[${i}]`, -BIG, BIG - 1)));
  const input = qtype(c, c.obj(o.input, `${path}.input`, ["k", "bits", "signed"]), `${path}.input`);
  const output = qtype(c, c.obj(o.output, `${path}.output`, ["k", "bits", "signed"]), `${path}.output`);
  return [c.name(o.id, `${path}.id`), { fn: c.str(o.fn, `${path}.fn`), params, input, output, saturate: c.bool(o.saturate, `${path}.saturate`), values }];
}

function window(c: Check, v: Json, path: string): Window {
  const o = c.obj(v, path, ["kernel", "strides", "dilations", "padBegin", "padEnd"]);
  const w = {
    kernel: c.ints(o.kernel, `${path}.kernel`, 1, GRAPH_LIMITS.dim),
    strides: c.ints(o.strides, `${path}.strides`, 1, GRAPH_LIMITS.dim),
    dilations: c.ints(o.dilations, `${path}.dilations`, 1, GRAPH_LIMITS.dim),
    padBegin: c.ints(o.padBegin, `${path}.padBegin`, 0, GRAPH_LIMITS.dim),
    padEnd: c.ints(o.padEnd, `${path}.padEnd`, 0, GRAPH_LIMITS.dim),
  };
  const n = w.kernel.length;
  if (![w.strides, w.dilations, w.padBegin, w.padEnd].every((a) => a.length === n)) c.fail(path, "kernel, strides, dilations and pads must have one entry per spatial axis");
  return w;
}

function indexMap(c: Check, v: Json, path: string): IndexMap {
  const type = c.oneOf((v as { type?: Json } | null)?.type, `${path}.type`, ["reshape", "transpose", "slice", "concat", "pad", "gather", "upsample"] as const);
  switch (type) {
    case "reshape":
      c.obj(v, path, ["type"]);
      return { type };
    case "transpose": {
      const o = c.obj(v, path, ["type", "perm"]);
      return { type, perm: c.ints(o.perm, `${path}.perm`, 0, GRAPH_LIMITS.rank - 1) };
    }
    case "slice": {
      const o = c.obj(v, path, ["type", "starts", "steps"]);
      return { type, starts: c.ints(o.starts, `${path}.starts`, 0, GRAPH_LIMITS.dim), steps: c.ints(o.steps, `${path}.steps`, -GRAPH_LIMITS.dim, GRAPH_LIMITS.dim) };
    }
    case "concat": {
      const o = c.obj(v, path, ["type", "axis"]);
      return { type, axis: c.int(o.axis, `${path}.axis`, 0, GRAPH_LIMITS.rank - 1) };
    }
    case "pad": {
      const o = c.obj(v, path, ["type", "padBegin"]);
      return { type, padBegin: c.ints(o.padBegin, `${path}.padBegin`, 0, GRAPH_LIMITS.dim) };
    }
    case "upsample": {
      const o = c.obj(v, path, ["type", "factors", "starts"]);
      return { type, factors: c.ints(o.factors, `${path}.factors`, 1, GRAPH_LIMITS.dim), starts: c.ints(o.starts, `${path}.starts`, -GRAPH_LIMITS.dim, GRAPH_LIMITS.dim) };
    }
    case "gather": {
      const o = c.obj(v, path, ["type", "axis", "indices"]);
      return { type, axis: c.int(o.axis, `${path}.axis`, 0, GRAPH_LIMITS.rank - 1), indices: c.ints(o.indices, `${path}.indices`, -1, GRAPH_LIMITS.dim, GRAPH_LIMITS.indices) };
    }
  }
}

/** Fields each op kind has besides kind, source, inputs, output: [required, optional]. */
const OP_FIELDS: Record<QOp["kind"], [string[], string[]]> = {
  linear: [["form"], ["group", "window"]],
  matmul2: [[], []],
  requant: [["M", "s", "lo", "hi"], []],
  lookup: [["table"], []],
  add: [["coeffs"], []],
  mul: [[], []],
  maxpool: [["window"], []],
  sumpool: [["window"], []],
  reducemax: [["axis"], []],
  rowsum: [["axis"], []],
  indexmap: [["map"], []],
  select: [["fill"], []],
  embed: [[], []],
};

function op(c: Check, v: Json, i: number): QOp {
  const path = `ops[${i}]`;
  const kind = c.oneOf((v as { kind?: Json } | null)?.kind, `${path}.kind`, Object.keys(OP_FIELDS) as QOp["kind"][]);
  const [req, opt] = OP_FIELDS[kind];
  const o = c.obj(v, path, ["kind", "source", "inputs", "output", ...req], opt);
  const base = {
    source: c.str(o.source, `${path}.source`),
    inputs: c.arr(o.inputs, `${path}.inputs`, 64).map((x, j) => c.tensorRef(x, `${path}.inputs[${j}]`)),
    output: c.tensorRef(o.output, `${path}.output`),
  };
  switch (kind) {
    case "linear": {
      const r: LinearOp = { kind, ...base, form: c.oneOf(o.form, `${path}.form`, ["dense", "conv"] as const) };
      if (o.group !== undefined) r.group = c.int(o.group, `${path}.group`, 1, GRAPH_LIMITS.dim);
      if (o.window !== undefined) r.window = window(c, o.window, `${path}.window`);
      return r;
    }
    case "requant":
      return { kind, ...base, M: c.int(o.M, `${path}.M`, 1, BIG), s: c.int(o.s, `${path}.s`, 0, 62), lo: c.int(o.lo, `${path}.lo`, -BIG, BIG), hi: c.int(o.hi, `${path}.hi`, -BIG, BIG) };
    case "lookup":
      return { kind, ...base, table: c.tableRef(o.table, `${path}.table`) };
    case "add":
      return { kind, ...base, coeffs: c.ints(o.coeffs, `${path}.coeffs`, -BIG, BIG, 64) };
    case "maxpool":
    case "sumpool":
      return { kind, ...base, window: window(c, o.window, `${path}.window`) };
    case "reducemax":
    case "rowsum":
      return { kind, ...base, axis: c.int(o.axis, `${path}.axis`, 0, GRAPH_LIMITS.rank - 1) };
    case "indexmap":
      return { kind, ...base, map: indexMap(c, o.map, `${path}.map`) };
    case "select":
      return { kind, ...base, fill: c.int(o.fill, `${path}.fill`, -BIG, BIG) };
    case "matmul2":
    case "mul":
    case "embed":
      return { kind, ...base };
  }
}

/** Decodes and checks a VK's graph section; throws ArtifactError naming the field. */
export function decodeGraphSpec(bytes: Uint8Array): GraphSpec {
  if (bytes.length > GRAPH_LIMITS.bytes) throw new ArtifactError(`VK graph: ${bytes.length} bytes is over the ${GRAPH_LIMITS.bytes}-byte limit`);
  let text: string, raw: Json;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    raw = JSON.parse(text);
  } catch (e) {
    throw new ArtifactError(`VK graph: not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const pre = new Check();
  const top = pre.obj(raw, "", ["version", "inputs", "outputs", "tensors", "tables", "ops"]);
  if (top.version !== 1) pre.fail("version", `${JSON.stringify(top.version)} is not 1`);
  const tensorList = pre.arr(top.tensors, "tensors", GRAPH_LIMITS.tensors).map((t, i) => tensor(pre, t, `tensors[${i}]`));
  const tableList = pre.arr(top.tables, "tables", GRAPH_LIMITS.tensors).map((t, i) => table(pre, t, `tables[${i}]`));
  const tensors: Record<string, QTensor> = {};
  for (const t of tensorList) {
    if (Object.prototype.hasOwnProperty.call(tensors, t.name)) pre.fail("tensors", `'${t.name}' is defined twice`);
    tensors[t.name] = t;
  }
  const tables: Record<string, QTable> = {};
  for (const [id, t] of tableList) {
    if (Object.prototype.hasOwnProperty.call(tables, id)) pre.fail("tables", `'${id}' is defined twice`);
    tables[id] = t;
  }
  const c = new Check({ tensors: new Set(Object.keys(tensors)), tables: new Set(Object.keys(tables)) });
  const spec: GraphSpec = {
    version: 1,
    inputs: c.arr(top.inputs, "inputs", 64).map((x, i) => c.tensorRef(x, `inputs[${i}]`)),
    outputs: c.arr(top.outputs, "outputs", 64).map((x, i) => c.tensorRef(x, `outputs[${i}]`)),
    tensors,
    tables,
    ops: c.arr(top.ops, "ops", GRAPH_LIMITS.ops).map((x, i) => op(c, x, i)),
  };
  const again = encodeGraphSpec(spec);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new ArtifactError("VK graph: the bytes are not in canonical form (sorted keys, no spaces, shortest numbers); the VK was edited or made by another tool");
  }
  return spec;
}
