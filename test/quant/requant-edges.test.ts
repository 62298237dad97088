// Requants at the edges of the 2^29 bound: a factor past it that saturates every nonzero input,
// and the rounding term's headroom (the quotient must stay unique at its shift in the circuit).
import { describe, expect, it } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { decodeModel } from "../../src/core/onnx/index.ts";
import { loadGraph } from "../../src/core/graph/index.ts";
import { makeModel } from "../../src/core/graph/test-models.ts";
import { calibrate, checkBounds, generatedSamples, runQuantized, VALUE_BOUND, type QGraph } from "../../src/core/quant/index.ts";
import { itShared, readShared } from "../shared-data.ts";
import { proveAndVerify } from "./prove.ts";

/** Every requant keeps max|acc|·M + 2^(s−1) under 2^29. */
function roundingHeadroom(q: QGraph): number {
  const iv = checkBounds(q);
  let worst = 0;
  for (const op of q.ops) {
    if (op.kind !== "requant") continue;
    const i = iv.get(op.inputs[0]!)!;
    worst = Math.max(worst, Math.max(-i.lo, i.hi) * op.M + (op.s > 0 ? 2 ** (op.s - 1) : 0));
  }
  return worst;
}

describe("requant edges", () => {
  it("Softmax over logits of 1e15: the exp input requant saturates (M = −lo, s = 0), the output is the float one-hot, and it proves", () => {
    const g = loadGraph(makeModel({
      inputs: [["x", "float32", [1, 8]]],
      outputs: [["y"]],
      initializers: [{ name: "big", dtype: "float32", dims: [], data: Float32Array.of(1e15) }],
      nodes: [
        { op: "Mul", in: ["x", "big"], out: ["u"] },
        { op: "Softmax", in: ["u"], out: ["y"], attrs: { axis: { kind: "int", value: -1 } } },
      ],
    }));
    const samples = generatedSamples(g, 4, 2);
    const { qgraph } = calibrate(g, samples);
    const sat = qgraph.ops.find((o) => o.kind === "requant" && o.output.includes("exp_in"));
    expect(sat).toMatchObject({ M: -(sat as { lo: number }).lo, s: 0, hi: 0 });
    const y = qgraph.tensors.y!;
    for (const sample of samples) {
      const x = sample.x!.data as Float32Array;
      const top = x.indexOf(Math.max(...x));
      const got = Array.from(runQuantized(qgraph, sample).get("y")!, (v) => v * 2 ** -y.k);
      got.forEach((v, i) => expect(Math.abs(v - (i === top ? 1 : 0))).toBeLessThanOrEqual(2 * 2 ** -y.k));
    }
    expect(roundingHeadroom(qgraph)).toBeLessThan(VALUE_BOUND);
    expect(proveAndVerify(qgraph, samples[0]!)).toEqual({ ok: true, tamperedOk: false, sameAsEvaluator: true });
  });

  // ~5 s: ResNet-50 (light: its large weights are ConstantOfShape), 16 residual Sums, logits ~1e19.
  itShared("onnx-backend-tests/light/light_resnet50.onnx", "light_resnet50 calibrates on a generated sample, each Sum is one add, and compilePlan takes it", () => {
    const g = loadGraph(decodeModel(readShared("onnx-backend-tests/light/light_resnet50.onnx")));
    const sums = g.nodes.filter((n) => n.opType === "Sum");
    expect(sums).toHaveLength(16);
    const { qgraph } = calibrate(g, generatedSamples(g, 1, 1));
    for (const n of sums) expect(qgraph.ops.filter((o) => o.source === n.id).map((o) => o.kind)).toEqual(["add", "requant"]);
    expect(roundingHeadroom(qgraph)).toBeLessThan(VALUE_BOUND);
    const { consts: _, ...spec } = qgraph;
    const plan = compilePlan(spec as GraphSpec);
    expect(plan.requants.length).toBe(qgraph.ops.filter((o) => o.kind === "requant").length);
  }, 60_000);
});
