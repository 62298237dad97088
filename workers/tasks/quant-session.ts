// What the calibration worker does, as plain functions over a loaded model: calibrate with
// progress, apply edits, measure accuracy, per-node costs and issues, predictions for one
// input, table curves. Everything the UI shows comes from the real core.
import { decodeModel } from "../../src/core/onnx/index.ts";
import { loadGraph, type Graph, type Tensor } from "../../src/core/graph/index.ts";
import { evaluate } from "../../src/core/eval/index.ts";
import {
  accuracyParts, combineAccuracy, observeChunks, Observations, planFromObservations, quantizeWithPlan, realOutputs, runQuantized, sampleChunks,
  type AccuracyPart, type AccuracyReport, type CalibrationMethod, type ObservationsData, type QGraph, type QuantPlan,
} from "../../src/core/quant/index.ts";
import { compilePlan, CircuitError, type GraphSpec } from "../../src/core/circuit/index.ts";
import { argmaxRows, nodeCosts, type NodeCost } from "../../src/core/view/index.ts";
import { loadData, type DataSet, type DataSpec } from "./data.ts";
import { replan, type TensorEdit } from "./replan.ts";
import { resolveInput, type InputChoice } from "./inputs.ts";

export interface CalibrationSettings {
  method: CalibrationMethod;
  weightBits: number;
  /** null: the model's default (8, or 12 with attention/norms). */
  activationBits: number | null;
  data: DataSpec;
}

/** Everything the panels show about one plan. */
export interface PlanMetrics {
  accuracy: AccuracyReport;
  evalNote: string;
  costs: Record<string, NodeCost>;
  /** Why the plan does not compile to a circuit yet (the nodes it names are marked), or null. */
  compileIssue: { nodes: string[]; reason: string } | null;
  /** Per ONNX node: the table ids its lookups use. */
  tablesByNode: Record<string, string[]>;
}

export interface Prediction {
  /** First row of the first output (the class scores of a classifier). */
  float: number[];
  quantized: number[];
  /** Index of the maximum along the last axis, per row (one row per position of a sequence). */
  floatTop: number[];
  quantTop: number[];
  /** Over the whole first output: how far the quantized values are from the float ones. */
  count: number;
  maxAbsDiff: number;
  cosine: number;
}

export class QuantSession {
  readonly graph: Graph;
  private data: DataSet | null = null;
  private dataKey = "";
  private quantized: { key: string; q: QGraph } | null = null;

  constructor(bytes: Uint8Array) {
    this.graph = loadGraph(decodeModel(bytes));
  }

  useData(spec: DataSpec): DataSet {
    const key = spec.kind === "generated" ? `gen:${spec.count ?? "auto"}:${spec.seed}` : `files:${spec.calibration.name}:${spec.calibration.bytes.length}:${spec.evaluation?.name}:${spec.labels?.name}`;
    if (!this.data || key !== this.dataKey) {
      this.data = loadData(this.graph, spec);
      this.dataKey = key;
    }
    return this.data;
  }

  /** How many samples each set holds (the coordinator splits them into sampleChunks). */
  dataCounts(spec: DataSpec): { calibration: number; evaluation: number } {
    const d = this.useData(spec);
    return { calibration: d.calibration.length, evaluation: d.evaluation.length };
  }

  /** The statistics of some calibration chunks ([from, to) sample ranges), merged (exactly: any split gives the same plan). */
  observe(spec: DataSpec, chunks: readonly [number, number][], onSamples?: (samples: number) => void): ObservationsData {
    const { calibration } = this.useData(spec);
    return observeChunks(this.graph, chunks.map(([f, t]) => calibration.slice(f, t)), onSamples).data();
  }

  /** The plan from every chunk's statistics. */
  planFrom(s: CalibrationSettings, observed: readonly ObservationsData[]): QuantPlan {
    const obs = new Observations();
    for (const o of observed) obs.merge(o);
    const { plan } = planFromObservations(this.graph, obs, {
      method: s.method, weightBits: s.weightBits, ...(s.activationBits ? { activationBits: s.activationBits } : {}), dataNote: this.useData(s.data).note,
    });
    return plan;
  }

  /** Calibrates on this thread alone. */
  calibrate(s: CalibrationSettings): QuantPlan {
    return this.planFrom(s, [this.observe(s.data, sampleChunks(this.dataCounts(s.data).calibration))]);
  }

  edit(plan: QuantPlan, edits: Readonly<Record<string, TensorEdit>>): QuantPlan {
    return replan(this.graph, plan, edits).plan;
  }

  /** Checks a plan against the model (as the CLI does when it loads one). */
  quantize(plan: QuantPlan): QGraph {
    // The coordinator sends the same plan for each share of the accuracy chunks and for the metrics.
    const key = JSON.stringify(plan);
    if (this.quantized?.key !== key) this.quantized = { key, q: quantizeWithPlan(this.graph, plan) };
    return this.quantized.q;
  }

  /** Float vs quantized sums over some evaluation chunks, one part per chunk (combined in chunk order by `metrics`). */
  accuracyParts(plan: QuantPlan, data: DataSpec, chunks: readonly [number, number][], onSamples?: (samples: number) => void): AccuracyPart[] {
    const d = this.useData(data);
    return accuracyParts(this.graph, this.quantize(plan), chunks.map(([f, t]) => ({ samples: d.evaluation.slice(f, t), first: f })), d.labels, onSamples);
  }

  /** Everything the panels show about a plan; `parts`: every evaluation chunk's, in order, when workers measured them. */
  metrics(plan: QuantPlan, data: DataSpec, parts?: readonly AccuracyPart[], onSamples?: (samples: number) => void): PlanMetrics {
    const q = this.quantize(plan);
    const d = this.useData(data);
    const chunks = sampleChunks(d.evaluation.length);
    const all = parts ?? this.accuracyParts(plan, data, chunks, onSamples);
    if (all.length !== chunks.length) throw new Error(`accuracy: ${all.length} parts for ${d.evaluation.length} evaluation samples; measure again`);
    const accuracy = combineAccuracy(this.graph, q, all, d.labels !== undefined);
    let compiled;
    let compileIssue: PlanMetrics["compileIssue"] = null;
    try {
      const { consts: _consts, ...spec } = q;
      compiled = compilePlan(spec as GraphSpec);
    } catch (e) {
      if (!(e instanceof CircuitError)) throw e;
      // The compiler names every node it cannot prove ("… /pool/Pad (pad …), …").
      const named = this.graph.nodes.filter((n) => e.message.includes(`${n.id} (`) || n.id === e.node).map((n) => n.id);
      compileIssue = { nodes: named, reason: e.message };
    }
    return { accuracy, evalNote: d.evalNote, costs: Object.fromEntries(nodeCosts(q, compiled)), compileIssue, tablesByNode: this.tablesByNode(q) };
  }

  /**
   * The tables each ONNX node reads. A pattern lowered to one table (GELU's Div/Erf/Add/Mul/Mul)
   * is looked up from its first node; every node between it and the node producing the lookup's
   * output shares the table.
   */
  private tablesByNode(q: QGraph): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const producer = new Map<string, string>();
    const consumers = new Map<string, string[]>();
    for (const n of this.graph.nodes) {
      for (const o of n.outputs) producer.set(o, n.id);
      for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n.id]);
    }
    const byId = new Map(this.graph.nodes.map((n) => [n.id, n]));
    const add = (node: string, table: string) => {
      const l = (out[node] ??= []);
      if (!l.includes(table)) l.push(table);
    };
    for (const op of q.ops) {
      if (op.kind !== "lookup") continue;
      add(op.source, op.table);
      const end = q.tensors[op.output]?.onnx;
      const last = end ? producer.get(end) : undefined;
      if (!last || last === op.source) continue;
      // Nodes downstream of the source (a few hops) that reach the last node.
      const down = new Set<string>([op.source]);
      let frontier = [op.source];
      for (let hop = 0; hop < 6 && frontier.length; hop++) {
        frontier = frontier.flatMap((id) => byId.get(id)!.outputs.flatMap((o) => consumers.get(o) ?? [])).filter((id) => !down.has(id));
        for (const id of frontier) down.add(id);
      }
      const up = new Set<string>([last]);
      frontier = [last];
      for (let hop = 0; hop < 6 && frontier.length; hop++) {
        frontier = frontier.flatMap((id) => byId.get(id)!.inputs.map((i) => producer.get(i)).filter((x): x is string => !!x)).filter((id) => !up.has(id));
        for (const id of frontier) up.add(id);
      }
      for (const id of down) if (up.has(id)) add(id, op.table);
    }
    return out;
  }

  /** The input tensors for a choice (samples come from the evaluation data). */
  input(choice: InputChoice, data: DataSpec): Record<string, Tensor> {
    return resolveInput(this.graph, choice, choice.kind === "sample" ? this.useData(data).evaluation : []);
  }

  /** Float and quantized outputs (first output, flattened) for one input. */
  predict(plan: QuantPlan, inputs: Record<string, Tensor>): Prediction {
    const q = this.quantize(plan);
    const out = this.graph.outputs[0]!.name;
    const f = Array.from(evaluate(this.graph, inputs)[out]!.data as ArrayLike<number>);
    const vals = runQuantized(q, inputs);
    const qo = Array.from(realOutputs(q, vals)[q.outputs[0]!]!);
    const width = this.graph.outputs[0]!.shape.at(-1) ?? f.length;
    let maxAbsDiff = 0, dot = 0, ff = 0, qq = 0;
    f.forEach((v, i) => {
      const w = qo[i]!;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - w));
      dot += v * w; ff += v * v; qq += w * w;
    });
    const cosine = ff > 0 && qq > 0 ? dot / Math.sqrt(ff * qq) : ff === qq ? 1 : 0;
    return { float: f.slice(0, width), quantized: qo.slice(0, width), floatTop: argmaxRows(f, width), quantTop: argmaxRows(qo, width), count: f.length, maxAbsDiff, cosine };
  }
}
