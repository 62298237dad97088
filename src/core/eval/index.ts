/**
 * eval/: the float reference evaluator.
 *
 * `evaluate(graph, inputs, { onNode? })` runs a graph from graph/`loadGraph` on plain tensors
 * `{ dtype, shape, data }` (Float32Array for float32; int64 as integer-valued numbers in a
 * Float64Array, though number[] and BigInt64Array are accepted) and returns the graph outputs
 * by name. `onNode(node, outputs)` sees every node's outputs as they are computed (calibration
 * records ranges through it). Errors are `EvalError` naming the input or node.
 * `parseNpy` / `parseJsonTensor` read inputs from .npy bytes and JSON arrays.
 */
export { evaluate, type EvaluateOptions } from "./evaluate.ts";
export { EvalError } from "./errors.ts";
export { coerceInput, type InputTensor } from "./inputs.ts";
export { parseJsonTensor, parseNpy } from "./tensor-formats.ts";
