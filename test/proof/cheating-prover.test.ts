// PROTOCOL.md §9: a prover that departs from the witness in any one way must be caught.
import { describe, expect, it } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { commitModel, prove, type Values, type ProveOptions } from "../../src/core/prover/index.ts";
import type { ProofPlan } from "../../src/core/circuit/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { unpadInts } from "../../src/core/circuit/index.ts";
import { LOOKUP_BATCH, lookupBatches } from "../../src/core/circuit/protocol.ts";
import { outputsOf } from "../../src/core/prover/prove.ts";
import { mlpFixture, runFixture } from "./mlp-fixture.ts";

const P = 2130706433;
const DIGEST = new Uint8Array(32).fill(3);
const { graph, input } = mlpFixture(11);
const { consts, ...spec } = graph;
const plan = compilePlan(spec as GraphSpec);
const model = commitModel(plan, consts);
const reference = runFixture(graph, input);

/** Proves with a cheat and verifies against the output the cheating witness claims. */
function cheat(mutate: NonNullable<NonNullable<ProveOptions["testOnlyCheat"]>["mutate"]>, transcript?: NonNullable<ProveOptions["testOnlyCheat"]>["transcript"]) {
  let claimed: Record<string, Int32Array> = {};
  const proof = prove({ plan, vkDigest: DIGEST, consts, model, inputs: input, reference }, {
    testOnlyCheat: {
      ...(transcript ? { transcript } : {}),
      mutate(values: Values, p: ProofPlan, phase) {
        mutate(values, p, phase);
        if (phase === "multiplicities") {
          claimed = Object.fromEntries(p.graph.outputs.map((n) => [n, Int32Array.from(unpadInts(values.get(n)!, p.tensors[n]!.shape, p.tensors[n]!.logDims))]));
        }
      },
    },
  });
  return verify({ plan, vkDigest: DIGEST, model: { root: model.data.root, map: model.map, params: model.data.params }, inputs: input, outputs: claimed, proof });
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

describe("a cheating prover is rejected", () => {
  it("an honest run through the same harness is accepted (the harness itself is sound)", () => {
    expect(cheat(() => {})).toEqual({ ok: true });
  });

  // The lookups and the layers run on two transcripts forked after the witness root; the layers'
  // takes in the lookups' before their claims meet (forkLayers, joinLookups). A verifier that
  // skipped either step would accept these.
  it("layers proved on the lookups' transcript, after them, as if unforked", () => {
    const v = cheat(() => {}, "unforked");
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).not.toMatch(/bug/);
  });

  it("the lookups' claims handed to the layers without binding the lookups' transcript into theirs", () => {
    const v = cheat(() => {}, "unjoined");
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).not.toMatch(/bug/);
  });

  it("a wrong table entry: an activation that is not clamp(q)", () => {
    const v = cheat((values, _p, phase) => {
      if (phase === "witness") values.get("y1")![0]! += 1;
    });
    expect(v.ok).toBe(false);
  });

  it("a wrong output value with a consistent clamp row (q and y both moved)", () => {
    const v = cheat((values, _p, phase) => {
      if (phase !== "witness") return;
      values.get("out#q")![1]! += 1;
      values.get("out")![1] = clamp(values.get("out#q")![1]!, -128, 127);
    });
    expect(v.ok).toBe(false);
  });

  it("a multiplicity off by one", () => {
    const v = cheat((values, p, phase) => {
      if (phase === "multiplicities") values.get(p.lookups[0]!.multiplicity)![5]! += 1;
    });
    expect(v.ok).toBe(false);
  });

  it("a requant remainder ≥ 2^s (identity kept: q − 1, r + 2^s, y = clamp(q − 1))", () => {
    const v = cheat((values, _p, phase) => {
      if (phase !== "witness") return;
      const q = values.get("y2#q")!, r = values.get("y2#r")!, y = values.get("y2")!;
      q[3]! -= 1;
      r[3]! += 2 ** 10;
      y[3] = clamp(q[3]!, -128, 127);
    });
    expect(v.ok).toBe(false);
  });

  it("an accumulator that wraps the field (acc + p gives another quotient)", () => {
    const v = cheat((values, _p, phase) => {
      if (phase !== "witness") return;
      const acc = values.get("acc1")!, q = values.get("y1#q")!, r = values.get("y1#r")!, y = values.get("y1")!;
      const wrapped = acc[2]! + P;
      q[2] = Math.floor((wrapped + 2 ** 8) / 2 ** 9);
      r[2] = wrapped + 2 ** 8 - q[2]! * 2 ** 9;
      y[2] = clamp(q[2]!, 0, 255);
    });
    expect(v.ok).toBe(false);
  });

  it("nonzero values in the padded positions of the public output", () => {
    const v = cheat((values, _p, phase) => {
      if (phase === "witness") values.get("out")![6]! = 5; // shape [1,5] padded to [1,8]
    });
    expect(v.ok).toBe(false);
  });

  it("a quotient outside its table's domain", () => {
    const v = cheat((values, p, phase) => {
      if (phase !== "witness") return;
      const bits = p.tensors["y2#q"]!.bits;
      const q = values.get("y2#q")!, r = values.get("y2#r")!;
      // Move 2^bits of quotient into the remainder: the identity holds, q leaves the table.
      q[0]! += 2 ** bits;
      r[0]! -= 2 ** (bits + 10);
    });
    expect(v.ok).toBe(false);
  });
});

describe("with the lookups proved in several batches (a model too large for one LogUp in memory)", () => {
  const honest = () => prove({ plan, vkDigest: DIGEST, consts, model, inputs: input, reference });
  const verifyProof = (proof: ReturnType<typeof prove>) =>
    verify({ plan, vkDigest: DIGEST, model: { root: model.data.root, map: model.map, params: model.data.params }, inputs: input, outputs: outputsOf(plan, reference), proof });
  const one = honest();
  const restore = LOOKUP_BATCH.leaves;

  it("has one batch per lookup here, is accepted, and is not the one-batch proof (each side must batch alike)", () => {
    try {
      LOOKUP_BATCH.leaves = 1;
      expect(lookupBatches(plan)).toEqual(plan.lookups.map((_, i) => [i]));
      expect(plan.lookups.length).toBeGreaterThan(1);
      const batched = honest();
      expect(verifyProof(batched)).toEqual({ ok: true });
      expect(Buffer.from(batched.body).equals(Buffer.from(one.body))).toBe(false);
      expect(verifyProof(one).ok).toBe(false);
    } finally {
      LOOKUP_BATCH.leaves = restore;
    }
    expect(verifyProof(one)).toEqual({ ok: true });
  });

  it("a wrong table entry, and a multiplicity off by one in the last batch, are rejected", () => {
    try {
      LOOKUP_BATCH.leaves = 1;
      const last = plan.lookups.length - 1;
      expect(cheat((values, _p, phase) => { if (phase === "witness") values.get("y1")![0]! += 1; }).ok).toBe(false);
      expect(cheat((values, p, phase) => { if (phase === "multiplicities") values.get(p.lookups[last]!.multiplicity)![1]! += 1; }).ok).toBe(false);
      expect(cheat(() => {})).toEqual({ ok: true });
    } finally {
      LOOKUP_BATCH.leaves = restore;
    }
  });
});
