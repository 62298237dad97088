// Writes tensors as ONNX TensorProto bytes (the format of test data and of `zkml run --out`).
import onnxProto from "onnx-proto";
import { DTYPES } from "./decode.ts";
import { OnnxError } from "./errors.ts";
import type { DType } from "./types.ts";

const { onnx } = onnxProto;

const CODES = new Map<DType, number>(Object.entries(DTYPES).map(([code, d]) => [d, Number(code)]));

export interface PlainTensor {
  dtype: DType;
  shape: readonly number[];
  data: ArrayLike<number> | readonly string[];
}

/** Little-endian raw bytes of numeric values in the dtype's width. */
function rawBytes(t: PlainTensor): Uint8Array {
  const v = t.data as ArrayLike<number>;
  const n = v.length;
  switch (t.dtype) {
    case "float32": return new Uint8Array(Float32Array.from(v).buffer);
    case "float64": return new Uint8Array(Float64Array.from(v).buffer);
    case "int64": return new Uint8Array(BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(v[i]!))).buffer);
    case "uint64": return new Uint8Array(BigUint64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(v[i]!))).buffer);
    case "int32": return new Uint8Array(Int32Array.from(v).buffer);
    case "uint32": return new Uint8Array(Uint32Array.from(v).buffer);
    case "int16": return new Uint8Array(Int16Array.from(v).buffer);
    case "uint16": return new Uint8Array(Uint16Array.from(v).buffer);
    case "int8": return new Uint8Array(Int8Array.from(v).buffer);
    case "uint8": case "bool": return Uint8Array.from(v);
    default: throw new OnnxError(`writing ${t.dtype} tensors is not supported; cast to float32 first`);
  }
}

/** Encodes a tensor as a TensorProto (raw_data; strings in string_data). */
export function encodeTensor(t: PlainTensor, name = ""): Uint8Array {
  const dataType = CODES.get(t.dtype)!;
  const dims = [...t.shape];
  if (t.dtype === "string") {
    const enc = new TextEncoder();
    return onnx.TensorProto.encode({ name, dims, dataType, stringData: (t.data as readonly string[]).map((s) => enc.encode(s)) }).finish();
  }
  return onnx.TensorProto.encode({ name, dims, dataType, rawData: rawBytes(t) }).finish();
}
