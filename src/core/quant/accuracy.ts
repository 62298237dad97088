// Float vs quantized on a data set: top-1 agreement, accuracy against labels, cosine
// similarity of outputs, and per-node error (SQNR, max abs error) for the IDE to colour by.
import { evaluate } from "../eval/index.ts";
import type { Graph, Tensor } from "../graph/index.ts";
import type { Sample } from "./data.ts";
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
  /** Rows compared for top-1 (one per sample, or one per position for sequence outputs). */
  rows: number;
  float_accuracy?: number;
  quant_accuracy?: number;
  top1_agreement: number;
  /** Mean over samples of the cosine between float and quantized outputs. */
  cosine_similarity: number;
  min_cosine_similarity: number;
  nodes: NodeError[];
}

function argmaxRows(d: ArrayLike<number>, width: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r * width < d.length; r++) {
    let b = 0;
    for (let i = 1; i < width; i++) if (d[r * width + i]! > d[r * width + b]!) b = i;
    rows.push(b);
  }
  return rows;
}

/**
 * Runs both evaluators on every sample and compares the first output (top-1 along its last
 * axis) and every ONNX value the quantized graph holds. Labels, when given, are one class
 * per row, in order.
 */
export function measureAccuracy(graph: Graph, q: QGraph, samples: readonly Sample[], labels?: ArrayLike<number>): AccuracyReport {
  if (samples.length === 0) throw new QuantError("the evaluation set is empty; give at least one sample");
  const outName = graph.outputs[0]!.name;
  const qOut = q.outputs[0]!;
  const width = graph.outputs[0]!.shape.at(-1) ?? 1;
  const producer = new Map<string, string>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n.id);
  const compared = Object.values(q.tensors).filter((t) => t.onnx !== undefined && (t.role === "activation" || t.role === "input"));
  const acc = compared.map(() => ({ sig: 0, err: 0, max: 0 }));
  const rowsPer = Math.max(1, Math.round((graph.outputs[0]!.shape.reduce((a, b) => a * b, 1)) / width));
  if (labels && labels.length !== samples.length * rowsPer) {
    throw new QuantError(`${labels.length} labels for ${samples.length} samples of ${rowsPer} row(s) each; give one label per row`, { tensor: "labels" });
  }
  let agree = 0, fRight = 0, qRight = 0, rows = 0, cosSum = 0, cosMin = Infinity;
  samples.forEach((s, si) => {
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
      const sc = 2 ** -t.k, a = acc[i]!;
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
    cosSum += cos;
    cosMin = Math.min(cosMin, cos);
    const fa = argmaxRows(f, width), qa = argmaxRows(qf, width);
    fa.forEach((c, r) => {
      agree += +(c === qa[r]);
      if (labels) {
        const y = labels[si * rowsPer + r]!;
        fRight += +(c === y);
        qRight += +(qa[r] === y);
      }
      rows++;
    });
  });
  const nodes: NodeError[] = compared.map((t, i) => {
    const a = acc[i]!;
    return { tensor: t.onnx!, node: producer.get(t.onnx!) ?? "(input)", sqnr_db: a.err === 0 ? null : 10 * Math.log10(a.sig / a.err), max_abs_error: a.max };
  });
  return {
    samples: samples.length,
    rows,
    ...(labels ? { float_accuracy: fRight / rows, quant_accuracy: qRight / rows } : {}),
    top1_agreement: agree / rows,
    cosine_similarity: cosSum / samples.length,
    min_cosine_similarity: cosMin,
    nodes,
  };
}
