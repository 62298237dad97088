import { describe, expect, it } from "vitest";
import onnxProto from "onnx-proto";
import { evaluate } from "../eval/index.ts";
import { decodeModel, decodeTensorFile, OnnxError } from "../onnx/index.ts";
import { GraphError, loadGraph } from "./index.ts";
import { roundToBfloat16, roundToFloat16 } from "./tensor.ts";
import { f32, i64, int, ints, makeModel } from "./test-models.ts";

function graphError(fn: () => unknown): GraphError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  throw new Error("expected a GraphError");
}

describe("loadGraph: folding, order, pruning", () => {
  it("folds a Shape → Gather → Unsqueeze → Concat → Reshape chain into one Reshape with a constant shape", () => {
    const m = makeModel({
      inputs: [["x", "float32", ["batch", 3, 4]]],
      outputs: [["y"]],
      initializers: [i64("zero", [0], []), i64("minus1", [-1])],
      nodes: [
        { op: "Shape", in: ["x"], out: ["s"] },
        { op: "Gather", in: ["s", "zero"], out: ["b"], attrs: { axis: int(0) } },
        { op: "Unsqueeze", in: ["b", "axes"], out: ["b1"] },
        { op: "Constant", in: [], out: ["axes"], attrs: { value: { kind: "tensor", value: i64("", [0]) } } },
        { op: "Concat", in: ["b1", "minus1"], out: ["target"], attrs: { axis: int(0) } },
        { op: "Reshape", in: ["x", "target"], out: ["y"] },
      ],
    });
    const g = loadGraph(m, { dims: { batch: 2 } });
    expect(g.nodes.map((n) => n.opType)).toEqual(["Reshape"]);
    expect(Array.from(g.constants.get("target")!.data as Float64Array)).toEqual([2, -1]);
    expect(g.outputs).toEqual([{ name: "y", dtype: "float32", shape: [2, 12] }]);
    expect(g.dims).toEqual({ batch: 2 });
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    const y = evaluate(g, { x: { dtype: "float32", shape: [2, 3, 4], data: x } }).y!;
    expect(y.shape).toEqual([2, 12]);
    expect(Array.from(y.data as Float32Array)).toEqual(Array.from(x));
  });

  it("folds Identity of an initializer and Transpose of a weight, keeping only the MatMul", () => {
    const m = makeModel({
      inputs: [["x", "float32", [1, 2]]],
      outputs: [["y"]],
      initializers: [f32("w", [3, 2], [1, 2, 3, 4, 5, 6])],
      nodes: [
        { op: "Identity", in: ["w"], out: ["w1"] },
        { op: "Transpose", in: ["w1"], out: ["wt"] },
        { op: "MatMul", in: ["x", "wt"], out: ["y"] },
      ],
    });
    const g = loadGraph(m);
    expect(g.nodes.map((n) => n.opType)).toEqual(["MatMul"]);
    expect(Array.from(g.constants.get("wt")!.data as Float32Array)).toEqual([1, 3, 5, 2, 4, 6]);
    expect([...g.constants.keys()]).toEqual(["wt"]); // w and w1 are no longer needed
    const y = evaluate(g, { x: { shape: [1, 2], data: [1, 10] } }).y!;
    expect(Array.from(y.data as Float32Array)).toEqual([21, 43, 65]);
  });

  it("orders nodes topologically and drops nodes no output depends on", () => {
    const m = makeModel({
      inputs: [["x", "float32", [4]]],
      outputs: [["z"]],
      nodes: [
        { op: "Neg", name: "last", in: ["y"], out: ["z"] },
        { op: "Exp", name: "unused", in: ["x"], out: ["dead"] },
        { op: "Relu", name: "first", in: ["x"], out: ["y"] },
      ],
    });
    const g = loadGraph(m);
    expect(g.nodes.map((n) => n.id)).toEqual(["first", "last"]);
    expect(g.tensors.has("dead")).toBe(false);
  });

  it("makes repeated node names unique in file order", () => {
    const m = makeModel({
      inputs: [["x", "float32", [2]]],
      outputs: [["b"]],
      nodes: [
        { op: "Relu", name: "act", in: ["x"], out: ["a"] },
        { op: "Neg", name: "act", in: ["a"], out: ["b"] },
      ],
    });
    expect(loadGraph(m).nodes.map((n) => n.id)).toEqual(["act", "act#2"]);
  });
});

describe("loadGraph: bad graphs give a GraphError naming the node or tensor", () => {
  const relu = (i: string, o: string, name: string) => ({ op: "Relu", name, in: [i], out: [o] });

  it("rejects a cycle", () => {
    const m = makeModel({ inputs: [["x", "float32", [2]]], outputs: [["b"]], nodes: [relu("b", "a", "A"), relu("a", "b", "B")] });
    const e = graphError(() => loadGraph(m));
    expect(e.message).toMatch(/cycle through node\(s\) A, B/);
  });

  it("rejects a missing input or initializer", () => {
    const m = makeModel({ inputs: [["x", "float32", [2]]], outputs: [["y"]], nodes: [{ op: "Add", name: "add", in: ["x", "bias"], out: ["y"] }] });
    const e = graphError(() => loadGraph(m));
    expect(e.message).toMatch(/node add reads bias, which is no input, initializer or node output/);
    expect(e.where).toEqual({ node: "add", tensor: "bias" });
  });

  it("lists every unsupported op by node name", () => {
    const m = makeModel({
      inputs: [["x", "float32", [2]]],
      outputs: [["z"]],
      nodes: [
        { op: "Frobnicate", name: "f1", in: ["x"], out: ["y"] },
        { op: "Relu", name: "ok", in: ["y"], out: ["y2"] },
        { op: "Wibble", name: "w1", in: ["y2"], out: ["z"], domain: "com.example" },
      ],
    });
    const e = graphError(() => loadGraph(m));
    expect(e.where.ops).toEqual(["Frobnicate", "com.example:Wibble"]);
    expect(e.message).toContain("f1 (Frobnicate), w1 (com.example:Wibble)");
  });

  it("rejects an unknown opset", () => {
    const m = makeModel({ opset: 99, inputs: [["x", "float32", [2]]], outputs: [["y"]], nodes: [relu("x", "y", "r")] });
    expect(graphError(() => loadGraph(m)).message).toMatch(/opset 99; this front end supports opsets 1–22/);
  });

  it("rejects a shape mismatch, naming the node", () => {
    const m = makeModel({
      inputs: [["a", "float32", [2, 3]], ["b", "float32", [4, 5]]],
      outputs: [["y"]],
      nodes: [{ op: "MatMul", name: "mm", in: ["a", "b"], out: ["y"] }],
    });
    const e = graphError(() => loadGraph(m));
    expect(e.message).toMatch(/node mm: MatMul inner dimensions differ: \[2,3\] × \[4,5\]/);
  });

  it("rejects negative and absurd dimensions before allocating anything", () => {
    const neg = makeModel({ inputs: [["x", "float32", [2, -3]]], outputs: [["y"]], nodes: [relu("x", "y", "r")] });
    expect(graphError(() => loadGraph(neg)).message).toMatch(/input x has dimension -3/);
    const huge = makeModel({ inputs: [["x", "float32", [2 ** 20, 2 ** 20]]], outputs: [["y"]], nodes: [relu("x", "y", "r")] });
    expect(graphError(() => loadGraph(huge)).message).toMatch(/input x would hold 1099511627776 elements, over the limit/);
    const fill = makeModel({
      inputs: [["x", "float32", [2]]],
      outputs: [["y"]],
      initializers: [i64("shape", [65536, 65536])],
      nodes: [{ op: "ConstantOfShape", name: "big", in: ["shape"], out: ["c"] }, { op: "Add", in: ["x", "c"], out: ["y"] }],
    });
    expect(graphError(() => loadGraph(fill)).message).toMatch(/output c of node big would hold 4294967296 elements/);
  });

  it("refuses a graph that needs more memory than the limit", () => {
    const m = makeModel({
      inputs: [["x", "float32", [1024, 1024]]],
      outputs: [["z"]],
      nodes: [relu("x", "y", "r1"), relu("y", "z", "r2")],
    });
    expect(loadGraph(m, { maxBytes: 16 * 2 ** 20 }).nodes).toHaveLength(2);
    expect(graphError(() => loadGraph(m, { maxBytes: 8 * 2 ** 20 })).message).toMatch(/needs more than 8 MiB \(at output z of node r2\)/);
  });

  it("rejects a graph output declared with another shape than it computes", () => {
    const m = makeModel({ inputs: [["x", "float32", [2, 3]]], outputs: [["y", "float32", [3, 2]]], nodes: [relu("x", "y", "r")] });
    expect(graphError(() => loadGraph(m)).message).toMatch(/graph output y is declared \[3,2\] but computes \[2,3\]/);
  });

  it("binds a leading symbol to 1 and asks for any other symbol", () => {
    const m = makeModel({ inputs: [["x", "float32", ["N", "seq"]]], outputs: [["y"]], nodes: [relu("x", "y", "r")] });
    expect(graphError(() => loadGraph(m)).message).toMatch(/dimension 1 of input x is symbolic \('seq'\); give its size/);
    expect(loadGraph(m, { dims: { seq: 5 } }).inputs[0]!.shape).toEqual([1, 5]);
  });
});

describe("onnx decoding of damaged bytes", () => {
  const { onnx } = onnxProto;

  it("rejects a tensor whose declared size exceeds its data", () => {
    const bytes = onnx.TensorProto.encode({ name: "t", dims: [10], dataType: 1, rawData: new Uint8Array(8) }).finish();
    expect(() => decodeTensorFile(bytes, "t.pb")).toThrow(/declares 10 elements but its raw data has 8 bytes/);
  });

  it("rejects random bytes and a protobuf that is not a model", () => {
    expect(() => decodeModel(Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff))).toThrow(OnnxError);
    const tensor = onnx.TensorProto.encode({ name: "t", dims: [2], dataType: 1, floatData: [1, 2] }).finish();
    expect(() => decodeModel(tensor)).toThrow(/not a valid ONNX model/);
  });

  it("reads external data from supplied side files, and asks for them when missing", () => {
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 17 }],
      graph: {
        node: [{ opType: "Add", input: ["x", "w"], output: ["y"] }],
        input: [{ name: "x", type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }],
        output: [{ name: "y" }],
        initializer: [{
          name: "w", dims: [2], dataType: 1, dataLocation: 1,
          externalData: [{ key: "location", value: "w.bin" }, { key: "offset", value: "4" }, { key: "length", value: "8" }],
        }],
      },
    }).finish();
    expect(() => decodeModel(model)).toThrow(/external file 'w.bin'; supply that side file/);
    const side = new Uint8Array(new Float32Array([99, 1.5, -2]).buffer);
    const g = loadGraph(decodeModel(model, { externalData: { "w.bin": side } }));
    const y = evaluate(g, { x: { shape: [2], data: [1, 1] } }).y!;
    expect(Array.from(y.data as Float32Array)).toEqual([2.5, -1]);
    expect(() => decodeModel(model, { externalData: { "w.bin": side.subarray(0, 8) } })).toThrow(/points at bytes 4\.\.12 of 'w.bin', which has 8/);
  });
});

describe("16-bit float rounding", () => {
  it("rounds to the nearest float16, ties to even, with overflow and subnormals", () => {
    expect(roundToFloat16(1 / 3)).toBe(0.333251953125);
    expect(roundToFloat16(65504)).toBe(65504);
    expect(roundToFloat16(65519)).toBe(65504);
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(roundToFloat16(2 ** -24)).toBe(2 ** -24);
    expect(roundToFloat16(2 ** -25)).toBe(0);
    expect(roundToFloat16(1.5 * 2 ** -24)).toBe(2 ** -23);
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // tie between 1 and 1+2^-10: even is 1
    expect(roundToFloat16(-(1 + 3 * 2 ** -11))).toBe(-(1 + 2 ** -9));
  });

  it("rounds to the nearest bfloat16, ties to even", () => {
    expect(roundToBfloat16(1 / 3)).toBe(0.333984375);
    expect(roundToBfloat16(1 + 2 ** -8)).toBe(1);
    expect(roundToBfloat16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6);
  });
});

describe("attributes and ops at old opsets", () => {
  it("reads Slice bounds from attributes before opset 10, INT64_MAX ends included", () => {
    const m = makeModel({
      opset: 9,
      inputs: [["x", "float32", [5]]],
      outputs: [["y"]],
      nodes: [{ op: "Slice", in: ["x"], out: ["y"], attrs: { starts: ints([1]), ends: ints([2 ** 63]), axes: ints([0]) } }],
    });
    const y = evaluate(loadGraph(m), { x: { shape: [5], data: [0, 1, 2, 3, 4] } }).y!;
    expect(Array.from(y.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });
});
