// Float vs quantized on a data set: top-1 agreement, accuracy against labels, cosine
// similarity of outputs, and per-node error (SQNR, max abs error) for the IDE to colour by.
import { evaluate } from "../eval/index.ts";
import { isInteger, type Graph, type Tensor } from "../graph/index.ts";
import { sampleChunks, type Sample } from "./data.ts";
import { QuantError } from "./errors.ts";
import type { QGraph } from "./qgraph.ts";
import { runQuantized } from "./run.ts";

export interface NodeError {
  /** The ONNX value compared (float vs dequantized integer). */
  tensor: string;
  node: string;
  /** 10·log10(Σf² / Σ(f−q)²) in dB; null when the two agree exactly. */
  sqnr_db: number | null;
  max_abs_error: number;
}

export interface AccuracyReport {
  samples: number;
  /** Rows compared for top-1 (one per sample, per position of a sequence, or per pixel of a segmentation map). */
  rows: number;
  float_accuracy?: number;
  quant_accuracy?: number;
  top1_agreement: number;
  /** Mean over samples of the cosine between float and quantized outputs. */
  cosine_similarity: number;
  min_cosine_similarity: number;
  nodes: NodeError[];
}

/** The class of every row: the argmax along the class axis (`width` classes, `inner` apart). */
function argmaxRows(d: ArrayLike<number>, width: number, inner: number): number[] {
  const rows: number[] = [];
  for (let o = 0; o * width * inner < d.length; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (i: number) => d[(o * width + i) * inner + j]!;
      let b = 0;
      for (let i = 1; i < width; i++) if (at(i) > at(b)) b = i;
      rows.push(b);
    }
  }
  return rows;
}

/** Whether the first output holds classes already (an exported ArgMax): an integer type, one class per element. */
function indexOutput(graph: Graph): boolean {
  return isInteger(graph.outputs[0]!.dtype);
}

/** One chunk's sums (sampleChunks): plain data a worker sends back; combined in chunk order. */
export interface AccuracyPart {
  samples: number;
  rows: number;
  agree: number;
  floatRight: number;
  quantRight: number;
  cosSum: number;
  cosMin: number;
  /** Per compared tensor (comparedTensors order): Σf², Σ(f−q)², max |f−q|. */
  nodes: { sig: number; err: number; max: number }[];
}

/** The ONNX values both evaluators compute: activations and inputs the quantized graph holds. */
function comparedTensors(q: QGraph) {
  return Object.values(q.tensors).filter((t) => t.onnx !== undefined && (t.role === "activation" || t.role === "input"));
}

/** A part with nothing summed yet, over `tensors` compared tensors. */
function emptyPart(tensors: number): AccuracyPart {
  return { samples: 0, rows: 0, agree: 0, floatRight: 0, quantRight: 0, cosSum: 0, cosMin: Infinity, nodes: Array.from({ length: tensors }, () => ({ sig: 0, err: 0, max: 0 })) };
}

/**
 * Where the classes of the first output lie: its last axis (a classifier's [N, C], a sequence
 * model's [N, T, V]), or axis 1 of an image-shaped output (a segmentation map [N, C, H, W]: one
 * row per pixel). `inner` is the distance between a row's classes.
 */
function rowsPerSample(graph: Graph): { width: number; inner: number; rowsPer: number } {
  const shape = graph.outputs[0]!.shape;
  if (indexOutput(graph)) return { width: 1, inner: 1, rowsPer: Math.max(1, shape.reduce((a, b) => a * b, 1)) };
  const axis = shape.length >= 4 ? 1 : shape.length - 1;
  const width = shape[axis] ?? 1, inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { width, inner, rowsPer: Math.max(1, Math.round(shape.reduce((a, b) => a * b, 1) / width)) };
}

/** Labels, when given, are one class per output row of every sample. */
export function checkLabels(graph: Graph, count: number, labels?: ArrayLike<number>): void {
  const { rowsPer } = rowsPerSample(graph);
  if (labels && labels.length !== count * rowsPer) {
    throw new QuantError(`${labels.length} labels for ${count} samples of ${rowsPer} row(s) each; give one label per row`, { tensor: "labels" });
  }
}

/**
 * Runs both evaluators on `samples` (samples first…first+n−1 of the data set: `labels` is the
 * whole set's, one class per row) and sums what the report needs.
 */
export function accuracyPart(graph: Graph, q: QGraph, samples: readonly Sample[], first = 0, labels?: ArrayLike<number>): AccuracyPart {
  const outName = graph.outputs[0]!.name;
  const qOut = q.outputs[0]!;
  const { width, inner, rowsPer } = rowsPerSample(graph), index = indexOutput(graph);
  if (labels && (first + samples.length) * rowsPer > labels.length) {
    throw new QuantError(`${labels.length} labels for samples up to ${first + samples.length} of ${rowsPer} row(s) each; give one label per row`, { tensor: "labels" });
  }
  const compared = comparedTensors(q);
  const part = { ...emptyPart(compared.length), samples: samples.length };
  samples.forEach((s, k) => {
    const floats = new Map<string, Tensor>();
    const f = evaluate(graph, s, {
      onNode(node, outputs) {
        node.outputs.forEach((name, i) => { if (outputs[i]) floats.set(name, outputs[i]!); });
      },
    })[outName]!.data as ArrayLike<number>;
    for (const inp of graph.inputs) floats.set(inp.name, s[inp.name]!);
    const ints = runQuantized(q, s);
    compared.forEach((t, i) => {
      const fv = floats.get(t.onnx!)?.data as ArrayLike<number> | undefined;
      const qv = ints.get(t.name);
      if (!fv || !qv) return;
      const sc = 2 ** -t.k, a = part.nodes[i]!;
      for (let j = 0; j < qv.length; j++) {
        const e = fv[j]! - qv[j]! * sc;
        a.sig += fv[j]! * fv[j]!;
        a.err += e * e;
        if (Math.abs(e) > a.max) a.max = Math.abs(e);
      }
    });
    const qo = ints.get(qOut)!, sc = 2 ** -q.tensors[qOut]!.k;
    const qf = Float64Array.from(qo, (v) => v * sc);
    let dot = 0, nf = 0, nq = 0;
    for (let i = 0; i < qf.length; i++) {
      dot += f[i]! * qf[i]!;
      nf += f[i]! * f[i]!;
      nq += qf[i]! * qf[i]!;
    }
    const cos = nf === 0 && nq === 0 ? 1 : nf === 0 || nq === 0 ? 0 : dot / Math.sqrt(nf * nq);
    part.cosSum += cos;
    part.cosMin = Math.min(part.cosMin, cos);
    const classes = (d: ArrayLike<number>) => (index ? Array.from(d, Math.round) : argmaxRows(d, width, inner));
    const fa = classes(f), qa = classes(qf);
    fa.forEach((c, r) => {
      part.agree += +(c === qa[r]);
      if (labels) {
        const y = labels[(first + k) * rowsPer + r]!;
        part.floatRight += +(c === y);
        part.quantRight += +(qa[r] === y);
      }
      part.rows++;
    });
  });
  return part;
}

/** Each chunk's part (chunks of a data set, `first` its first sample's index in the set); `onChunk` after each. */
export function accuracyParts(graph: Graph, q: QGraph, chunks: readonly { samples: readonly Sample[]; first: number }[], labels?: ArrayLike<number>, onChunk?: (samples: number) => void): AccuracyPart[] {
  return chunks.map((c) => {
    const part = accuracyPart(graph, q, c.samples, c.first, labels);
    onChunk?.(c.samples.length);
    return part;
  });
}

/** The report from every chunk's part, in chunk order (the same sums, in the same order, on any number of workers). */
export function combineAccuracy(graph: Graph, q: QGraph, parts: readonly AccuracyPart[], labelled: boolean): AccuracyReport {
  const compared = comparedTensors(q);
  const producer = new Map<string, string>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n.id);
  const all = emptyPart(compared.length);
  for (const p of parts) {
    if (p.nodes.length !== compared.length) throw new QuantError(`an accuracy part compares ${p.nodes.length} tensors, the plan ${compared.length}; measure again`);
    all.samples += p.samples; all.rows += p.rows; all.agree += p.agree;
    all.floatRight += p.floatRight; all.quantRight += p.quantRight;
    all.cosSum += p.cosSum; all.cosMin = Math.min(all.cosMin, p.cosMin);
    p.nodes.forEach((n, i) => {
      const a = all.nodes[i]!;
      a.sig += n.sig; a.err += n.err; a.max = Math.max(a.max, n.max);
    });
  }
  if (all.samples === 0) throw new QuantError("the evaluation set is empty; give at least one sample");
  const nodes: NodeError[] = compared.map((t, i) => {
    const a = all.nodes[i]!;
    return { tensor: t.onnx!, node: producer.get(t.onnx!) ?? "(input)", sqnr_db: a.err === 0 ? null : 10 * Math.log10(a.sig / a.err), max_abs_error: a.max };
  });
  return {
    samples: all.samples,
    rows: all.rows,
    ...(labelled ? { float_accuracy: all.floatRight / all.rows, quant_accuracy: all.quantRight / all.rows } : {}),
    top1_agreement: all.agree / all.rows,
    cosine_similarity: all.cosSum / all.samples,
    min_cosine_similarity: all.cosMin,
    nodes,
  };
}

/**
 * Runs both evaluators on every sample and compares the first output (top-1 along its last
 * axis) and every ONNX value the quantized graph holds. Labels, when given, are one class
 * per row, in order. Chunk by chunk (sampleChunks), as workers would.
 */
export function measureAccuracy(graph: Graph, q: QGraph, samples: readonly Sample[], labels?: ArrayLike<number>): AccuracyReport {
  if (samples.length === 0) throw new QuantError("the evaluation set is empty; give at least one sample");
  checkLabels(graph, samples.length, labels);
  const parts = accuracyParts(graph, q, sampleChunks(samples.length).map(([f, t]) => ({ samples: samples.slice(f, t), first: f })), labels);
  return combineAccuracy(graph, q, parts, labels !== undefined);
}
