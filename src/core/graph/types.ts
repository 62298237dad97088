// The graph IR: what eval/, quant/, circuit/ and the app read. Plain data, concrete shapes.
import type { AttrValue } from "../onnx/index.ts";
import type { DType, Tensor } from "./tensor.ts";

export interface TensorInfo {
  name: string;
  dtype: DType;
  /** Concrete dimensions (symbols were bound at load). */
  shape: number[];
}

export interface GraphNode {
  /** Stable id: the ONNX node name, or a generated one (`<OpType>_<index>`), made unique. */
  id: string;
  opType: string;
  domain: string;
  /** Input value names; "" marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Readonly<Record<string, AttrValue>>;
}

export interface Graph {
  name: string;
  /** Version of the default (ai.onnx) opset the model imports. */
  opset: number;
  /** Nodes left after folding and dead-node removal, in topological order. */
  nodes: GraphNode[];
  /** Every live value (inputs, intermediates, outputs, constants) by name. */
  tensors: Map<string, TensorInfo>;
  /** Values known at load: initializers and folded node outputs still in use. */
  constants: Map<string, Tensor>;
  /** Values the caller supplies at run time. */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** The symbolic dimensions and the values they were bound to. */
  dims: Record<string, number>;
}
