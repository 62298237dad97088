// The graph as the canvas draws it: nodes with op and name, edges with the tensor's shape.
import type { OnnxModel, Dim } from "../onnx/index.ts";

export type OpFamily = "linear" | "lookup" | "norm" | "pool" | "shape" | "arith" | "io" | "other";

export interface ViewNode {
  id: string;
  op: string;
  name: string;
  family: OpFamily;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, string>;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  tensor: string;
  label: string;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
}

const FAMILIES: Record<string, OpFamily> = {};
const add = (f: OpFamily, ops: string) => ops.split(" ").forEach((o) => (FAMILIES[o] = f));
add("linear", "Conv ConvTranspose Gemm MatMul");
add("lookup", "Relu LeakyRelu Sigmoid Tanh Erf Gelu Exp Log Reciprocal Sqrt Clip Softplus HardSigmoid");
add("norm", "LayerNormalization Softmax LogSoftmax BatchNormalization LRN InstanceNormalization");
add("pool", "MaxPool AveragePool GlobalAveragePool GlobalMaxPool ReduceMean ReduceSum ReduceMax");
add("shape", "Reshape Transpose Flatten Concat Squeeze Unsqueeze Split Slice Gather Shape Constant ConstantOfShape Identity Expand Tile Pad Cast Range Dropout Where");
add("arith", "Add Sub Mul Div Pow Neg Abs Equal Less Greater");

export function opFamily(op: string): OpFamily {
  return FAMILIES[op] ?? "other";
}

const fmtShape = (s: Dim[] | undefined) => (s ? `[${s.join(",")}]` : "");

function attrText(a: OnnxModel["graph"]["nodes"][number]["attributes"][string]): string {
  switch (a.kind) {
    case "floats": case "ints": case "strings": return `[${a.value.join(", ")}]`;
    case "tensor": return `tensor ${a.value.dtype}[${a.value.dims.join(",")}]`;
    case "graph": return "subgraph";
    default: return String(a.value);
  }
}

/** Builds the drawable graph: one node per ONNX node plus graph inputs and outputs. */
export function toViewGraph(model: OnnxModel): ViewGraph {
  const g = model.graph;
  const inits = new Set(g.initializers.map((t) => t.name));
  const shapes = new Map<string, string>();
  for (const v of [...g.inputs, ...g.valueInfo, ...g.outputs]) shapes.set(v.name, fmtShape(v.shape));
  for (const t of g.initializers) shapes.set(t.name, fmtShape(t.dims));
  const producer = new Map<string, string>();
  const nodes: ViewNode[] = [];
  const mk = (id: string, op: string, name: string, family: OpFamily, inputs: string[], outputs: string[], attributes: Record<string, string> = {}) =>
    nodes.push({ id, op, name, family, inputs, outputs, attributes, x: 0, y: 0, width: 0, height: 0 });
  for (const v of g.inputs) {
    if (inits.has(v.name)) continue;
    producer.set(v.name, `in:${v.name}`);
    mk(`in:${v.name}`, "Input", v.name, "io", [], [v.name]);
  }
  const seen = new Set<string>();
  g.nodes.forEach((n, i) => {
    let id = n.name;
    if (seen.has(id)) id = `${id}#${i}`;
    seen.add(id);
    for (const o of n.outputs) producer.set(o, id);
    mk(id, n.opType, n.name, opFamily(n.opType), n.inputs, n.outputs,
      Object.fromEntries(Object.entries(n.attributes).map(([k, v]) => [k, attrText(v)])));
  });
  for (const v of g.outputs) mk(`out:${v.name}`, "Output", v.name, "io", [v.name], []);
  const edges: ViewEdge[] = [];
  for (const n of nodes) {
    for (const t of n.inputs) {
      const src = producer.get(t);
      if (!src) continue; // initializers and absent optional inputs are not drawn as edges
      edges.push({ id: `${src}->${n.id}:${t}`, source: src, target: n.id, tensor: t, label: shapes.get(t) ?? "" });
    }
  }
  return { nodes, edges };
}
