// Small hand-built models for tests: plain OnnxModel data, no protobuf needed.
import type { AttrValue, Dim, DType, OnnxModel, OnnxNode, TensorData } from "../onnx/index.ts";

export interface NodeSpec {
  op: string;
  name?: string;
  in: string[];
  out: string[];
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

export function node(s: NodeSpec, i = 0): OnnxNode {
  return { name: s.name ?? `${s.op}_${i}`, opType: s.op, domain: s.domain ?? "", inputs: s.in, outputs: s.out, attributes: s.attrs ?? {} };
}

export function f32(name: string, dims: number[], values?: number[]): TensorData {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dtype: "float32", dims, data: Float32Array.from(values ?? Array.from({ length: n }, (_, i) => i + 1)) };
}

export function i64(name: string, values: number[], dims = [values.length]): TensorData {
  return { name, dtype: "int64", dims, data: values };
}

export const ints = (value: number[]): AttrValue => ({ kind: "ints", value });
export const int = (value: number): AttrValue => ({ kind: "int", value });

export function makeModel(opts: {
  nodes: NodeSpec[];
  inputs: [string, DType, Dim[]][];
  outputs: [string, DType?, Dim[]?][];
  initializers?: TensorData[];
  opset?: number;
}): OnnxModel {
  return {
    irVersion: 8,
    producer: "test",
    opsets: { "": opts.opset ?? 17 },
    graph: {
      name: "test",
      nodes: opts.nodes.map((s, i) => node(s, i)),
      inputs: opts.inputs.map(([name, dtype, shape]) => ({ name, dtype, shape })),
      outputs: opts.outputs.map(([name, dtype, shape]) => ({ name, dtype, shape })),
      valueInfo: [],
      initializers: opts.initializers ?? [],
    },
  };
}

/** xorshift32 in [0, 1): seeded randomness for tests. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}
