// The shared reference models: each matches its PyTorch output, and agrees with
// onnxruntime-web (wasm, 1 thread) on seeded random inputs.
import { readFileSync } from "node:fs";
import { describe, expect } from "vitest";
import * as ort from "onnxruntime-web";
import { evaluate } from "../../src/core/eval/index.ts";
import { loadGraph, type Tensor, type TensorInfo } from "../../src/core/graph/index.ts";
import { decodeModel } from "../../src/core/onnx/index.ts";
import { itShared, sharedPath } from "../shared-data.ts";
import { compareTensors, RTOL, ATOL, runFolderCase } from "./run-case.ts";
import { xorshift32 as rng } from "../../src/core/graph/test-models.ts";

const MODELS = ["digits_mlp", "digits_cnn", "tiny_gpt", "vgg16_cifar10"];

ort.env.wasm.numThreads = 1;

function randomInput(info: TensorInfo, next: () => number): Tensor {
  const n = info.shape.reduce((a, b) => a * b, 1);
  if (info.dtype === "int64") return { dtype: "int64", shape: info.shape, data: Float64Array.from({ length: n }, () => Math.floor(next() * 256)) };
  return { dtype: "float32", shape: info.shape, data: Float32Array.from({ length: n }, () => next() * 2 - 1) };
}

function toOrt(t: Tensor): ort.Tensor {
  if (t.dtype === "int64") return new ort.Tensor("int64", BigInt64Array.from(t.data as Float64Array, (v) => BigInt(v)), t.shape);
  return new ort.Tensor("float32", t.data as Float32Array, t.shape);
}

describe("shared models", () => {
  itShared("models/vgg16_cifar10/model.onnx", "vgg16_cifar10 loads its 59 MB of weights with at most one copy each", () => {
    const bytes = new Uint8Array(readFileSync(sharedPath("models/vgg16_cifar10/model.onnx")));
    const graph = loadGraph(decodeModel(bytes));
    let viewed = 0, copied = 0;
    for (const t of graph.constants.values()) {
      const d = t.data as Float32Array;
      if (d.buffer === bytes.buffer) viewed++;
      else {
        // an unaligned weight is copied once, into a buffer of exactly its size
        expect(d.byteOffset).toBe(0);
        expect(d.buffer.byteLength).toBe(d.byteLength);
        copied++;
      }
    }
    expect(viewed + copied).toBe(28);
    expect(viewed).toBeGreaterThan(0);
  });

  for (const m of MODELS) {
    itShared(`models/${m}/model.onnx`, `${m} matches test_data_set_0/output_0.pb`, () => {
      expect(runFolderCase(sharedPath(`models/${m}`), { rtol: RTOL, atol: ATOL })).toBe("pass");
    });

    itShared(`models/${m}/model.onnx`, `${m} agrees with onnxruntime-web on 3 seeded random inputs`, async () => {
      const bytes = new Uint8Array(readFileSync(sharedPath(`models/${m}/model.onnx`)));
      const graph = loadGraph(decodeModel(bytes));
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
      try {
        const next = rng(0x5eed + m.length);
        for (let trial = 0; trial < 3; trial++) {
          const inputs = Object.fromEntries(graph.inputs.map((i) => [i.name, randomInput(i, next)]));
          const ours = evaluate(graph, inputs);
          const theirs = await session.run(Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, toOrt(t)])));
          for (const o of graph.outputs) {
            const ref = theirs[o.name]!;
            const expected: Tensor = { dtype: "float32", shape: [...ref.dims], data: ref.data as Float32Array };
            // both sides accumulate in float32 in different orders: allow float32 rounding noise
            expect(compareTensors(o.name, ours[o.name], expected, { rtol: 1e-3, atol: 1e-5 })).toBeUndefined();
          }
        }
      } finally {
        await session.release();
      }
    });
  }
});
