import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { coerceInput, evaluate, parseJsonTensor, parseNpy, type InputTensor } from "../../core/eval/index.ts";
import { dimsFromShapes, fromTensorData, loadGraph, type Graph, type Tensor } from "../../core/graph/index.ts";
import { decodeModel, decodeTensorFile, encodeTensor, type OnnxModel } from "../../core/onnx/index.ts";
import { parsePlan, quantizeWithPlan, runOutputsAsFloat } from "../../core/quant/index.ts";
import { CliError, readInput, type Output } from "../io.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE.run;

/** Reads one input file by its extension: TensorProto (.pb), NumPy (.npy) or JSON arrays (.json). */
export function readTensorFile(path: string): InputTensor {
  const bytes = readInput(path, "input");
  switch (extname(path).toLowerCase()) {
    case ".npy": return parseNpy(bytes, path);
    case ".json": return parseJsonTensor(new TextDecoder().decode(bytes), path);
    default: return fromTensorData(decodeTensorFile(bytes, path));
  }
}

/** `--input a.pb` for a one-input model, or `--input name=a.pb` per input. */
function readInputs(model: OnnxModel, specs: string[]): Record<string, InputTensor> {
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  const names = model.graph.inputs.map((v) => v.name).filter((n) => !inits.has(n));
  const out: Record<string, InputTensor> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const named = eq > 0 && names.includes(spec.slice(0, eq));
    const name = named ? spec.slice(0, eq) : names.length === 1 ? names[0]! : undefined;
    if (name === undefined) throw new CliError(`the model has inputs ${names.join(", ")}: pass each as --input name=<file>`, 2);
    out[name] = readTensorFile(named ? spec.slice(eq + 1) : spec);
  }
  for (const n of names) if (!Object.hasOwn(out, n)) throw new CliError(`missing --input for model input ${n}`, 2);
  return out;
}

/** `--dim sym=N` options as a dims record for loadGraph. */
export function parseDims(specs: string[]): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const s of specs) {
    const m = /^([^=]+)=(\d+)$/.exec(s);
    if (!m) throw new CliError(`--dim expects name=N, got '${s}'`, 2);
    dims[m[1]!] = Number(m[2]);
  }
  return dims;
}

/** `--plan`: the integer evaluator on the plan's quantized graph, outputs read back as floats. */
function runWithPlan(graph: Graph, planPath: string, inputs: Record<string, InputTensor>): Record<string, Tensor> {
  const plan = parsePlan(new TextDecoder().decode(readInput(planPath, "plan")));
  const floats = Object.fromEntries(graph.inputs.map((i) => [i.name, coerceInput(i, inputs[i.name]!)]));
  return runOutputsAsFloat(quantizeWithPlan(graph, plan), graph.outputs.map((o) => o.name), floats);
}

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      input: { type: "string", multiple: true },
      out: { type: "string" },
      dim: { type: "string", multiple: true },
      json: { type: "boolean" },
      plan: { type: "string" },
    },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (!path || positionals.length > 1 || !values.input) throw new CliError(`usage: ${usage}`, 2);
  const model = decodeModel(readInput(path, "model"));
  const inputs = readInputs(model, values.input);
  const shapes = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, [...t.shape]]));
  const graph = loadGraph(model, { dims: { ...dimsFromShapes(model, shapes), ...parseDims(values.dim ?? []) } });
  const outputs = values.plan ? runWithPlan(graph, values.plan, inputs) : evaluate(graph, inputs);
  if (values.out) {
    if (graph.outputs.length !== 1) throw new CliError(`--out writes one tensor but the model has ${graph.outputs.length} outputs`, 2);
    const o = graph.outputs[0]!;
    writeFileSync(values.out, encodeTensor(outputs[o.name]!, o.name));
  }
  if (values.json) {
    const plain = (t: Tensor) => ({ dtype: t.dtype, shape: t.shape, data: Array.from(t.data as ArrayLike<number>) });
    io.out(JSON.stringify({ outputs: Object.fromEntries(graph.outputs.map((o) => [o.name, plain(outputs[o.name]!)])) }));
    return 0;
  }
  for (const o of graph.outputs) {
    const t = outputs[o.name]!;
    const vals = Array.from(t.data as ArrayLike<number>);
    const shown = vals.slice(0, 32).map((v) => (Number.isInteger(v) ? String(v) : v.toPrecision(6))).join(" ");
    io.out(`${o.name}  ${t.dtype} [${t.shape.join(",")}]  ${shown}${vals.length > 32 ? ` … (${vals.length} values)` : ""}`);
  }
  if (values.out) io.out(`wrote ${values.out}`);
  return 0;
}
