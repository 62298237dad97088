// Convolutions (PROTOCOL §4 Conv): strides, pads, dilations, groups (depthwise, power-of-two
// and other channel counts per group), batch, 1-D and 2-D, non-power-of-two shapes; each proves
// and verifies, and tampered messages, outputs or weights are rejected.
import { describe, expect, it } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import type { Window } from "../../src/core/quant/qgraph.ts";
import { graphOf, ints, proveGraph, standardChecks, tensor } from "./gadget-harness.ts";

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  y: number[];
  window: Window;
  group?: number;
  bias?: boolean;
}

const win = (kernel: number[], strides: number[], dilations: number[], padBegin: number[], padEnd = padBegin): Window => ({ kernel, strides, dilations, padBegin, padEnd });

// Conv is the graph's first op, so its messages are the last words of the proof body.
function convGraph(c: ConvCase, seed: number) {
  const gen = ints(seed);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const O = c.y[1]!;
  const graph = graphOf([
    tensor("x", c.x, "input", 8),
    tensor("w", c.w, "weight", 8), ...(c.bias ? [tensor("b", [O], "bias", 14)] : []),
    tensor("acc", c.y, "accumulator", 26),
    tensor("y", c.y, "activation", 8),
  ], [
    { kind: "linear", form: "conv", source: "/conv", inputs: c.bias ? ["x", "w", "b"] : ["x", "w"], output: "acc", window: c.window, group: c.group ?? 1 },
    { kind: "requant", source: "/requant", inputs: ["acc"], output: "y", M: 1, s: 7, lo: -128, hi: 127 },
  ], { w: gen(size(c.w), -128, 127), ...(c.bias ? { b: gen(O, -8000, 8000) } : {}) }, ["x"], ["y"]);
  return { graph, input: { x: gen(size(c.x), -128, 127) } };
}

const CASES: ConvCase[] = [
  { name: "3x2 kernel, stride (2,1), pad (1,0), dilation (1,2), bias, 7x6 input", x: [1, 3, 7, 6], w: [5, 3, 3, 2], y: [1, 5, 4, 4], window: win([3, 2], [2, 1], [1, 2], [1, 0]), bias: true },
  { name: "depthwise 3x3, pad 1, 5x5", x: [1, 4, 5, 5], w: [4, 1, 3, 3], y: [1, 4, 5, 5], window: win([3, 3], [1, 1], [1, 1], [1, 1]), group: 4, bias: true },
  { name: "2 groups of 2 → 4 channels, stride 2, batch 3", x: [3, 4, 6, 6], w: [8, 2, 3, 3], y: [3, 8, 3, 3], window: win([3, 3], [2, 2], [1, 1], [1, 1], [0, 0]), group: 2 },
  { name: "1-D, kernel 3, stride 2, asymmetric pad", x: [1, 3, 10], w: [4, 3, 3], y: [1, 4, 5], window: win([3], [2], [1], [1], [0]), bias: true },
  { name: "3 groups of 2 → 3 channels (not powers of two), bias", x: [1, 6, 5, 5], w: [9, 2, 3, 3], y: [1, 9, 5, 5], window: win([3, 3], [1, 1], [1, 1], [1, 1]), group: 3, bias: true },
];

describe("convolution proofs", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const { graph, input } = convGraph(c, c.name.length);
      const honest = proveGraph(graph, input);

      standardChecks(honest, "y", ({ plan }) => {
        const L = plan.tensors;
        const spatial = L.x!.logDims.slice(2).reduce((a, b) => a + b, 0), bias = c.bias ? 4 : 0;
        const pow2 = (n: number) => Number.isInteger(Math.log2(n));
        const g = c.group ?? 1, O = c.y[1]!, C = c.x[1]!;
        // Groups that are not powers of two: one degree-3 sumcheck over all of W, then over x's channels and positions.
        if (g > 1 && !(pow2(O / g) && pow2(C / g))) return 12 * L.w!.nVars + 8 + 8 * (L.x!.logDims[1]! + spatial) + 4 + bias;
        const groupVars = g > 1 ? L.y!.logDims[1]! - Math.log2(O / g) : 0;
        const inner = L.w!.nVars - L.w!.logDims[0]! + groupVars;
        return (groupVars ? 12 : 8) * inner + 8 + 8 * spatial + 4 + bias;
      }, 2, "the conv's round polynomials and claimed values");
    });
  }

  it("rejects a prover that convolves with other weights than the committed ones", () => {
    const { graph, input } = convGraph(CASES[0]!, 5);
    const w = Int32Array.from(graph.consts.w!);
    w[7] = w[7] === 127 ? 126 : w[7]! + 1;
    const cheat = proveGraph(graph, input, { proverConsts: { ...graph.consts, w } });
    expect(cheat.check().ok).toBe(false);
  });

  it("refuses a conv whose weights do not match its groups, naming the node", () => {
    const { graph } = convGraph({ ...CASES[1]!, x: [1, 6, 5, 5], w: [9, 3, 3, 3], y: [1, 9, 5, 5], group: 3 }, 1);
    const { consts: _c, ...spec } = graph;
    expect(() => compilePlan(spec as GraphSpec)).toThrow(/\/conv \(conv weights of the wrong shape\)/);
  });
});
