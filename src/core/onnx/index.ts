/**
 * onnx/: decode .onnx bytes into plain data (`decodeModel`), read TensorProto files
 * (`decodeTensorFile`), and summarize a model (`summarize`). Errors are `OnnxError`.
 * External data: pass the side files to `decodeModel(bytes, { externalData })`.
 * `encodeTensor` writes a tensor back as TensorProto bytes.
 */
export { decodeModel, decodeTensor, decodeTensorFile, DTYPES, MAX_TENSOR_ELEMENTS, type DecodeOptions } from "./decode.ts";
export { encodeTensor, type PlainTensor } from "./encode.ts";
export { OnnxError } from "./errors.ts";
export { summarize, type ModelSummary } from "./summary.ts";
export type * from "./types.ts";
