// Completeness on the shared models (PROTOCOL §9): calibrate on the digits data, prove the
// reference input, verify; the proved output is the integer evaluator's.
import { describe, expect } from "vitest";
import { decodeModel, decodeTensorFile } from "../../src/core/onnx/index.ts";
import { loadGraph, fromTensorData, type Graph, type Tensor } from "../../src/core/graph/index.ts";
import { calibrate } from "../../src/core/quant/calibrate.ts";
import { generatedSamples } from "../../src/core/quant/data.ts";
import { runQuantized, quantizeInput } from "../../src/core/quant/run.ts";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { commitModel, prove, outputsOf } from "../../src/core/prover/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { itShared, readShared } from "../shared-data.ts";

function samplesOf(file: string, count: number, inName: string): Record<string, Tensor>[] {
  const t = fromTensorData(decodeTensorFile(readShared(file)));
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = t.data as Float32Array;
  return Array.from({ length: count }, (_, i) => ({ [inName]: { dtype: "float32", shape: [1, ...t.shape.slice(1)], data: data.slice(i * per, (i + 1) * per) } as Tensor }));
}

function licenseWindows(count: number, inName: string): Record<string, Tensor>[] {
  const text = readShared("onnx-backend-tests/LICENSE");
  return Array.from({ length: count }, (_, i) => ({ [inName]: { dtype: "int64", shape: [1, 16], data: Float64Array.from(text.subarray(i * 97, i * 97 + 16)) } as Tensor }));
}

interface Case {
  model: string;
  samples: (inName: string, graph: Graph) => Record<string, Tensor>[];
  /** The ONNX file (default models/<model>/model.onnx) and the input to prove (default its reference input). */
  file?: string;
  input?: (graph: Graph) => Tensor;
}

const CASES: Case[] = [
  { model: "digits_mlp", samples: (n) => samplesOf("models/digits/calibration_x.pb", 64, n) },
  { model: "digits_cnn", samples: (n) => samplesOf("models/digits/calibration_x_img.pb", 64, n) },
  { model: "tiny_gpt", samples: (n) => licenseWindows(16, n) },
  // Random weights: calibrated on generated inputs (seeded), as its accuracy target is.
  { model: "vgg16_cifar10", samples: (_, g) => generatedSamples(g, 4, 1) },
  // The ONNX zoo's SqueezeNet 1.0 (opset 9, 224×224; constant weights): Concat of fire modules,
  // AveragePool, and a Softmax over the channels of [1, 1000, 1, 1].
  {
    model: "light_squeezenet", file: "onnx-backend-tests/light/light_squeezenet.onnx",
    samples: (_, g) => generatedSamples(g, 1, 1), input: (g) => Object.values(generatedSamples(g, 1, 2)[0]!)[0]!,
  },
];

describe("shared models prove and verify", () => {
  for (const c of CASES) {
    const file = c.file ?? `models/${c.model}/model.onnx`;
    itShared(file, `${c.model}: calibrated, proved on ${c.input ? "a generated input" : "its reference input"}, verified`, () => {
      const graph = loadGraph(decodeModel(readShared(file)));
      const inName = graph.inputs[0]!.name;
      const { qgraph } = calibrate(graph, c.samples(inName, graph));
      const { consts, ...spec } = qgraph;
      const plan = compilePlan(spec as GraphSpec);
      const model = commitModel(plan, consts);
      const x = c.input ? c.input(graph) : fromTensorData(decodeTensorFile(readShared(`models/${c.model}/test_data_set_0/input_0.pb`)));
      const qin = qgraph.inputs[0]!;
      const inputs = { [qin]: quantizeInput(qgraph.tensors[qin]!, x) };
      const reference = runQuantized(qgraph, { [qin]: x });
      const digest = new Uint8Array(32).fill(1);
      const proof = prove({ plan, vkDigest: digest, consts, model, inputs, reference });
      const outputs = outputsOf(plan, reference);
      const modelKey = { root: model.data.root, map: model.map, params: model.data.params };
      expect(verify({ plan, vkDigest: digest, model: modelKey, inputs, outputs, proof })).toEqual({ ok: true });
      // The proved output is exactly the integer evaluator's; any other is rejected.
      const out = qgraph.outputs[0]!;
      expect(outputs[out]).toEqual(reference.get(out));
      const other = Int32Array.from(outputs[out]!);
      other[0] = other[0]! + (other[0]! < 0 ? 1 : -1);
      expect(verify({ plan, vkDigest: digest, model: modelKey, inputs, outputs: { [out]: other }, proof }).ok).toBe(false);
    });
  }
});
