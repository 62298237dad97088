// Per-channel plans of the shared digits models through the circuit: digits_mlp is proved and
// verified end to end; digits_cnn compiles exactly when its per-tensor plan does (the lowered
// mul and requant add nothing the circuit refuses).
import { describe, expect } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { fromTensorData, loadGraph, type Graph } from "../../src/core/graph/index.ts";
import { decodeModel, decodeTensorFile } from "../../src/core/onnx/index.ts";
import { calibrate, samplesFromBatch, type QGraph } from "../../src/core/quant/index.ts";
import { itShared, readShared } from "../shared-data.ts";
import { proveAndVerify } from "./prove.ts";

const model = (name: string): Graph => loadGraph(decodeModel(readShared(`models/${name}/model.onnx`)));
const calibrated = (g: Graph, file: string, perChannel: boolean) =>
  calibrate(g, samplesFromBatch(g, fromTensorData(decodeTensorFile(readShared(`models/digits/${file}`)))), { perChannel }).qgraph;

/** compilePlan's verdict: "ok" or its error message. */
function compiles(q: QGraph): string {
  const { consts: _, ...spec } = q;
  try {
    compilePlan(spec as GraphSpec);
    return "ok";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("per-channel plans through the circuit", () => {
  itShared("models/digits_mlp/model.onnx", "digits_mlp with per-channel weights: proved on its reference input and verified; a changed output is rejected", () => {
    const g = model("digits_mlp");
    const q = calibrated(g, "calibration_x.pb", true);
    expect(q.ops.filter((o) => o.kind === "mul")).toHaveLength(2);
    const x = fromTensorData(decodeTensorFile(readShared("models/digits_mlp/test_data_set_0/input_0.pb")));
    expect(proveAndVerify(q, { [g.inputs[0]!.name]: x })).toEqual({ ok: true, tamperedOk: false, sameAsEvaluator: true });
  }, 60_000);

  itShared("models/digits_cnn/model.onnx", "digits_cnn with per-channel weights compiles exactly as far as its per-tensor plan", () => {
    const g = model("digits_cnn");
    const perTensor = compiles(calibrated(g, "calibration_x_img.pb", false));
    const perChannel = compiles(calibrated(g, "calibration_x_img.pb", true));
    expect(perChannel).toBe(perTensor);
    expect(perChannel).not.toMatch(/mul|requant/);
  }, 60_000);
});
