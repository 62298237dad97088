/**
 * graph/: the model as a graph IR with concrete shapes.
 *
 * - `loadGraph(model, { dims?, maxBytes? })` turns a decoded ONNX model (onnx/) into a `Graph`:
 *   nodes in topological order with stable ids, every value's dtype and shape, constants
 *   (initializers and everything folded from them, including Shape→…→Reshape chains),
 *   dead nodes removed. Every problem is a `GraphError` naming the node or tensor.
 *   `dimsFromShapes(model, shapes)` derives `dims` from concrete input shapes.
 * - `opDef(domain, opType)` / `supportedOps()`: the op table. Each op has shape inference and
 *   a float kernel; eval/ runs the kernels, folding here uses the same ones.
 * - Tensors are plain `{ dtype, shape, data }` (see tensor.ts for the storage of each dtype;
 *   int64 is held as integer-valued numbers in a Float64Array).
 */
export { loadGraph, dimsFromShapes, DEFAULT_MAX_BYTES, MAX_OPSET, MIN_OPSET, type LoadOptions } from "./load.ts";
export { GraphError } from "./errors.ts";
export { Attrs } from "./attrs.ts";
export { slidingWindow, transposedWindow, type Window } from "./ops/spatial.ts";
export { resizeTaps, type Taps } from "./ops/resize.ts";
export { depthSpacePlan, gatherElementsOffsets, gatherNdPlan } from "./ops/layout.ts";
export { erf } from "./ops/erf.ts";
export { opDef, supportedOps, type OpCtx, type OpDef, type OutMeta, type ValueMeta } from "./ops/index.ts";
export {
  allocValues, bytesPerElement, fromTensorData, isFloat, isInteger, makeTensor, sizeOf, stridesOf,
  type DType, type NumTensor, type Tensor, type TensorValues,
} from "./tensor.ts";
export type { Graph, GraphNode, TensorInfo } from "./types.ts";
