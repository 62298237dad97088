import { describe, expect, it } from "vitest";
import { compilePlan, unpadInts, type GraphSpec, type ProofPlan } from "../../src/core/circuit/index.ts";
import { commitModel, prove, outputsOf, type ProveOptions, type Values } from "../../src/core/prover/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { runInteger } from "../../src/core/quant/int-eval.ts";
import { attentionFixture } from "./attention-fixture.ts";

const DIGEST = new Uint8Array(32).fill(9);
const { graph, input } = attentionFixture();
const { consts, ...spec } = graph;
const plan = compilePlan(spec as GraphSpec);
const model = commitModel(plan, consts);
const reference = runInteger(graph, input);
const modelKey = { root: model.data.root, map: model.map, params: model.data.params };

function run(opts: ProveOptions = {}, inputs = input) {
  let claimed = outputsOf(plan, reference);
  const proof = prove({ plan, vkDigest: DIGEST, consts, model, inputs: input, reference }, opts.testOnlyCheat ? {
    testOnlyCheat: {
      mutate(values: Values, p: ProofPlan, phase) {
        opts.testOnlyCheat!.mutate?.(values, p, phase);
        if (phase === "multiplicities") claimed = Object.fromEntries(p.graph.outputs.map((n) => [n, Int32Array.from(unpadInts(values.get(n)!, p.tensors[n]!.shape, p.tensors[n]!.logDims))]));
      },
    },
  } : {});
  return { proof, verdict: verify({ plan, vkDigest: DIGEST, model: modelKey, inputs, outputs: claimed, proof }) };
}

describe("transformer gadgets: embed, row sum, Hadamard, slices, transpose, QKᵀ, causal select, attention·V", () => {
  it("proves and verifies the block", () => {
    expect(run().verdict).toEqual({ ok: true });
  });

  it("rejects another token id", () => {
    const { proof } = run();
    const ids = Int32Array.from(input.ids!);
    ids[2] = (ids[2]! + 1) % 10;
    const v = verify({ plan, vkDigest: DIGEST, model: modelKey, inputs: { ids }, outputs: outputsOf(plan, reference), proof });
    expect(v.ok).toBe(false);
  });

  it("rejects a token id outside the vocabulary", () => {
    const { proof } = run();
    const ids = Int32Array.from(input.ids!);
    ids[0] = 12;
    const v = verify({ plan, vkDigest: DIGEST, model: modelKey, inputs: { ids }, outputs: outputsOf(plan, reference), proof });
    expect(v.ok).toBe(false);
  });

  it("rejects one attention probability off by one", () => {
    const v = run({ testOnlyCheat: { mutate: (values, _p, phase) => { if (phase === "witness") values.get("p")![1 * 8 + 0]! += 1; } } }).verdict;
    expect(v.ok).toBe(false);
  });

  it("rejects nonzero values in padded positions of a committed activation", () => {
    // h is [1,6,8] padded to [1,8,8]: row 6 is padding.
    const r = run({ testOnlyCheat: { mutate: (values, _p, phase) => { if (phase === "witness") values.get("h")![6 * 8 + 1] = 77; } } });
    expect(r.verdict.ok).toBe(false);
  });

  it("rejects a wrong causal mask entry (select reads the committed mask)", () => {
    const r = run({ testOnlyCheat: { mutate: (values, _p, phase) => { if (phase === "witness") values.get("masked")![0 * 8 + 3] = 5; } } });
    expect(r.verdict.ok).toBe(false);
  });

  it("rejects a row max that is not the max (one-hot moved to a smaller entry)", () => {
    let changed = false;
    const r = run({ testOnlyCheat: { mutate: (values, p, phase) => {
      if (phase !== "witness") return;
      // In a row whose max is not its smallest entry, select the smallest live entry instead.
      const mp = p.maxes[0]!;
      const s = values.get(mp.onehot)!, d = values.get(mp.diff)!, mx = values.get("mx")!, x = values.get("masked")!;
      for (let row = 0; row < 6 && !changed; row++) {
        const live = Array.from({ length: 6 }, (_, j) => x[row * 8 + j]!);
        const jMin = live.indexOf(Math.min(...live));
        if (live[jMin] === Math.max(...live)) continue;
        for (let j = 0; j < 8; j++) s[row * 8 + j] = j === jMin ? 1 : 0;
        mx[row] = live[jMin]!;
        for (let j = 0; j < 8; j++) d[row * 8 + j] = mx[row]! - x[row * 8 + j]!;
        changed = true;
      }
    } } });
    expect(changed).toBe(true);
    expect(r.verdict.ok).toBe(false);
  });

  it("rejects a one-hot column that is not Boolean", () => {
    const r = run({ testOnlyCheat: { mutate: (values, p, phase) => { if (phase === "witness") values.get(p.maxes[0]!.onehot)![1 * 8 + 7] = 2; } } });
    expect(r.verdict.ok).toBe(false);
  });

  it("rejects any changed word of the proof body (sampled)", () => {
    const { proof } = run();
    const step = Math.max(1, Math.floor(proof.body.length / 40));
    for (let i = 0; i < proof.body.length; i += step) {
      const body = proof.body.slice();
      body[i] = (body[i]! + 1) % 2130706433;
      expect(verify({ plan, vkDigest: DIGEST, model: modelKey, inputs: input, outputs: outputsOf(plan, reference), proof: { ...proof, body } }).ok, `word ${i}`).toBe(false);
    }
  });
});
