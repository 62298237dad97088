import type { OnnxModel, ValueInfo } from "./types.ts";

export interface ModelSummary {
  name: string;
  producer: string;
  irVersion: number;
  opset: number;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  parameters: number;
  nodeCount: number;
  opHistogram: Record<string, number>;
}

export function summarize(model: OnnxModel): ModelSummary {
  const g = model.graph;
  const inits = new Set(g.initializers.map((t) => t.name));
  const opHistogram: Record<string, number> = {};
  for (const n of g.nodes) opHistogram[n.opType] = (opHistogram[n.opType] ?? 0) + 1;
  const sorted = Object.fromEntries(Object.entries(opHistogram).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return {
    name: g.name,
    producer: model.producer,
    irVersion: model.irVersion,
    opset: model.opsets[""] ?? model.opsets["ai.onnx"] ?? 0,
    inputs: g.inputs.filter((v) => !inits.has(v.name)),
    outputs: g.outputs,
    parameters: g.initializers.reduce((s, t) => s + t.dims.reduce((a, d) => a * d, 1), 0),
    nodeCount: g.nodes.length,
    opHistogram: sorted,
  };
}
