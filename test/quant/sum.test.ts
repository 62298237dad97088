// Sum (variadic, broadcasting): lowered as a chain of two-input adds at the finest input scale,
// checked against float and an integer re-implementation, through the plan and the circuit.
import { describe, expect, it } from "vitest";
import { loadGraph, type Graph } from "../../src/core/graph/index.ts";
import { f32, makeModel } from "../../src/core/graph/test-models.ts";
import type { TensorData } from "../../src/core/onnx/index.ts";
import {
  calibrate, generatedSamples, parsePlan, quantizeWithPlan, roundHalfUp, runQuantized, serializePlan, type QGraph,
} from "../../src/core/quant/index.ts";
import { proveAndVerify } from "./prove.ts";

const C = 4, H = 3, W = 3;
const four: TensorData = { name: "four", dtype: "float32", dims: [], data: Float32Array.of(4) };
const bias = f32("bias", [C, 1, 1], [0.5, -1.25, 2, -0.75]);

/**
 * Inputs x [1,C,H,W] and z [1,C,1,1]; u = 4·x (a coarser scale than x); y = Relu(Sum(terms)),
 * terms named from z, u, x and the constant bias [C,1,1].
 */
function sumModel(terms: string[]): Graph {
  return loadGraph(makeModel({
    inputs: [["x", "float32", [1, C, H, W]], ["z", "float32", [1, C, 1, 1]]],
    outputs: [["y"]],
    initializers: [four, bias],
    nodes: [
      { op: "Mul", in: ["x", "four"], out: ["u"] },
      { op: "Sum", in: terms, out: ["s"] },
      { op: "Relu", in: ["s"], out: ["y"] },
    ],
  }));
}

/** The float value of term t at output position (c, i) from the sample's float inputs. */
function floatTerm(t: string, x: Float32Array, z: Float32Array, c: number, i: number): number {
  switch (t) {
    case "x": return x[c * H * W + i]!;
    case "u": return 4 * x[c * H * W + i]!;
    case "z": return z[c]!;
    default: return (bias.data as Float32Array)[c]!;
  }
}

const half = (k: number) => 2 ** -(k + 1);

function check(terms: string[]): { g: Graph; qgraph: QGraph; text: string } {
  const g = sumModel(terms);
  const samples = generatedSamples(g, 8, 3);
  const { plan, qgraph } = calibrate(g, samples);
  const T = qgraph.tensors;
  const adds = qgraph.ops.filter((o) => o.kind === "add");
  expect(adds).toHaveLength(terms.length - 1);
  expect(adds.every((o) => o.inputs.length === 2 && o.source === adds[0]!.source)).toBe(true);
  // Every term's integer reaches the common exponent K = max k exactly; later adds take the partial sum as is.
  const kOf = (t: string) => T[t]?.k ?? T[adds[0]!.inputs[1]!]!.k;
  const K = Math.max(...adds.flatMap((o) => o.inputs.map((n) => T[n]!.k)));
  expect(adds[0]!.coeffs).toEqual([2 ** (K - T[adds[0]!.inputs[0]!]!.k), 2 ** (K - T[adds[0]!.inputs[1]!]!.k)]);
  adds.slice(1).forEach((o, i) => {
    expect(o.inputs[0]).toBe(adds[i]!.output);
    expect(o.coeffs).toEqual([1, 2 ** (K - T[o.inputs[1]!]!.k)]);
  });
  expect(T[adds.at(-1)!.output]!.shape).toEqual([1, C, H, W]);
  const y = T.y!;
  expect(y.signed).toBe(false); // the Relu folds into the requant
  // Float reference: each quantized term is off by at most half its step (u: 4 half-steps of x
  // plus its own), the output by half of its own.
  const termErr = (t: string) => (t === "u" ? 4 * half(T.x!.k) + half(T.u!.k) : t === "bias" ? half(K) : half(kOf(t)));
  const tol = terms.reduce((a, t) => a + termErr(t), half(y.k)) + 1e-12;
  for (const sample of samples) {
    const vals = runQuantized(qgraph, sample);
    const x = sample.x!.data as Float32Array, z = sample.z!.data as Float32Array;
    const yq = vals.get("y")!;
    // Integer re-implementation: Σ v·2^(K−k) from the evaluator's own term tensors, one rounding into y.
    const termInts = adds.flatMap((o, j) => (j === 0 ? o.inputs : [o.inputs[1]!]));
    let worst = 0;
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < H * W; i++) {
        let acc = 0;
        for (const n of termInts) {
          const v = (qgraph.consts[n] ?? vals.get(n))!;
          const sh = T[n]!.shape;
          acc += v[sh.length === 4 && sh[2] === H ? c * H * W + i : c]! * 2 ** (K - T[n]!.k);
        }
        const want = Math.min(2 ** y.bits - 1, Math.max(0, roundHalfUp(acc * 2 ** (y.k - K))));
        expect(yq[c * H * W + i]).toBe(want);
        const f = Math.max(0, terms.reduce((a, t) => a + floatTerm(t, x, z, c, i), 0));
        worst = Math.max(worst, Math.abs(yq[c * H * W + i]! * 2 ** -y.k - f));
      }
    }
    expect(worst).toBeLessThanOrEqual(tol);
  }
  const text = serializePlan(plan);
  expect(serializePlan(parsePlan(text))).toBe(text);
  expect(quantizeWithPlan(g, parsePlan(text))).toEqual(qgraph);
  expect(serializePlan(calibrate(sumModel(terms), generatedSamples(g, 8, 3)).plan)).toBe(text);
  return { g, qgraph, text };
}

describe("Sum", () => {
  it("3 inputs, one broadcast [1,C,1,1], three scales: two chained adds, exact integers, within the quantization error of float; plan round-trips", () => {
    const { qgraph } = check(["z", "u", "x"]);
    expect(qgraph.tensors.u!.k).toBeLessThan(qgraph.tensors.x!.k);
  });

  it("4 inputs with a constant: the first partial sum keeps the small broadcast shape", () => {
    const { qgraph } = check(["z", "bias", "u", "x"]);
    const adds = qgraph.ops.filter((o) => o.kind === "add");
    expect(qgraph.tensors[adds[0]!.output]!.shape).toEqual([1, C, 1, 1]);
    expect(qgraph.tensors[adds[1]!.output]!.shape).toEqual([1, C, H, W]);
  });

  it("2 inputs lower exactly as Add; 1 input is the identity", () => {
    const withAdd = loadGraph(makeModel({
      inputs: [["x", "float32", [1, C, H, W]], ["z", "float32", [1, C, 1, 1]]],
      outputs: [["y"]],
      initializers: [four, bias],
      nodes: [
        { op: "Mul", in: ["x", "four"], out: ["u"] },
        { op: "Add", in: ["z", "u"], out: ["s"] },
        { op: "Relu", in: ["s"], out: ["y"] },
      ],
    }));
    const strip = (q: QGraph) => ({ ...q, ops: q.ops.map(({ source: _, ...o }) => o) });
    const sum = sumModel(["z", "u"]);
    expect(strip(calibrate(sum, generatedSamples(sum, 8, 3)).qgraph)).toEqual(strip(calibrate(withAdd, generatedSamples(withAdd, 8, 3)).qgraph));

    const one = sumModel(["u"]);
    const { qgraph } = calibrate(one, generatedSamples(one, 8, 3));
    // Sum's output is u's tensor itself, so the Relu (with nothing to fold into) reads u.
    expect(qgraph.ops.map((o) => [o.kind, o.inputs])).toEqual([["requant", ["x"]], ["lookup", ["u"]]]);
    const sample = generatedSamples(one, 1, 4)[0]!;
    const vals = runQuantized(qgraph, sample);
    const { u, y } = qgraph.tensors as Record<string, QGraph["tensors"][string]>;
    const relu = Array.from(vals.get("u")!, (v) => Math.min(2 ** y!.bits - 1, roundHalfUp(Math.max(0, v) * 2 ** (y!.k - u!.k))));
    expect(Array.from(vals.get("y")!)).toEqual(relu);
  });

  it("the lowered 3-input Sum compiles, proves and verifies; a changed output is refused", () => {
    const g = sumModel(["z", "u", "x"]);
    const { qgraph } = calibrate(g, generatedSamples(g, 8, 3));
    expect(proveAndVerify(qgraph, generatedSamples(g, 1, 5)[0]!)).toEqual({ ok: true, tamperedOk: false, sameAsEvaluator: true });
  });
});
