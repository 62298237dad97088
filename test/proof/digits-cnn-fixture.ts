// digits_cnn (shared data) calibrated on 16 of its images, its keys, and its test input quantized:
// what the proofs across workers (workers.test.ts) and backends (gpu-prove.test.ts) start from.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeModel, decodeTensorFile } from "../../src/core/onnx/index.ts";
import { fromTensorData, loadGraph, type Tensor } from "../../src/core/graph/index.ts";
import { calibrate, quantizeInput } from "../../src/core/quant/index.ts";
import { loadProvingKey, setupKeys, type LoadedKey, type SetupKeys } from "../../src/core/prover/keys.ts";
import { joinParts } from "./keys-fixture.ts";
import { SHARED } from "../shared-data.ts";

export const DIGITS_CNN = "models/digits_cnn/model.onnx";

export function digitsCnnKeys(): { keys: SetupKeys; key: LoadedKey; inputBytes: Uint8Array; inputs: Record<string, Int32Array> } {
  const dir = join(SHARED, "models/digits_cnn");
  const graph = loadGraph(decodeModel(new Uint8Array(readFileSync(join(dir, "model.onnx")))));
  const name = graph.inputs[0]!.name;
  const cal = fromTensorData(decodeTensorFile(new Uint8Array(readFileSync(join(SHARED, "models/digits/calibration_x_img.pb")))));
  const per = cal.shape.slice(1).reduce((a, b) => a * b, 1);
  const samples = Array.from({ length: 16 }, (_, i): Record<string, Tensor> => ({
    [name]: { dtype: "float32", shape: [1, ...cal.shape.slice(1)], data: (cal.data as Float32Array).slice(i * per, (i + 1) * per) } as Tensor,
  }));
  const { qgraph } = calibrate(graph, samples);
  const keys = setupKeys(qgraph);
  const key = loadProvingKey(joinParts(keys.pk));
  const inputBytes = new Uint8Array(readFileSync(join(dir, "test_data_set_0/input_0.pb")));
  const qin = qgraph.inputs[0]!;
  const inputs = { [qin]: quantizeInput(qgraph.tensors[qin]!, fromTensorData(decodeTensorFile(inputBytes))) };
  return { keys, key, inputBytes, inputs };
}
