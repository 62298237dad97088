// The integer evaluator: runs a quantized graph exactly as the circuit will prove it.
import { QuantError } from "./errors.ts";
import { typeMax, typeMin } from "./fixed.ts";
import { sizeOf } from "../graph/index.ts";
import { indexMapOf } from "./indexmap.ts";
import { broadcast2, conv, dense, exactChunk, matmul2, pool, reduceAxis } from "./kernels.ts";
import type { QGraph, QOp, QTensor } from "./qgraph.ts";

export interface IntRunOptions {
  /** Sees every op's output as it is computed. */
  onOp?: (op: QOp, value: Int32Array) => void;
}

/** Per-graph data derived once: f32 weights for the GEMM kernel, index maps. */
interface Prepared {
  weights: Map<string, Float32Array>;
  maps: Map<QOp, Int32Array>;
  /** Add's, mul's and select's per-element functions (made per run, V8 would compile them again after every major GC). */
  elementwise: Map<QOp, (u: number, v: number) => number>;
}

const prepared = new WeakMap<QGraph, Prepared>();

function prepare(g: QGraph): Prepared {
  let p = prepared.get(g);
  if (!p) {
    p = { weights: new Map(), maps: new Map(), elementwise: new Map() };
    prepared.set(g, p);
  }
  return p;
}

/** A weight as f32: [O, C/g·Πk] for conv, transposed to [K, N] for dense. */
function weightF32(g: QGraph, p: Prepared, name: string, transpose: boolean): Float32Array {
  let w = p.weights.get(name);
  if (!w) {
    const c = constOf(g, name);
    if (transpose) {
      const [N, K] = g.tensors[name]!.shape as [number, number];
      w = new Float32Array(N * K);
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) w[k * N + n] = c[n * K + k]!;
    } else {
      w = Float32Array.from(c);
    }
    p.weights.set(name, w);
  }
  return w;
}

const magnitudeOf = (t: QTensor) => Math.max(-typeMin(t), typeMax(t));

function constOf(g: QGraph, name: string): Int32Array {
  const c = g.consts[name];
  if (!c) throw new QuantError(`tensor ${name} has no data in the quantized graph; re-run the lowering`, { tensor: name });
  return c;
}

/**
 * Runs the graph on integer inputs (one Int32Array per graph input, in its tensor's shape)
 * and returns every tensor computed, by name. Fails on a table input outside its domain
 * (naming the node and the value) unless that table saturates.
 */
export function runInteger(g: QGraph, inputs: Readonly<Record<string, Int32Array>>, options: IntRunOptions = {}): Map<string, Int32Array> {
  const p = prepare(g);
  const values = new Map<string, Int32Array>();
  for (const name of g.inputs) {
    const t = g.tensors[name]!;
    const v = inputs[name];
    if (!v) throw new QuantError(`input ${name} is missing; pass one integer tensor per model input`, { tensor: name });
    if (v.length !== sizeOf(t.shape)) {
      throw new QuantError(`input ${name} has ${v.length} values but its shape [${t.shape}] needs ${sizeOf(t.shape)}`, { tensor: name });
    }
    values.set(name, v);
  }
  const run = new Run(g, values), get = run.get.bind(run), shape = run.shape.bind(run);
  for (const op of g.ops) {
    const y = runOp(g, p, op, get, shape);
    values.set(op.output, y);
    options.onOp?.(op, y);
  }
  return values;
}

/** Values and shapes by name during a run (methods, not closures made per run). */
class Run {
  constructor(private readonly g: QGraph, private readonly values: ReadonlyMap<string, Int32Array>) {}

  get(name: string): Int32Array {
    const v = this.values.get(name) ?? this.g.consts[name];
    if (!v) throw new QuantError(`tensor ${name} is used before it is computed; the quantized graph is out of order`, { tensor: name });
    return v;
  }

  shape(name: string): number[] {
    return this.g.tensors[name]!.shape;
  }
}

function elementwiseOf(p: Prepared, op: Extract<QOp, { kind: "add" | "mul" | "select" }>): (u: number, v: number) => number {
  let f = p.elementwise.get(op);
  if (!f) {
    if (op.kind === "add") {
      const [ca, cb] = op.coeffs as [number, number];
      f = (u, v) => ca * u + cb * v;
    } else if (op.kind === "mul") {
      f = (u, v) => u * v;
    } else {
      const fill = op.fill;
      f = (u, m) => (m ? fill : u);
    }
    p.elementwise.set(op, f);
  }
  return f;
}

function runOp(g: QGraph, p: Prepared, op: QOp, get: (n: string) => Int32Array, shape: (n: string) => number[]): Int32Array {
  const [i0, i1] = op.inputs as [string, string | undefined];
  const yShape = shape(op.output);
  switch (op.kind) {
    case "linear": {
      const conv_ = op.form === "conv";
      const w = weightF32(g, p, i1!, !conv_);
      const bias = op.inputs[2] !== undefined ? constOf(g, op.inputs[2]) : undefined;
      const chunk = exactChunk(magnitudeOf(g.tensors[i0]!), magnitudeOf(g.tensors[i1!]!));
      if (chunk < 1) throw new QuantError(`${op.source}: products of ${i0} and ${i1} reach 2^24; narrow their types`, { node: op.source });
      if (conv_) return conv(get(i0), shape(i0), w, bias, op.group ?? 1, op.window!, yShape, chunk);
      const xs = shape(i0), K = xs[xs.length - 1]!;
      return dense(get(i0), w, bias, sizeOf(xs) / K, K, yShape[yShape.length - 1]!, chunk);
    }
    case "matmul2":
      return matmul2(get(i0), shape(i0), get(i1!), shape(i1!), yShape);
    case "requant":
      return requantAll(get(i0), op.M, op.s, op.lo, op.hi);
    case "lookup":
      return lookup(g, op.table, get(i0), op.source);
    case "add": {
      if (op.inputs.length !== 2) throw new QuantError(`${op.source}: add takes two inputs`, { node: op.source });
      return broadcast2(get(i0), shape(i0), get(i1!), shape(i1!), yShape, elementwiseOf(p, op));
    }
    case "mul":
    case "select":
      return broadcast2(get(i0), shape(i0), get(i1!), shape(i1!), yShape, elementwiseOf(p, op));
    case "maxpool":
      // A window wholly in padding (only inside a split long axis, lower-ops' axisSplit) is the
      // type's least value, as the circuit proves it: below every real candidate after it.
      return pool("max", get(i0), shape(i0), op.window, yShape, typeMin(g.tensors[i0]!));
    case "sumpool":
      return pool("sum", get(i0), shape(i0), op.window, yShape);
    case "reducemax":
      return reduceAxis("max", get(i0), shape(i0), op.axis);
    case "rowsum":
      return reduceAxis("sum", get(i0), shape(i0), op.axis);
    case "indexmap": {
      let map = p.maps.get(op);
      if (!map) {
        map = indexMapOf(op.map, op.inputs.map(shape), yShape, op.source);
        p.maps.set(op, map);
      }
      const src = op.inputs.length === 1 ? get(i0) : concatValues(op.inputs.map(get));
      const y = new Int32Array(map.length);
      for (let i = 0; i < map.length; i++) {
        const j = map[i]!;
        y[i] = j < 0 ? 0 : src[j]!;
      }
      return y;
    }
    case "embed": {
      const ids = get(i0), table = get(i1!), ts = shape(i1!);
      const rows = ts[0]!, D = ts[1]!;
      const y = new Int32Array(ids.length * D);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id < 0 || id >= rows) throw new QuantError(`${op.source}: token id ${id} is outside the table's ${rows} rows; use ids in [0, ${rows})`, { node: op.source, tensor: i0 });
        y.set(table.subarray(id * D, id * D + D), i * D);
      }
      return y;
    }
  }
}

/**
 * `requantize` over a tensor with the powers of two hoisted: multiplying by 2^−s is exact in
 * float64, so floor((x·M + 2^(s−1))·2^−s) is the same integer.
 */
function requantAll(x: Int32Array, M: number, s: number, lo: number, hi: number): Int32Array {
  const y = new Int32Array(x.length);
  const half = s > 0 ? 2 ** (s - 1) : 0, inv = 2 ** -s;
  for (let i = 0; i < x.length; i++) {
    const q = Math.floor((x[i]! * M + half) * inv);
    y[i] = q < lo ? lo : q > hi ? hi : q;
  }
  return y;
}

function concatValues(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function lookup(g: QGraph, id: string, x: Int32Array, node: string): Int32Array {
  const t = g.tables[id];
  if (!t) throw new QuantError(`${node}: table ${id} is missing from the quantized graph`, { node });
  const lo = typeMin(t.input), n = t.values.length;
  const y = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let j = x[i]! - lo;
    if (j < 0 || j >= n) {
      if (!t.saturate) {
        throw new QuantError(`${node}: value ${x[i]} is outside the domain [${lo}, ${lo + n - 1}] of table ${id}; widen the table's input or let the plan saturate it`, { node });
      }
      j = j < 0 ? 0 : n - 1;
    }
    y[i] = t.values[j]!;
  }
  return y;
}
