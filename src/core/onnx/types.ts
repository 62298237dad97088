// The decoded ONNX model as plain data: what every later stage reads.

export type DType =
  | "float32" | "uint8" | "int8" | "uint16" | "int16" | "int32" | "int64" | "string"
  | "bool" | "float16" | "float64" | "uint32" | "uint64" | "bfloat16";

/** A dimension: a number, or a symbol (e.g. "batch") still to be bound. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType | undefined;
  shape: Dim[] | undefined;
}

export interface TensorData {
  name: string;
  dtype: DType;
  dims: number[];
  /**
   * Element values; int64/uint64 are held as numbers (exact to 2^53; larger sentinels such as
   * INT64_MAX round), float16/bfloat16 as their raw 16-bit patterns.
   */
  data: Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | number[] | string[];
}

export type AttrValue =
  | { kind: "float"; value: number }
  | { kind: "int"; value: number }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: TensorData }
  | { kind: "floats"; value: number[] }
  | { kind: "ints"; value: number[] }
  | { kind: "strings"; value: string[] }
  | { kind: "graph"; value: null };

export interface OnnxNode {
  /** The ONNX name, or a generated stable one when empty. */
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttrValue>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: ValueInfo[];
  initializers: TensorData[];
}

export interface OnnxModel {
  irVersion: number;
  producer: string;
  /** domain ("" = ai.onnx) → version */
  opsets: Record<string, number>;
  graph: OnnxGraph;
}
