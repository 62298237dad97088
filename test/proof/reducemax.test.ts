// The row-max gadget alone: out = max over the last axis of a public input. With nothing
// downstream, only the max checks themselves can catch a wrong max.
import { describe, expect, it } from "vitest";
import { compilePlan, unpadInts, type GraphSpec } from "../../src/core/circuit/index.ts";
import { commitModel, prove, type ProveOptions } from "../../src/core/prover/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { runInteger } from "../../src/core/quant/int-eval.ts";
import type { QGraph } from "../../src/core/quant/qgraph.ts";

const graph: QGraph = {
  version: 1, inputs: ["x"], outputs: ["m"],
  tensors: {
    x: { name: "x", shape: [1, 3, 6], role: "input", k: 0, bits: 8, signed: true },
    m: { name: "m", shape: [1, 3, 1], role: "activation", k: 0, bits: 8, signed: true },
  },
  consts: {}, tables: {},
  ops: [{ kind: "reducemax", source: "/ReduceMax", inputs: ["x"], output: "m", axis: 2 }],
};
const input = { x: Int32Array.from([5, -3, 17, 2, 17, -100, -1, -2, -3, -4, -5, -6, 100, 0, -128, 127, 126, 3]) };
const { consts, ...spec } = graph;
const plan = compilePlan(spec as GraphSpec);
const model = commitModel(plan, consts);
const reference = runInteger(graph, input);
const DIGEST = new Uint8Array(32);

function run(cheat?: NonNullable<ProveOptions["testOnlyCheat"]>["mutate"]) {
  let claimed: Record<string, Int32Array> = { m: reference.get("m")! };
  const proof = prove({ plan, vkDigest: DIGEST, consts, model, inputs: input, reference }, cheat ? {
    testOnlyCheat: { mutate(values, p, phase) {
      cheat(values, p, phase);
      claimed = { m: Int32Array.from(unpadInts(values.get("m")!, [1, 3, 1], p.tensors.m!.logDims)) };
    } },
  } : {});
  return { claimed, verdict: verify({ plan, vkDigest: DIGEST, model: { root: model.data.root, map: model.map, params: model.data.params }, inputs: input, outputs: claimed, proof }) };
}

describe("row max", () => {
  it("proves the true maxima", () => {
    expect(Array.from(reference.get("m")!)).toEqual([17, -1, 127]);
    expect(run().verdict).toEqual({ ok: true });
  });

  it("rejects a smaller value claimed as the max, with a consistent one-hot and differences", () => {
    const r = run((values, p, phase) => {
      if (phase !== "witness") return;
      const mp = p.maxes[0]!;
      const s = values.get(mp.onehot)!, d = values.get(mp.diff)!, m = values.get("m")!, x = values.get("x")!;
      // Row 2 (x = 100, 0, -128, 127, 126, 3): claim 100, at column 0.
      for (let j = 0; j < 8; j++) s[2 * 8 + j] = j === 0 ? 1 : 0;
      m[2] = 100;
      for (let j = 0; j < 8; j++) d[2 * 8 + j] = 100 - x[2 * 8 + j]!;
    });
    expect(Array.from(r.claimed.m!)).toEqual([17, -1, 100]);
    expect(r.verdict.ok).toBe(false);
  });

  it("rejects a max selected twice (one-hot sums to 2) or in a padded column", () => {
    const twice = run((values, p, phase) => {
      if (phase === "witness") values.get(p.maxes[0]!.onehot)![0 * 8 + 4] = 1; // 17 appears twice in row 0
    });
    expect(twice.verdict.ok).toBe(false);
    const padded = run((values, p, phase) => {
      if (phase !== "witness") return;
      const mp = p.maxes[0]!;
      const s = values.get(mp.onehot)!, d = values.get(mp.diff)!, m = values.get("m")!, x = values.get("x")!;
      // Row 1: select padded column 7 (x = 0 there) and claim max 0.
      for (let j = 0; j < 8; j++) s[1 * 8 + j] = j === 7 ? 1 : 0;
      m[1] = 0;
      for (let j = 0; j < 8; j++) d[1 * 8 + j] = 0 - x[1 * 8 + j]!;
    });
    expect(padded.verdict.ok).toBe(false);
  });
});
