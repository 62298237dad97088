// The graph as the canvas draws it: nodes with op, name and name scope, edges with the tensor's
// shape and dtype. Built from the graph IR (constants folded, every shape inferred) when the
// model loads; from the raw ONNX nodes (value_info shapes only) when it does not, so a model
// with an unsupported op is still drawn, with that op marked.
import type { AttrValue, Dim, OnnxModel } from "../onnx/index.ts";
import type { Graph } from "../graph/index.ts";
import { opFamily, type OpFamily } from "./families.ts";
import { scopeOf } from "./scopes.ts";

/** Why a node cannot go through the pipeline (shown in red, reason on hover). */
export interface NodeIssue {
  level: "error" | "warning";
  reason: string;
}

export interface ViewNode {
  id: string;
  op: string;
  name: string;
  family: OpFamily;
  /** Name scope: "/layer1/conv/Conv" → ["layer1", "conv"]. */
  scope: string[];
  inputs: string[];
  outputs: string[];
  /** Constant inputs (weights, biases, folded values): name and shape. */
  weights: { name: string; shape: number[] }[];
  attributes: Record<string, string>;
  issue?: NodeIssue;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  tensor: string;
  /** "[1,64,16,16]" (empty when unknown). */
  shape: string;
  dtype: string;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** "ir": shapes inferred, constants folded; "onnx": raw nodes (the model did not load). */
  source: "ir" | "onnx";
  /** ONNX nodes folded into constants at load (shown in the model summary). */
  folded: number;
}

const fmtShape = (s: readonly Dim[] | undefined) => (s ? `[${s.join(",")}]` : "");

export function attrText(a: AttrValue): string {
  switch (a.kind) {
    case "floats": case "ints": case "strings": return `[${a.value.join(", ")}]`;
    case "tensor": return `tensor ${a.value.dtype}[${a.value.dims.join(",")}]`;
    case "graph": return "subgraph";
    default: return String(a.value);
  }
}

interface Proto {
  id: string; op: string; name: string; inputs: string[]; outputs: string[];
  attributes: Readonly<Record<string, AttrValue>>;
}

function build(
  protos: Proto[], graphInputs: string[], graphOutputs: string[],
  info: (tensor: string) => { shape: string; dtype: string } | undefined,
  constShape: (tensor: string) => number[] | undefined,
  issues: ReadonlyMap<string, NodeIssue>, source: ViewGraph["source"], folded: number,
): ViewGraph {
  const producer = new Map<string, string>();
  const nodes: ViewNode[] = [];
  const io = (id: string, op: string, name: string, inputs: string[], outputs: string[]) =>
    nodes.push({ id, op, name, family: "io", scope: [], inputs, outputs, weights: [], attributes: {} });
  for (const t of graphInputs) {
    producer.set(t, `in:${t}`);
    io(`in:${t}`, "Input", t, [], [t]);
  }
  for (const p of protos) {
    for (const o of p.outputs) producer.set(o, p.id);
    const weights = p.inputs.flatMap((t) => {
      const s = t ? constShape(t) : undefined;
      return s ? [{ name: t, shape: s }] : [];
    });
    const issue = issues.get(p.id) ?? issues.get(p.op);
    nodes.push({
      id: p.id, op: p.op, name: p.name, family: opFamily(p.op), scope: scopeOf(p.name), inputs: p.inputs, outputs: p.outputs,
      weights, attributes: Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, attrText(v)])),
      ...(issue ? { issue } : {}),
    });
  }
  for (const t of graphOutputs) io(`out:${t}`, "Output", t, [t], []);
  const edges: ViewEdge[] = [];
  for (const n of nodes) {
    for (const t of n.inputs) {
      const src = t ? producer.get(t) : undefined;
      if (!src) continue; // constants and absent optional inputs are not drawn as edges
      const i = info(t);
      edges.push({ id: `${src}->${n.id}:${t}`, source: src, target: n.id, tensor: t, shape: i?.shape ?? "", dtype: i?.dtype ?? "" });
    }
  }
  return { nodes, edges, source, folded };
}

/** The view of a loaded graph IR: every edge has its inferred shape. */
export function viewFromGraph(graph: Graph, onnxNodeCount: number, issues: ReadonlyMap<string, NodeIssue> = new Map()): ViewGraph {
  return build(
    graph.nodes.map((n) => ({ id: n.id, op: n.opType, name: n.id, inputs: n.inputs, outputs: n.outputs, attributes: n.attributes })),
    graph.inputs.map((v) => v.name), graph.outputs.map((v) => v.name),
    (t) => {
      const v = graph.tensors.get(t);
      return v && { shape: fmtShape(v.shape), dtype: v.dtype };
    },
    (t) => graph.constants.get(t)?.shape,
    issues, "ir", Math.max(0, onnxNodeCount - graph.nodes.length),
  );
}

/** The view of the raw ONNX nodes, for a model the graph front end rejected. */
export function viewFromOnnx(model: OnnxModel, issues: ReadonlyMap<string, NodeIssue> = new Map()): ViewGraph {
  const g = model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t.dims]));
  const known = new Map<string, { shape: string; dtype: string }>();
  for (const v of [...g.inputs, ...g.valueInfo, ...g.outputs]) known.set(v.name, { shape: fmtShape(v.shape), dtype: v.dtype ?? "" });
  const seen = new Set<string>();
  return build(
    g.nodes.map((n, i) => {
      let id = n.name || `${n.opType}_${i}`;
      if (seen.has(id)) id = `${id}#${i}`;
      seen.add(id);
      return { id, op: n.opType, name: n.name || id, inputs: n.inputs, outputs: n.outputs, attributes: n.attributes };
    }),
    g.inputs.filter((v) => !inits.has(v.name)).map((v) => v.name), g.outputs.map((v) => v.name),
    (t) => known.get(t), (t) => inits.get(t), issues, "onnx", 0,
  );
}
