// Calibration: run the float evaluator over the data, gather statistics of every value (and
// of LayerNormalization's insides), choose each type, lower, and write the plan.
import { evaluate } from "../eval/index.ts";
import { isFloat, type Graph, type GraphNode, type Tensor } from "../graph/index.ts";
import { checkBounds } from "./bounds.ts";
import { QuantError } from "./errors.ts";
import { lowerForPlan } from "./lower.ts";
import { layerNormInternals } from "./lower-transformer.ts";
import { lrnInternals } from "./lower-lrn.ts";
import { divInternals } from "./lower-ops.ts";
import { planOf, type ChosenType, type QuantPlan } from "./plan.ts";
import type { QGraph, QTable, QType } from "./qgraph.ts";
import type { ScaleSource, TypeRequest } from "./scale-source.ts";
import { chooseExponent, exponentFor, RangeObserver, type CalibrationMethod, type RangeData, type TensorReport } from "./stats.ts";
import { sampleChunks } from "./data.ts";
import { buildTable, DEFAULT_MAX_TABLE_ROWS, type TableSpec } from "./tables.ts";

export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** Quantile of |v| for the percentile method (0–1). */
  percentile?: number;
  weightBits?: number;
  /** Default activation width; by default 8, or 12 for graphs with Softmax or LayerNormalization. */
  activationBits?: number;
  /** Where the data came from, recorded in the plan. */
  dataNote?: string;
  /**
   * One real scale per output channel of every linear op's weight (max|w_c| / (2^(b−1) − 1)),
   * requantized per channel by a multiplier vector and a common shift. Default false.
   */
  perChannel?: boolean;
}

/** Statistics of every float value over a data set, keyed by value (or internal) name. */
export class Observations {
  readonly byName = new Map<string, RangeObserver>();
  samples = 0;

  observe(name: string, data: ArrayLike<number>): void {
    let o = this.byName.get(name);
    if (!o) this.byName.set(name, (o = new RangeObserver()));
    o.observe(data, name);
  }

  get(name: string): RangeObserver | undefined {
    return this.byName.get(name);
  }

  /** As plain data, for another worker to merge. */
  data(): ObservationsData {
    return { samples: this.samples, byName: [...this.byName].map(([name, o]) => [name, o.data()]) };
  }

  /** Adds observations made independently (exact: see RangeObserver.merge). */
  merge(d: { samples: number; byName: Iterable<[string, RangeData]> }): this {
    for (const [name, r] of d.byName) {
      const o = this.byName.get(name);
      if (o) o.merge(r);
      else this.byName.set(name, RangeObserver.from(r));
    }
    this.samples += d.samples;
    return this;
  }
}

export interface ObservationsData {
  samples: number;
  byName: [string, RangeData][];
}

type SampleRecord = Readonly<Record<string, Tensor>>;

/** Chunks of samples (sampleChunks) each observed from scratch, merged; `onChunk` after each. */
export function observeChunks(graph: Graph, chunks: readonly (readonly SampleRecord[])[], onChunk?: (samples: number) => void): Observations {
  const all = new Observations();
  for (const chunk of chunks) {
    const obs = new Observations();
    for (const s of chunk) observeSample(graph, s, obs);
    all.merge(obs);
    onChunk?.(chunk.length);
  }
  return all;
}

/** Runs the float graph on one sample, recording every float value it computes. */
export function observeSample(graph: Graph, sample: Readonly<Record<string, Tensor>>, obs: Observations, onNode?: (node: GraphNode, outputs: readonly (Tensor | undefined)[]) => void): Record<string, Tensor> {
  for (const inp of graph.inputs) {
    const t = sample[inp.name];
    if (t && isFloat(t.dtype)) obs.observe(inp.name, t.data as ArrayLike<number>);
  }
  // Ops whose lowering asks for statistics of values inside them: the input those are computed
  // from is kept until they run (a Div's divisor only when it is not a constant).
  const needs = (n: GraphNode) => (Object.hasOwn(INTERNALS, n.opType) ? n.inputs[INTERNALS[n.opType]!.input] : undefined);
  const inner = new Set(graph.nodes.map(needs).filter((x): x is string => x !== undefined && x !== "" && !graph.constants.has(x)));
  const kept = new Map<string, Tensor>();
  for (const n of inner) if (sample[n]) kept.set(n, sample[n]);
  const out = evaluate(graph, sample, {
    onNode(node, outputs) {
      node.outputs.forEach((name, i) => {
        const t = outputs[i];
        if (!t || !isFloat(t.dtype)) return;
        obs.observe(name, t.data as ArrayLike<number>);
        if (inner.has(name)) kept.set(name, t);
      });
      const from = needs(node), x = from !== undefined ? kept.get(from) : undefined;
      if (x) for (const [k, v] of Object.entries(INTERNALS[node.opType]!.values(node, x))) obs.observe(k, v);
      onNode?.(node, outputs);
    },
  });
  obs.samples++;
  return out;
}

/** The float values inside an op that its lowering quantizes, by op type. */
const INTERNALS: Readonly<Record<string, { input: number; values: (node: GraphNode, x: Tensor) => Record<string, Float64Array> }>> = {
  LayerNormalization: { input: 0, values: layerNormInternals },
  InstanceNormalization: { input: 0, values: layerNormInternals },
  LRN: { input: 0, values: lrnInternals },
  Div: { input: 1, values: divInternals },
};

/** Answers the lowering's type requests from observations and options. */
class CalibrationSource implements ScaleSource {
  readonly chosen = new Map<string, ChosenType>();
  constructor(
    private readonly obs: Observations, private readonly method: CalibrationMethod, private readonly percentile: number,
    readonly weightBits: number, private readonly activationBits: number, readonly perChannel: boolean,
  ) {}

  type(req: TypeRequest): QType {
    const t = this.choose(req);
    this.chosen.set(req.name, { role: req.role, type: t });
    return t;
  }

  channelScales(req: TypeRequest, channels: number): number[] {
    const chosen = this.chosen.get(req.name)!;
    const v = req.values!, per = v.length / channels;
    const top = 2 ** ((req.bits ?? this.weightBits) - 1) - 1;
    const scales: number[] = [];
    for (let c = 0; c < channels; c++) {
      let a = 0;
      for (let i = c * per; i < (c + 1) * per; i++) a = Math.max(a, Math.abs(v[i]!));
      // An all-zero channel quantizes to zeros at any scale: the tensor's will do.
      scales.push(a > 0 ? a / top : 2 ** -chosen.type.k);
    }
    chosen.channelScales = scales;
    return scales;
  }

  private choose(req: TypeRequest): QType {
    if (req.fixed) return { ...req.fixed };
    if (req.role === "weight" || req.role === "const") {
      const bits = req.bits ?? this.weightBits;
      let a = 0;
      for (let i = 0; i < req.values!.length; i++) a = Math.max(a, Math.abs(req.values![i]!));
      return { k: exponentFor(a, bits, true), bits, signed: true };
    }
    const o = req.stat !== undefined ? this.obs.get(req.stat) : undefined;
    if (!o || o.count === 0) throw new QuantError(`tensor ${req.name} was never observed during calibration; the evaluator did not compute ${req.stat ?? "it"}`, { tensor: req.name });
    const bits = Math.min(req.bits ?? this.activationBits, req.maxBits ?? Infinity);
    // Inputs whose data is never negative spend no bit on a sign.
    const signed = req.role === "input" ? o.min < 0 : req.signed;
    const k = chooseExponent(o, bits, signed, req.fullRange ? "minmax" : this.method, this.percentile);
    if (k < -60 || k > 60) {
      const what = k < 0 ? `reach ${Math.max(-o.min, o.max).toExponential(1)}` : `stay within ±${Math.max(-o.min, o.max).toExponential(1)}`;
      throw new QuantError(`tensor ${req.name}: its values ${what} during calibration, beyond what ${bits}-bit fixed point with a scale of 2^±60 holds; the float model ${k < 0 ? "overflows here (check its weights and the calibration data)" : "computes almost nothing here (check the calibration data)"}`, { tensor: req.name });
    }
    return { k, bits, signed };
  }

  table(id: string, spec: TableSpec, where: string): QTable {
    return buildTable(spec, DEFAULT_MAX_TABLE_ROWS, `table ${id} of ${where}`);
  }
}

/** The default activation width for a graph (wider where attention and norms need it). */
export function defaultActivationBits(graph: Graph): number {
  return graph.nodes.some((n) => n.opType === "Softmax" || n.opType === "LayerNormalization") ? 12 : 8;
}

/** Chooses every type from the observations, lowers the graph and writes the plan. */
export function planFromObservations(graph: Graph, obs: Observations, options: CalibrationOptions = {}): { plan: QuantPlan; qgraph: QGraph } {
  if (obs.samples === 0) throw new QuantError("the calibration set is empty; give at least one sample");
  const method = options.method ?? "minmax";
  const percentile = options.percentile ?? 0.9999;
  const weightBits = options.weightBits ?? 8;
  const activationBits = options.activationBits ?? defaultActivationBits(graph);
  const perChannel = options.perChannel ?? false;
  const src = new CalibrationSource(obs, method, percentile, weightBits, activationBits, perChannel);
  const lowered = lowerForPlan(graph, src);
  const { qgraph } = lowered;
  checkBounds(qgraph);
  const report: Record<string, TensorReport> = {};
  for (const [name, o] of [...obs.byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) report[name] = o.report();
  const calibration: QuantPlan["calibration"] = {
    method, ...(method === "percentile" ? { percentile } : {}), weightBits, activationBits,
    samples: obs.samples, data: options.dataNote ?? "unspecified", ...(perChannel ? { perChannel } : {}),
  };
  return { plan: planOf(graph, lowered, src.chosen, calibration, report), qgraph };
}

/** Calibrates a graph on samples (one input record each), chunk by chunk as workers would. */
export function calibrate(graph: Graph, samples: Iterable<SampleRecord>, options: CalibrationOptions = {}): { plan: QuantPlan; qgraph: QGraph } {
  const all = [...samples];
  return planFromObservations(graph, observeChunks(graph, sampleChunks(all.length).map(([f, t]) => all.slice(f, t))), options);
}
