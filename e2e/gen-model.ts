// A generated ONNX model of `n` nodes in name scopes (/stage{s}/block{b}/…), for the
// large-graph browser test: residual blocks x + sigmoid(x) on a [1, 8] tensor (values stay finite).
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

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
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 8 }] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "zkml-studio e2e",
    opsetImport: [{ domain: "", version: 17 }],
    graph: { name: `generated_${n}`, node: nodes, input: [vi("x")], output: [vi(cur)] },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** x → Relu → <op> → Relu: a small model with one op the tool may not support. */
export function modelWithOp(opType: string): Uint8Array {
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "zkml-studio e2e",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "with_" + opType,
      node: [
        { name: "/pre/Relu", opType: "Relu", input: ["x"], output: ["a"] },
        { name: "/mid/Op", opType, input: ["a"], output: ["b"] },
        { name: "/post/Relu", opType: "Relu", input: ["b"], output: ["y"] },
      ],
      input: [vi("x")],
      output: [vi("y")],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A tiny UNet with the ops a segmentation model brings: conv, pool, a nearest ×2 Resize, a skip
 * Concat, a ConvTranspose and a 1×1 conv head on an [1, 2, 8, 8] input (seeded weights).
 */
export function tinyUnet(): Uint8Array {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.8;
  const w = (name: string, dims: number[]) => ({ name, dims, dataType: 1, floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, rnd) });
  const ints = (name: string, v: number[]) => ({ name, type: 7, ints: v });
  const str = (name: string, v: string) => ({ name, type: 3, s: new TextEncoder().encode(v) });
  const vi = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "zkml-studio e2e",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
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
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** A classifier exported with its argmax: x [1, 16] → Gemm [16 → 10] → Relu → Gemm [10 → 5] → ArgMax (int64 [1]). */
export function argmaxClassifier(): Uint8Array {
  let s = 11;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.8;
  const w = (name: string, dims: number[]) => ({ name, dims, dataType: 1, floatData: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, rnd) });
  const vi = (name: string, dims: number[], elemType = 1) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "zkml-studio e2e",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
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
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
