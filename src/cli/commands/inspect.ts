import { parseArgs } from "node:util";
import { GraphError, loadGraph, opDef, type Graph, type TensorInfo } from "../../core/graph/index.ts";
import { decodeModel, summarize, type Dim, type OnnxModel } from "../../core/onnx/index.ts";
import { macsPerSample, quantizableOps } from "../../core/quant/index.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { parseDims } from "./run.ts";
import { USAGE } from "../usage.ts";
import { formatCount } from "../../core/view/index.ts";

export const usage = USAGE.inspect;

interface NodeView {
  id: string;
  op: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** Nodes whose op this front end cannot evaluate, by node name. */
function unsupportedNodes(model: OnnxModel): { node: string; op: string }[] {
  return model.graph.nodes
    .filter((n) => !opDef(n.domain, n.opType))
    .map((n) => ({ node: n.name, op: n.domain && n.domain !== "ai.onnx" ? `${n.domain}:${n.opType}` : n.opType }));
}

/** Op types of the loaded graph the quantizer has no lowering for (calibration would stop at them), with their node counts. */
function unlowered(g: Graph): Record<string, number> {
  const known = new Set(quantizableOps()), out: Record<string, number> = {};
  for (const n of g.nodes) if (!known.has(n.opType)) out[n.opType] = (out[n.opType] ?? 0) + 1;
  return out;
}

function nodeViews(g: Graph): NodeView[] {
  const info = (name: string): TensorInfo => g.tensors.get(name) ?? { name, dtype: "float32", shape: [] };
  return g.nodes.map((n) => ({
    id: n.id,
    op: n.opType,
    inputs: n.inputs.filter((x) => x !== "").map(info),
    outputs: n.outputs.filter((x) => x !== "").map(info),
  }));
}

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, dim: { type: "string", multiple: true } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new CliError(`usage: ${usage}`, 2);
  const model = decodeModel(readInput(path, "model"));
  const s = summarize(model);
  const unsupported = unsupportedNodes(model);
  let graph: Graph | undefined;
  let graphError: string | undefined;
  if (unsupported.length === 0) {
    try {
      graph = loadGraph(model, { dims: parseDims(values.dim ?? []) });
    } catch (e) {
      if (!(e instanceof GraphError)) throw e;
      graphError = e.message;
    }
  }
  const nodes = graph ? nodeViews(graph) : [];
  const notLowered = graph ? unlowered(graph) : {};
  if (values.json) {
    io.out(JSON.stringify({ ...s, unsupported, graphError, folded: graph ? s.nodeCount - graph.nodes.length : undefined, notLowered, nodes, ...(graph ? { macsPerSample: macsPerSample(graph) } : {}) }));
    return 0;
  }
  const shape = (d: readonly Dim[] | undefined) => (d ? `[${d.join(",")}]` : "[?]");
  io.out(`model      ${s.name || "(unnamed)"}  (${s.producer || "unknown producer"}, IR v${s.irVersion}, opset ${s.opset})`);
  for (const v of s.inputs) io.out(`input      ${v.name}  ${v.dtype ?? "?"} ${shape(v.shape)}`);
  for (const v of s.outputs) io.out(`output     ${v.name}  ${v.dtype ?? "?"} ${shape(v.shape)}`);
  io.out(`parameters ${s.parameters.toLocaleString("en-US")}`);
  io.out(`nodes      ${s.nodeCount}`);
  // The work of one inference: what calibration, accuracy and the prover scale with.
  if (graph) io.out(`compute    ${formatCount(macsPerSample(graph))} multiply-adds per sample (convolutions and matmuls)`);
  io.out("ops");
  for (const [op, n] of Object.entries(s.opHistogram)) io.out(`  ${op.padEnd(24)} ${n}`);
  if (unsupported.length > 0) {
    io.out(`unsupported ops at ${unsupported.length} node(s):`);
    for (const u of unsupported) io.out(`  ${u.node.padEnd(32)} ${u.op}`);
    return 0;
  }
  if (graphError) {
    io.out(`graph      cannot be loaded: ${graphError}`);
    return 0;
  }
  io.out(`graph      ${graph!.nodes.length} nodes after folding ${s.nodeCount - graph!.nodes.length} constant node(s)`);
  const missing = Object.entries(notLowered);
  if (missing.length > 0) io.out(`not provable yet (no integer lowering, calibration would stop there): ${missing.map(([op, n]) => `${op} ×${n}`).join(", ")}`);
  const fmt = (ts: TensorInfo[]) => ts.map((t) => `[${t.shape.join(",")}]`).join(" ");
  for (const n of nodes) io.out(`  ${n.id.padEnd(32)} ${n.op.padEnd(20)} ${fmt(n.inputs)} -> ${fmt(n.outputs)}`);
  return 0;
}
