// Parses and lays out models off the main thread (comlink). Pure core functions do the work.
import * as Comlink from "comlink";
import { decodeModel, summarize } from "../src/core/onnx/index.ts";
import { layoutGraph, toViewGraph, type ViewGraph } from "../src/core/view/index.ts";
import type { ModelSummary } from "../src/core/onnx/index.ts";

export interface OpenedModel {
  summary: ModelSummary;
  graph: ViewGraph;
}

export type OpenResult = { ok: true; model: OpenedModel } | { ok: false; error: string };

const api = {
  /** Decodes and lays out a model. Errors come back as data: the worker never dies on bad input. */
  open(bytes: Uint8Array, fileName: string): OpenResult {
    try {
      const model = decodeModel(bytes);
      const graph = layoutGraph(toViewGraph(model));
      const summary = summarize(model);
      return { ok: true, model: { summary: { ...summary, name: summary.name || fileName }, graph } };
    } catch (e) {
      return { ok: false, error: `${fileName}: ${(e as Error).message}` };
    }
  },
};

export type ModelWorkerApi = typeof api;
Comlink.expose(api);
