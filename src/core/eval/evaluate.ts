// Runs a loaded graph on inputs with the float kernels of graph/ops, freeing each
// intermediate after its last use.
import { Attrs, GraphError, opDef, type Graph, type GraphNode, type Tensor } from "../graph/index.ts";
import { EvalError } from "./errors.ts";
import { coerceInput, type InputTensor } from "./inputs.ts";

export interface EvaluateOptions {
  /**
   * Called after each node with its outputs (in node.outputs order; undefined for omitted
   * optional outputs). Tensors are never mutated afterwards, so keeping them is safe.
   */
  onNode?: (node: GraphNode, outputs: readonly (Tensor | undefined)[]) => void;
}

/** Evaluates `graph` on `inputs` (by input name); returns every graph output by name. */
export function evaluate(
  graph: Graph, inputs: Readonly<Record<string, InputTensor>>, options: EvaluateOptions = {},
): Record<string, Tensor> {
  const values = new Map<string, Tensor>(graph.constants);
  for (const name of Object.keys(inputs)) {
    if (!graph.inputs.some((i) => i.name === name)) {
      throw new EvalError(`the graph has no input ${name}; its inputs are ${graph.inputs.map((i) => i.name).join(", ") || "(none)"}`, { tensor: name });
    }
  }
  for (const info of graph.inputs) {
    if (!Object.hasOwn(inputs, info.name)) throw new EvalError(`input ${info.name} is missing`, { tensor: info.name });
    values.set(info.name, coerceInput(info, inputs[info.name]!));
  }
  const lastUse = lastUses(graph);
  graph.nodes.forEach((node, step) => {
    const outs = runNode(graph, node, values);
    node.outputs.forEach((name, k) => { if (name) values.set(name, outs[k]!); });
    options.onNode?.(node, node.outputs.map((name, k) => (name ? outs[k] : undefined)));
    for (const name of node.inputs) {
      if (name && lastUse.get(name) === step && !graph.constants.has(name)) values.delete(name);
    }
  });
  const result: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const o of graph.outputs) result[o.name] = values.get(o.name)!;
  return result;
}

function runNode(graph: Graph, node: GraphNode, values: Map<string, Tensor>): Tensor[] {
  const def = opDef(node.domain, node.opType);
  if (!def) throw new EvalError(`node ${node.id} has unsupported op ${node.opType}`, { node: node.id });
  const inputs = node.inputs.map((name) => (name ? values.get(name) : undefined));
  let outs: Tensor[];
  try {
    outs = def.run({ node: node.id, opset: graph.opset, attrs: new Attrs(node.attributes, node.id), inputs, nOutputs: node.outputs.length });
  } catch (e) {
    if (e instanceof GraphError || e instanceof RangeError) {
      throw new EvalError(`node ${node.id} (${node.opType}) failed: ${e.message.replace(/^graph: /, "")}`, { node: node.id });
    }
    throw e;
  }
  node.outputs.forEach((name, k) => {
    const info = name ? graph.tensors.get(name) : undefined;
    const t = outs[k];
    if (info && (!t || t.dtype !== info.dtype || t.shape.length !== info.shape.length || t.shape.some((d, i) => d !== info.shape[i]))) {
      throw new EvalError(`node ${node.id} (${node.opType}) produced ${name} unlike its inferred type and shape; report this model`, { node: node.id });
    }
  });
  return outs;
}

/** For each non-output value, the index of the last node that reads it. */
function lastUses(graph: Graph): Map<string, number> {
  const last = new Map<string, number>();
  graph.nodes.forEach((n, i) => { for (const x of n.inputs) if (x) last.set(x, i); });
  for (const o of graph.outputs) last.delete(o.name);
  return last;
}
