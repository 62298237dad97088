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
