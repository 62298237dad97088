/**
 * onnx/: decode .onnx bytes into plain data (`decodeModel`), read TensorProto files
 * (`decodeTensorFile`), and summarize a model (`summarize`). Errors are `OnnxError`.
 */
export { decodeModel, decodeTensor, decodeTensorFile, MAX_TENSOR_ELEMENTS } from "./decode.ts";
export { OnnxError } from "./errors.ts";
export { summarize, type ModelSummary } from "./summary.ts";
export type * from "./types.ts";
