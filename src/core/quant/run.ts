// Running a quantized graph on float inputs: quantize each input exactly as a verifier would
// (clamp(floor(x·2^k + ½)), float64), run the integer evaluator, read outputs as reals.
import { sizeOf, type Tensor } from "../graph/index.ts";
import { QuantError } from "./errors.ts";
import { quantizerFor } from "./fixed.ts";
import { runInteger, type IntRunOptions } from "./int-eval.ts";
import type { QGraph, QTensor } from "./qgraph.ts";

/** The integer tensor for a model input: float inputs are quantized, integer ids taken as they are. */
export function quantizeInput(t: QTensor, x: Tensor): Int32Array {
  const d = x.data as ArrayLike<number>;
  if (d.length !== sizeOf(t.shape)) throw new QuantError(`input ${t.name} has ${d.length} values but needs ${sizeOf(t.shape)} for shape [${t.shape}]`, { tensor: t.name });
  const out = new Int32Array(d.length);
  const float = x.dtype === "float32" || x.dtype === "float64" || x.dtype === "float16" || x.dtype === "bfloat16";
  const quantize = quantizerFor(t);
  for (let i = 0; i < d.length; i++) {
    const v = Number(d[i]);
    if (!Number.isFinite(v)) throw new QuantError(`input ${t.name}[${i}] is ${v}; inputs must be finite numbers`, { tensor: t.name });
    if (float) out[i] = quantize(v);
    else {
      if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 31) throw new QuantError(`input ${t.name}[${i}] = ${v} is not a 32-bit integer id`, { tensor: t.name });
      out[i] = v;
    }
  }
  return out;
}

/** Real values of an integer tensor: v·2^−k. */
export function dequantize(t: Pick<QTensor, "k">, v: Int32Array): Float64Array {
  const s = 2 ** -t.k, out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * s;
  return out;
}

/** Runs the quantized graph on float (or id) inputs by name; returns every integer tensor. */
export function runQuantized(g: QGraph, inputs: Readonly<Record<string, Tensor>>, options: IntRunOptions = {}): Map<string, Int32Array> {
  const ints: Record<string, Int32Array> = {};
  for (const name of g.inputs) {
    const x = inputs[name];
    if (!x) throw new QuantError(`input ${name} is missing`, { tensor: name });
    ints[name] = quantizeInput(g.tensors[name]!, x);
  }
  return runInteger(g, ints, options);
}

/** The graph outputs as reals, by quantized-graph output name. */
export function realOutputs(g: QGraph, values: ReadonlyMap<string, Int32Array>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const name of g.outputs) out[name] = dequantize(g.tensors[name]!, values.get(name)!);
  return out;
}

/**
 * `zkml run --plan`: the model's outputs computed by the integer evaluator, as float32
 * tensors (v·2^−k) under the ONNX output names.
 */
export function runOutputsAsFloat(g: QGraph, graphOutputs: readonly string[], inputs: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const values = runQuantized(g, inputs);
  const out: Record<string, Tensor> = {};
  g.outputs.forEach((name, i) => {
    const t = g.tensors[name]!;
    out[graphOutputs[i]!] = { dtype: "float32", shape: [...t.shape], data: Float32Array.from(dequantize(t, values.get(name)!)) };
  });
  return out;
}
