// loadGraph: decoded ONNX model → graph IR with concrete shapes, constants folded, dead
// nodes removed, nodes in topological order.
import { MAX_TENSOR_ELEMENTS, type OnnxModel, type OnnxNode, type ValueInfo } from "../onnx/index.ts";
import { Attrs } from "./attrs.ts";
import { GraphError } from "./errors.ts";
import { opDef, type OpDef, type OutMeta, type ValueMeta } from "./ops/index.ts";
import { bytesPerElement, fromTensorData, sizeOf, type Tensor } from "./tensor.ts";
import type { Graph, GraphNode, TensorInfo } from "./types.ts";

/** Opsets of the default domain this front end knows. */
export const MIN_OPSET = 1;
export const MAX_OPSET = 22;

/** Default bound on the memory a graph may need (constants plus every intermediate). */
export const DEFAULT_MAX_BYTES = 2 ** 31;

export interface LoadOptions {
  /** Values of symbolic dimensions; a leading (batch) symbol defaults to 1. */
  dims?: Readonly<Record<string, number>>;
  /** Refuse graphs whose tensors together need more bytes than this. */
  maxBytes?: number;
  /**
   * Values fixed at load for some graph inputs (e.g. a shape or axes fed as an input): they
   * become constants and fold like initializers.
   */
  constants?: Readonly<Record<string, Tensor>>;
}

export function loadGraph(model: OnnxModel, options: LoadOptions = {}): Graph {
  const g = model.graph;
  const opset = model.opsets[""] ?? model.opsets["ai.onnx"];
  if (opset === undefined) throw new GraphError("the model imports no ai.onnx opset; re-export it with a standard opset");
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new GraphError(`the model uses ai.onnx opset ${opset}; this front end supports opsets ${MIN_OPSET}–${MAX_OPSET}: re-export with one of them`);
  }
  const nodes = withStableIds(g.nodes);
  const defs = checkOps(nodes);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const budget = { used: 0, max: maxBytes };

  const constants = new Map<string, Tensor>();
  for (const t of g.initializers) {
    if (!t.name) throw new GraphError("an initializer has no name; fix the model");
    const c = fromTensorData(t);
    checkDims(c.shape, `initializer ${t.name}`, { tensor: t.name });
    constants.set(t.name, c);
    charge(budget, c, `initializer ${t.name}`);
  }
  const dims: Record<string, number> = {};
  const metas = new Map<string, ValueMeta>();
  for (const [name, c] of constants) metas.set(name, { dtype: c.dtype, shape: c.shape, value: c });

  const inputs: TensorInfo[] = [];
  const fixed = options.constants ?? {};
  for (const v of g.inputs) {
    if (constants.has(v.name)) continue;
    const info = bindInput(v, options.dims ?? {}, dims);
    if (Object.hasOwn(fixed, v.name)) {
      const c = fixed[v.name]!;
      if (c.dtype !== info.dtype || c.shape.join(",") !== info.shape.join(",") || c.data.length !== sizeOf(c.shape)) {
        throw new GraphError(`the value given for input ${v.name} is not ${info.dtype} [${info.shape.join(",")}]`, { tensor: v.name });
      }
      constants.set(v.name, c);
      metas.set(v.name, { dtype: c.dtype, shape: c.shape, value: c });
      continue;
    }
    inputs.push(info);
    metas.set(v.name, { dtype: info.dtype, shape: info.shape });
    charge(budget, info, `input ${v.name}`);
  }

  const order = topoSort(nodes, new Set(metas.keys()));
  const live: GraphNode[] = [];
  for (const i of order) {
    const node = nodes[i]!;
    const def = defs[i]!;
    const ins = node.inputs.map((name) => (name === "" ? undefined : metas.get(name)!));
    const attrs = new Attrs(node.attributes, node.id);
    const ctx = { node: node.id, opset, attrs, nOutputs: node.outputs.length };
    const outs = guard(node, () => def.infer({ ...ctx, inputs: ins }));
    if (outs.length < node.outputs.filter((o) => o !== "").length) {
      throw new GraphError(`node ${node.id} (${node.opType}) declares ${node.outputs.length} outputs but the op makes ${outs.length}; fix the model`, { node: node.id });
    }
    node.outputs.forEach((name, k) => { if (name) checkDims(outs[k]!.shape, `output ${name} of node ${node.id}`, { node: node.id, tensor: name }); });
    // Shape/Size need only shapes; anything else folds when every input it has is constant.
    if (def.shapeOnly || ins.every((m) => m === undefined || m.value !== undefined)) {
      const values = fold(node, def, ctx, ins, outs, budget);
      node.outputs.forEach((name, k) => {
        if (!name) return;
        constants.set(name, values[k]!);
        metas.set(name, { dtype: values[k]!.dtype, shape: values[k]!.shape, value: values[k]! });
      });
    } else {
      node.outputs.forEach((name, k) => {
        if (!name) return;
        metas.set(name, outs[k]!);
        charge(budget, outs[k]!, `output ${name} of node ${node.id}`);
      });
      live.push(node);
    }
  }

  const outputs = g.outputs.map((v) => checkOutput(v, metas));
  return prune(g.name, opset, live, outputs, inputs, constants, metas, dims);
}

/**
 * The symbolic dimensions implied by concrete input shapes (e.g. of a test or calibration
 * tensor), to pass as `dims` to loadGraph.
 */
export function dimsFromShapes(model: OnnxModel, shapes: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const v of model.graph.inputs) {
    const given = Object.hasOwn(shapes, v.name) ? shapes[v.name] : undefined;
    if (!given || !v.shape) continue;
    v.shape.forEach((d, i) => {
      if (typeof d === "number" || given[i] === undefined) return;
      dims[d.startsWith("?") ? `${v.name}[${i}]` : d] = given[i]!;
    });
  }
  return dims;
}

/** Node names made unique: a repeated name gets `#2`, `#3`… in file order. */
function withStableIds(nodes: OnnxNode[]): GraphNode[] {
  const seen = new Map<string, number>();
  return nodes.map((n) => {
    const k = (seen.get(n.name) ?? 0) + 1;
    seen.set(n.name, k);
    return {
      id: k === 1 ? n.name : `${n.name}#${k}`,
      opType: n.opType, domain: n.domain, inputs: n.inputs, outputs: n.outputs, attributes: n.attributes,
    };
  });
}

/** Every node's op definition, or one error listing all unsupported nodes. */
function checkOps(nodes: GraphNode[]): OpDef[] {
  const missing: string[] = [];
  const defs = nodes.map((n) => {
    const d = opDef(n.domain, n.opType);
    if (!d) missing.push(`${n.id} (${n.domain && n.domain !== "ai.onnx" ? `${n.domain}:` : ""}${n.opType})`);
    return d;
  });
  if (missing.length > 0) {
    const ops = [...new Set(missing.map((m) => m.slice(m.lastIndexOf("(") + 1, -1)))];
    throw new GraphError(
      `unsupported ops ${ops.join(", ")} at ${missing.length} node(s): ${missing.slice(0, 20).join(", ")}` +
        `${missing.length > 20 ? ", …" : ""}; replace them or export the model with supported ops`,
      { node: missing[0], ops },
    );
  }
  return defs as OpDef[];
}

function checkDims(shape: number[], what: string, where: { node?: string; tensor?: string }): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new GraphError(`${what} has dimension ${d}; dimensions must be non-negative integers`, where);
  }
  const n = sizeOf(shape);
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new GraphError(`${what} would hold ${n} elements, over the limit of ${MAX_TENSOR_ELEMENTS}; check the model's shapes`, where);
  }
}

function charge(budget: { used: number; max: number }, t: { dtype: TensorInfo["dtype"]; shape: number[] }, what: string): void {
  budget.used += sizeOf(t.shape) * bytesPerElement(t.dtype);
  if (budget.used > budget.max) {
    const mb = (b: number) => `${Math.ceil(b / 2 ** 20)} MiB`;
    throw new GraphError(`the model needs more than ${mb(budget.max)} (at ${what}); raise maxBytes or use a smaller model`);
  }
}

function bindInput(v: ValueInfo, given: Readonly<Record<string, number>>, bound: Record<string, number>): TensorInfo {
  if (!v.dtype) throw new GraphError(`input ${v.name} has no tensor type; only tensor inputs are supported`, { tensor: v.name });
  if (!v.shape) throw new GraphError(`input ${v.name} has no shape; re-export the model with input shapes`, { tensor: v.name });
  const shape = v.shape.map((d, i) => {
    if (typeof d === "number") return d;
    const sym = d.startsWith("?") ? `${v.name}[${i}]` : d;
    const value = Object.hasOwn(given, sym) ? given[sym] : i === 0 ? 1 : undefined;
    if (value === undefined) {
      throw new GraphError(`dimension ${i} of input ${v.name} is symbolic ('${sym}'); give its size, e.g. dims: { "${sym}": 8 }`, { tensor: v.name });
    }
    if (!Number.isSafeInteger(value) || value < 0) throw new GraphError(`dimension '${sym}' = ${value} is not a non-negative integer`, { tensor: v.name });
    if (Object.hasOwn(bound, sym) && bound[sym] !== value) throw new GraphError(`dimension '${sym}' bound to both ${bound[sym]} and ${value}`, { tensor: v.name });
    bound[sym] = value;
    return value;
  });
  checkDims(shape, `input ${v.name}`, { tensor: v.name });
  return { name: v.name, dtype: v.dtype, shape };
}

/**
 * Kahn's algorithm, keeping file order among ready nodes. Fails on a value produced twice, an
 * input nobody produces, or a cycle, naming the nodes.
 */
function topoSort(nodes: GraphNode[], known: Set<string>): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (!o) continue;
      if (producer.has(o) || known.has(o)) {
        throw new GraphError(`value ${o} is produced twice (by node ${n.id} and earlier); fix the model`, { node: n.id, tensor: o });
      }
      producer.set(o, i);
    }
  });
  const waiting = new Array<number>(nodes.length).fill(0);
  const users = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    for (const name of n.inputs) {
      if (name === "" || known.has(name)) continue;
      const p = producer.get(name);
      if (p === undefined) {
        throw new GraphError(`node ${n.id} reads ${name}, which is no input, initializer or node output; supply it or fix the model`, { node: n.id, tensor: name });
      }
      waiting[i]!++;
      const list = users.get(p) ?? [];
      list.push(i);
      users.set(p, list);
    }
  });
  const order: number[] = [];
  // a min-heap would be more efficient; a sorted ready list keeps file order and is fast enough
  let ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  while (ready.length > 0) {
    const next: number[] = [];
    for (const i of ready) {
      order.push(i);
      for (const u of users.get(i) ?? []) if (--waiting[u]! === 0) next.push(u);
    }
    ready = next.sort((a, b) => a - b);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.filter((_, i) => waiting[i]! > 0).map((n) => n.id);
    throw new GraphError(`the graph has a cycle through node(s) ${stuck.slice(0, 10).join(", ")}; ONNX graphs must be acyclic`, { node: stuck[0] });
  }
  return order;
}

/** Runs an op on constant inputs at load time. */
function fold(
  node: GraphNode, def: OpDef, ctx: { node: string; opset: number; attrs: Attrs; nOutputs: number },
  ins: (ValueMeta | undefined)[], outs: OutMeta[], budget: { used: number; max: number },
): Tensor[] {
  node.outputs.forEach((name, k) => { if (name) charge(budget, outs[k]!, `output ${name} of node ${node.id}`); });
  // Shape-only ops see placeholder tensors: they read shapes, never data.
  const tensors = ins.map((m) => (m === undefined ? undefined : m.value ?? { dtype: m.dtype, shape: m.shape, data: new Float32Array(0) }));
  const values = guard(node, () => def.run({ ...ctx, inputs: tensors }));
  node.outputs.forEach((name, k) => {
    const v = values[k];
    if (name && (!v || v.shape.length !== outs[k]!.shape.length || v.shape.some((d, i) => d !== outs[k]!.shape[i]))) {
      throw new GraphError(`node ${node.id} (${node.opType}): folded value of ${name} does not match its inferred shape; report this model`, { node: node.id });
    }
  });
  return values;
}

/** Runs an op callback; turns an allocation failure into a GraphError naming the node. */
function guard<T>(node: GraphNode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new GraphError(`node ${node.id} (${node.opType}): ${e.message}; check the model's shapes`, { node: node.id });
    }
    throw e;
  }
}

function checkOutput(v: ValueInfo, metas: Map<string, ValueMeta>): TensorInfo {
  const m = metas.get(v.name);
  if (!m) throw new GraphError(`graph output ${v.name} is computed by no node; fix the model`, { tensor: v.name });
  if (v.dtype && v.dtype !== m.dtype) {
    throw new GraphError(`graph output ${v.name} is declared ${v.dtype} but computes ${m.dtype}; fix the model`, { tensor: v.name });
  }
  if (v.shape && v.shape.length === m.shape.length && v.shape.some((d, i) => typeof d === "number" && d !== m.shape[i])) {
    throw new GraphError(
      `graph output ${v.name} is declared [${v.shape.join(",")}] but computes [${m.shape.join(",")}]; fix the model or its input shapes`,
      { tensor: v.name },
    );
  }
  return { name: v.name, dtype: m.dtype, shape: m.shape };
}

/** Keeps the nodes the outputs depend on, and the constants those nodes or outputs read. */
function prune(
  name: string, opset: number, live: GraphNode[], outputs: TensorInfo[], inputs: TensorInfo[],
  constants: Map<string, Tensor>, metas: Map<string, ValueMeta>, dims: Record<string, number>,
): Graph {
  const needed = new Set(outputs.map((o) => o.name));
  const kept: GraphNode[] = [];
  for (let i = live.length - 1; i >= 0; i--) {
    const n = live[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const x of n.inputs) if (x) needed.add(x);
  }
  kept.reverse();
  const usedConstants = new Map<string, Tensor>();
  for (const [k, v] of constants) if (needed.has(k)) usedConstants.set(k, v);
  const tensors = new Map<string, TensorInfo>();
  const add = (n: string) => {
    const m = metas.get(n);
    if (n && m) tensors.set(n, { name: n, dtype: m.dtype, shape: m.shape });
  };
  for (const i of inputs) add(i.name);
  for (const k of usedConstants.keys()) add(k);
  for (const n of kept) n.outputs.forEach(add);
  return { name, opset, nodes: kept, tensors, constants: usedConstants, inputs, outputs, dims };
}
