// A generated ONNX model of `n` nodes in name scopes (/stage{s}/block{b}/…), for the
// large-graph browser test: residual blocks x + sigmoid(x) on a [1, 8] tensor (values stay finite).
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** An opset-17 model of this graph, encoded. */
function encodeModel(graph: Record<string, unknown>): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: "zkml-studio e2e", opsetImport: [{ domain: "", version: 17 }], graph })).finish();
}

/** A graph input or output of a tensor type (elemType 1: float, 7: int64). */
const valueInfo = (name: string, dims: number[], elemType = 1) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });

export function generatedModel(n: number): Uint8Array {
  const nodes: { name: string; opType: string; input: string[]; output: string[] }[] = [];
  let cur = "x", i = 0;
  while (nodes.length < n) {
    const s = Math.floor(i / 400), b = Math.floor(i / 20) % 20;
    const scope = `/stage${s}/block${b}`;
    const a = `t${i}a`, r = `t${i}r`;
    nodes.push({ name: `${scope}/Sigmoid_${i}`, opType: "Sigmoid", input: [cur], output: [a] });
    nodes.push({ name: `${scope}/Add_${i}`, opType: "Add", input: [a, cur], output: [r] });
    cur = r;
    i++;
  }
  return encodeModel({ name: `generated_${n}`, node: nodes, input: [valueInfo("x", [1, 8])], output: [valueInfo(cur, [1, 8])] });
}

/** x → Relu → <op> → Relu: a small model with one op the tool may not support. */
export function modelWithOp(opType: string): Uint8Array {
  return encodeModel({
    name: "with_" + opType,
    node: [
      { name: "/pre/Relu", opType: "Relu", input: ["x"], output: ["a"] },
      { name: "/mid/Op", opType, input: ["a"], output: ["b"] },
      { name: "/post/Relu", opType: "Relu", input: ["b"], output: ["y"] },
    ],
    input: [valueInfo("x", [1, 4])],
    output: [valueInfo("y", [1, 4])],
  });
}

/** Seeded float weights (initializers), values in ±0.4. */
function seededWeights(seed: number): (name: string, dims: number[]) => { name: string; dims: number[]; dataType: number; floatData: number[] } {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.8;
  return (name, dims) => ({ name, dims, dataType: 1, floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, rnd) });
}

/**
 * A tiny UNet with the ops a segmentation model brings: conv, pool, a nearest ×2 Resize, a skip
 * Concat, a ConvTranspose and a 1×1 conv head on an [1, 2, 8, 8] input (seeded weights).
 */
export function tinyUnet(): Uint8Array {
  const w = seededWeights(7), vi = valueInfo;
  const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
  const str = (name: string, v: string) => ({ name, type: 3, s: new TextEncoder().encode(v) });
  return encodeModel({
    name: "tiny_unet",
    initializer: [w("w1", [4, 2, 3, 3]), w("w2", [4, 4, 3, 3]), w("wt", [8, 4, 2, 2]), w("w3", [2, 4, 1, 1]),
      { name: "roi", dims: [0], dataType: 1, floatData: [] }, { name: "sc", dims: [4], dataType: 1, floatData: [1, 1, 2, 2] }],
    node: [
      { name: "/down/Conv", opType: "Conv", input: ["x", "w1"], output: ["c1"], attribute: [ints("pads", [1, 1, 1, 1])] },
      { name: "/down/Relu", opType: "Relu", input: ["c1"], output: ["r1"] },
      { name: "/down/MaxPool", opType: "MaxPool", input: ["r1"], output: ["p1"], attribute: [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])] },
      { name: "/mid/Conv", opType: "Conv", input: ["p1", "w2"], output: ["c2"], attribute: [ints("pads", [1, 1, 1, 1])] },
      { name: "/mid/Relu", opType: "Relu", input: ["c2"], output: ["r2"] },
      { name: "/up/Resize", opType: "Resize", input: ["r2", "roi", "sc"], output: ["u"], attribute: [str("mode", "nearest"), str("coordinate_transformation_mode", "asymmetric"), str("nearest_mode", "floor")] },
      { name: "/up/Concat", opType: "Concat", input: ["r1", "u"], output: ["cat"], attribute: [{ name: "axis", type: 2, i: 1 }] },
      { name: "/up/ConvTranspose", opType: "ConvTranspose", input: ["cat", "wt"], output: ["t"], attribute: [ints("pads", [1, 1, 0, 0]), ints("kernel_shape", [2, 2])] },
      { name: "/head/Conv", opType: "Conv", input: ["t", "w3"], output: ["y"] },
    ],
    input: [vi("x", [1, 2, 8, 8])],
    output: [vi("y", [1, 2, 8, 8])],
  });
}

/** A classifier exported with its argmax: x [1, 16] → Gemm [16 → 10] → Relu → Gemm [10 → 5] → ArgMax (int64 [1]). */
export function argmaxClassifier(): Uint8Array {
  const w = seededWeights(11), vi = valueInfo;
  return encodeModel({
    name: "argmax_classifier",
    initializer: [w("w1", [16, 10]), w("b1", [10]), w("w2", [10, 5]), w("b2", [5])],
    node: [
      { name: "/fc1/Gemm", opType: "Gemm", input: ["x", "w1", "b1"], output: ["h"] },
      { name: "/fc1/Relu", opType: "Relu", input: ["h"], output: ["r"] },
      { name: "/fc2/Gemm", opType: "Gemm", input: ["r", "w2", "b2"], output: ["logits"] },
      { name: "/ArgMax", opType: "ArgMax", input: ["logits"], output: ["y"], attribute: [{ name: "axis", type: 2, i: 1 }, { name: "keepdims", type: 2, i: 0 }] },
    ],
    input: [vi("x", [1, 16])],
    output: [vi("y", [1], 7)],
  });
}
