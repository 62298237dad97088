// Parses models off the main thread (comlink): the view graph from the graph IR, or from the
// raw ONNX nodes when the front end rejects the model (its reason shown, the culprits marked).
// Keeps the last graph so the inspector can ask for weight statistics.
import * as Comlink from "comlink";
import { decodeModel, summarize, type ModelSummary } from "../src/core/onnx/index.ts";
import { GraphError, loadGraph, type Graph } from "../src/core/graph/index.ts";
import { macsPerSample, quantizableOps } from "../src/core/quant/index.ts";
import { valueStats, viewFromGraph, viewFromOnnx, type NodeIssue, type ValueStats, type ViewGraph } from "../src/core/view/index.ts";

export interface OpenedModel {
  summary: ModelSummary;
  view: ViewGraph;
  loadError: string | null;
  /** Multiply-adds of one inference (absent when the graph did not load). */
  macsPerSample?: number;
}

export type OpenResult = { ok: true; model: OpenedModel } | { ok: false; error: string };

let current: Graph | null = null;

const api = {
  /** Decodes a model. Errors come back as data: the worker never dies on bad input. */
  open(bytes: Uint8Array, fileName: string): OpenResult {
    let model;
    try {
      model = decodeModel(bytes);
    } catch (e) {
      return { ok: false, error: `${fileName}: ${(e as Error).message}` };
    }
    const summary = { ...summarize(model), name: summarize(model).name || fileName };
    try {
      const graph = loadGraph(model);
      current = graph;
      const quantizable = new Set(quantizableOps());
      const issues = new Map<string, NodeIssue>();
      for (const n of graph.nodes) {
        if (!quantizable.has(n.opType)) issues.set(n.id, { level: "error", reason: `${n.opType} cannot be quantized yet: the model can be viewed and run in float, not proved` });
      }
      return { ok: true, model: { summary, view: viewFromGraph(graph, model.graph.nodes.length, issues), loadError: null, macsPerSample: macsPerSample(graph) } };
    } catch (e) {
      current = null;
      const msg = (e as Error).message;
      const issues = new Map<string, NodeIssue>();
      if (e instanceof GraphError) {
        for (const op of e.where.ops ?? []) issues.set(op, { level: "error", reason: `${op} is not supported: ${msg}` });
        if (e.where.node) issues.set(e.where.node, { level: "error", reason: msg });
      }
      return { ok: true, model: { summary, view: viewFromOnnx(model, issues), loadError: msg } };
    }
  },

  /** Statistics and histogram of a constant tensor of the last model opened. */
  weightStats(name: string): ValueStats | null {
    const t = current?.constants.get(name);
    if (!t || t.data instanceof Array) return null;
    return valueStats(t.data as ArrayLike<number>);
  },
};

export type ModelWorkerApi = typeof api;
Comlink.expose(api);
