// Index maps that are not relabelings (PROTOCOL §4): unaligned and strided slices, pads, concats,
// reshapes of non-power-of-two shapes and gathers by constant indices, each proved against a
// relation the verifier evaluates; tampered messages and outputs are rejected.
import { describe, expect, it } from "vitest";
import type { IndexMap } from "../../src/core/quant/qgraph.ts";
import { graphOf, ints, proveGraph, standardChecks, tensor } from "./gadget-harness.ts";

interface MapCase { name: string; xs: number[][]; y: number[]; map: IndexMap }

const CASES: MapCase[] = [
  { name: "slice with start 1 and step 3", xs: [[1, 3, 10]], y: [1, 2, 3], map: { type: "slice", starts: [0, 1, 1], steps: [1, 1, 3] } },
  { name: "pad by (1, 2) before, to 7x9", xs: [[1, 2, 5, 5]], y: [1, 2, 7, 9], map: { type: "pad", padBegin: [0, 0, 1, 2] } },
  { name: "concat of 3 and 5 rows", xs: [[1, 3, 4], [1, 5, 4]], y: [1, 8, 4], map: { type: "concat", axis: 1 } },
  { name: "flatten 3x5 to 15", xs: [[1, 3, 5]], y: [1, 15], map: { type: "reshape" } },
  { name: "reshape 6x5 to 2x3x5", xs: [[6, 5]], y: [2, 3, 5], map: { type: "reshape" } },
  // ShuffleNet's channel split and merge: 7 dimensions above 1 in all, 3 before the shared 3x5.
  { name: "reshape 12x3x5 to 3x4x3x5 (channel groups)", xs: [[1, 12, 3, 5]], y: [1, 3, 4, 3, 5], map: { type: "reshape" } },
  // InstanceNormalization's view: the leading 2x3 shared, 4x5 flattened.
  { name: "reshape 2x3x4x5 to 2x3x20", xs: [[2, 3, 4, 5]], y: [2, 3, 20], map: { type: "reshape" } },
  { name: "reshape 4x3x3x5 to 12x3x5 (groups merged)", xs: [[1, 4, 3, 3, 5]], y: [1, 12, 3, 5], map: { type: "reshape" } },
  // A transposed conv's input: zeros between copies, a border added on one axis and cropped on the other.
  { name: "upsample by 2 and 3 with starts 1 and -1", xs: [[1, 2, 3, 4]], y: [1, 2, 7, 9], map: { type: "upsample", factors: [1, 1, 2, 3], starts: [0, 0, 1, -1] } },
  { name: "gather indices 2, 0, 4, 4 on the last axis", xs: [[1, 2, 5]], y: [1, 2, 4], map: { type: "gather", axis: 2, indices: [2, 0, 4, -1] } },
];

// x_j (inputs) → index map → y → requant (s = 0: a clamp) → out: the map is the first op
// (inputs are public, so its words end the proof body).
function mapGraph(c: MapCase, seed: number) {
  const gen = ints(seed);
  const names = c.xs.map((_, j) => `x${j}`);
  const graph = graphOf([
    ...c.xs.map((s, j) => tensor(names[j]!, s, "input", 8)),
    tensor("y", c.y, "activation", 8), tensor("out", c.y, "activation", 6),
  ], [
    { kind: "indexmap", source: "/map", inputs: names, output: "y", map: c.map },
    { kind: "requant", source: "/clamp", inputs: ["y"], output: "out", M: 1, s: 0, lo: -32, hi: 31 },
  ], {}, names, ["out"]);
  return { graph, input: Object.fromEntries(c.xs.map((s, j) => [names[j]!, gen(s.reduce((a, b) => a * b, 1), -128, 127)])) };
}

describe("index maps proved against relations", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const { graph, input } = mapGraph(c, c.y.length * 7 + c.xs.length);
      const honest = proveGraph(graph, input);

      standardChecks(honest, "out", ({ plan }) => c.xs.reduce((a, _, j) => a + 8 * plan.tensors[`x${j}`]!.nVars + 4, c.xs.length > 1 ? 4 * c.xs.length : 0), 3, "the map's sumchecks and values");
    });
  }
});

// A model of index maps alone reduces every claim to its public input: no claim reaches the
// witness, and the proof carries no witness opening (the plan, not the prover, decides that).
describe("a model of index maps alone", () => {
  const gen = ints(5);
  const graph = graphOf([tensor("x", [1, 3, 4], "input", 8), tensor("y", [1, 3, 6], "activation", 8)],
    [{ kind: "indexmap", source: "/tile", inputs: ["x"], output: "y", map: { type: "gather", axis: 2, indices: [0, 1, 2, 3, 0, 1] } }], {}, ["x"], ["y"]);
  const honest = proveGraph(graph, { x: gen(12, -128, 127) });

  it("proves and verifies with an empty witness opening; a changed output is rejected", () => {
    expect(honest.proof.witnessOpening.length).toBe(0);
    expect(honest.check()).toEqual({ ok: true });
    const y = Int32Array.from(honest.outputs.y!);
    y[4] = y[4]! === 127 ? 126 : y[4]! + 1;
    expect(honest.check({ outputs: { y } }).ok).toBe(false);
  });

  it("rejects a witness opening it does not expect, and a proof that needs one without it", () => {
    expect(honest.check({ proof: { ...honest.proof, witnessOpening: Uint8Array.of(0) } })).toMatchObject({ ok: false, reason: expect.stringMatching(/unexpected witness opening/) });
    const { graph: g, input } = mapGraph(CASES[0]!, 1);
    const withWitness = proveGraph(g, input);
    expect(withWitness.check({ proof: { ...withWitness.proof, witnessOpening: new Uint8Array(0) } }).ok).toBe(false);
  });
});
