// Runs one ONNX backend-test case through decode → loadGraph → evaluate and reports its
// status as one line: "pass", "unsupported-op: A, B", "error: …" or "mismatch: …".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate } from "../../src/core/eval/index.ts";
import { dimsFromShapes, fromTensorData, GraphError, loadGraph, type Graph, type Tensor } from "../../src/core/graph/index.ts";
import { decodeModel, decodeTensorFile, type OnnxModel } from "../../src/core/onnx/index.ts";

/** ONNX's backend runner defaults. */
export const RTOL = 1e-3;
export const ATOL = 1e-7;

export interface Tolerance {
  rtol: number;
  atol: number;
}

function readTensor(path: string): Tensor {
  return fromTensorData(decodeTensorFile(new Uint8Array(readFileSync(path)), path));
}

/** First mismatch between actual and expected, or undefined (numpy.testing.assert_allclose rules). */
export function compareTensors(name: string, actual: Tensor | undefined, expected: Tensor, tol: Tolerance): string | undefined {
  if (!actual) return `${name} missing`;
  if (actual.dtype !== expected.dtype) return `${name} is ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join(",") !== expected.shape.join(",")) return `${name} has shape [${actual.shape}], expected [${expected.shape}]`;
  const a = actual.data, e = expected.data;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (typeof y === "string" || typeof x === "string") {
      if (x !== y) return `${name}[${i}] = ${String(x)}, expected ${String(y)}`;
      continue;
    }
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y))) return `${name}[${i}] = ${x}, expected ${y}`;
  }
  return undefined;
}

function statusOf(e: unknown, dir: string): string {
  if (e instanceof GraphError && e.where.ops) return `unsupported-op: ${e.where.ops.join(", ")}`;
  if (e instanceof Error && /^(onnx|graph|eval): /.test(e.message)) return `error: ${e.message.replaceAll(dir + "/", "")}`;
  throw e; // anything else is a bug in the front end: let the test show its stack
}

/**
 * Loads a model for given inputs, binding symbolic dims from their shapes. Node tests feed
 * shapes, axes, pads… as graph inputs; a static-shape front end needs those at load, so when
 * the plain load asks for a constant, integer inputs are fixed as constants and it retries.
 */
export function loadFor(model: OnnxModel, inputs: Record<string, Tensor>): Graph {
  const dims = dimsFromShapes(model, Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, t.shape])));
  try {
    return loadGraph(model, { dims });
  } catch (e) {
    if (!(e instanceof GraphError) || !e.message.includes("must be a constant")) throw e;
    const constants = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t.dtype === "int64" || t.dtype === "int32"));
    return loadGraph(model, { dims, constants });
  }
}

/**
 * numpy has no bfloat16, so ONNX's generator stored bfloat16 tensors as their uint16 bit
 * patterns; read them back as bfloat16 when the model (or our output) says bfloat16.
 */
function asDeclared(t: Tensor, dtype: string | undefined): Tensor {
  if (dtype === "bfloat16" && t.dtype === "uint16") {
    return fromTensorData({ name: "", dtype: "bfloat16", dims: t.shape, data: t.data as Uint16Array });
  }
  return t;
}

/** A backend-test folder: model.onnx and test_data_set_N/{input,output}_K.pb. */
export function runFolderCase(dir: string, tol: Tolerance): string {
  try {
    const model = decodeModel(new Uint8Array(readFileSync(join(dir, "model.onnx"))));
    const runtimeInputs = model.graph.inputs.filter((v) => !model.graph.initializers.some((t) => t.name === v.name));
    const sets = readdirSync(dir).filter((d) => d.startsWith("test_data_set_")).sort();
    if (sets.length === 0) return "error: no test_data_set";
    for (const set of sets) {
      const files = readdirSync(join(dir, set));
      const inputs: Record<string, Tensor> = {};
      for (let k = 0; files.includes(`input_${k}.pb`); k++) {
        const v = runtimeInputs[k];
        if (!v) return `error: ${set} has more inputs than the model`;
        inputs[v.name] = asDeclared(readTensor(join(dir, set, `input_${k}.pb`)), v.dtype);
      }
      const graph = loadFor(model, inputs);
      const out = evaluate(graph, Object.fromEntries(graph.inputs.map((i) => [i.name, inputs[i.name]!])));
      for (let k = 0; files.includes(`output_${k}.pb`); k++) {
        const o = graph.outputs[k];
        if (!o) return `mismatch: ${set} expects output ${k} the model does not have`;
        const expected = asDeclared(readTensor(join(dir, set, `output_${k}.pb`)), o.dtype);
        const bad = compareTensors(`${set}/output_${k}`, out[o.name], expected, tol);
        if (bad) return `mismatch: ${bad}`;
      }
    }
    return "pass";
  } catch (e) {
    return statusOf(e, dir);
  }
}

/**
 * The input ONNX's backend runner generates for a light model: for each non-initializer float
 * input, arange(n)/n in its shape (symbolic dims as 1), computed in float64 then cast.
 */
export function lightInput(shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => i / n);
}

/** A light model: light_<name>.onnx with light_<name>_output_0.pb beside it. */
export function runLightCase(dir: string, name: string, tol: Tolerance, evaluateToo = true): string {
  try {
    const model = decodeModel(new Uint8Array(readFileSync(join(dir, `${name}.onnx`))));
    const graph = loadGraph(model, { maxBytes: 2 ** 31 });
    if (!evaluateToo) return "pass";
    const inputs: Record<string, Tensor> = {};
    for (const i of graph.inputs) inputs[i.name] = { dtype: "float32", shape: i.shape, data: lightInput(i.shape) };
    const out = evaluate(graph, inputs);
    for (let k = 0; existsSync(join(dir, `${name}_output_${k}.pb`)); k++) {
      const bad = compareTensors(`output_${k}`, out[graph.outputs[k]!.name], readTensor(join(dir, `${name}_output_${k}.pb`)), tol);
      if (bad) return `mismatch: ${bad}`;
    }
    return "pass";
  } catch (e) {
    return statusOf(e, dir);
  }
}
