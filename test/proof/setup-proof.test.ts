// The setup proof (PROTOCOL §6, §9 "a VK whose setup proof is bad"): an honest model commitment
// passes; a weight or bias outside its type, a nonzero padding slot or unused slot, a changed
// proof byte, another statement or another model's root are rejected.
import { describe, expect, it } from "vitest";
import { compilePlan, padInts, toField, type GraphSpec } from "../../src/core/circuit/index.ts";
import { setupLayout, LIMB_BITS } from "../../src/core/circuit/setup-layout.ts";
import { commitModel } from "../../src/core/prover/index.ts";
import { proveSetup } from "../../src/core/prover/setup-proof.ts";
import { verifySetup } from "../../src/core/verifier/setup-proof.ts";
import { chooseParams, commit, packSegments } from "../../src/core/pcs/index.ts";
import { P } from "../../src/core/field/index.ts";
import { mlpFixture } from "./mlp-fixture.ts";
import { xorshift32 } from "../../src/core/graph/test-models.ts";

const STATEMENT = new TextEncoder().encode("test statement");

function fixture() {
  const { graph } = mlpFixture(7);
  const { consts, ...spec } = graph;
  const plan = compilePlan(spec as GraphSpec);
  return { plan, consts };
}

type F = ReturnType<typeof fixture>;
const keyOf = (m: ReturnType<typeof commitModel>) => ({ root: m.data.root, map: m.map, params: m.data.params });

/** A model commitment whose committed vector is edited after honest packing (a cheating setup). */
function cheatingCommitment(f: F, edit: (packed: Uint32Array, seg: (name: string) => { offset: number }) => void) {
  const honest = commitModel(f.plan, f.consts);
  const packed = packSegments(honest.map, honest.map.segments.map((s) => {
    const t = f.plan.tensors[s.name]!;
    return toField(padInts(f.consts[s.name]!, t.shape, t.logDims));
  }));
  edit(packed, (name) => honest.map.segments.find((s) => s.name === name)!);
  return { map: honest.map, data: commit(chooseParams(honest.map.logN), packed) };
}

const field = (v: number) => (v < 0 ? v + P : v);

describe("setup proof", () => {
  const f = fixture();
  const model = commitModel(f.plan, f.consts);
  const proof = proveSetup(f.plan, model, STATEMENT);

  it("lays out the fixture's classes: 8-bit weights direct, the 16-bit bias in 8-bit limbs", () => {
    const layout = setupLayout(f.plan);
    expect(LIMB_BITS).toBe(8);
    expect(layout.classes.map((c) => `${c.signed ? "i" : "u"}${c.bits}`)).toEqual(["i8", "u8"]);
    expect(layout.table.logRows).toBe(10);
    expect(layout.wide).toEqual([{ tensor: "b1", limbs: ["b1#limb0", "b1#limb1"], nVars: 3 }]);
    // w1 [5,6] → 8×8, w2 [5,5] → 8×8, b1 [5] → 8: 136 of 256 slots; the rest are unused blocks of class 0.
    const unused = layout.uses.filter((u) => u.name === "");
    expect(unused.map((u) => [u.offset, u.logSize])).toEqual([[136, 3], [144, 4], [160, 5], [192, 6]]);
  });

  it("accepts an honest setup", () => {
    expect(verifySetup(f.plan, keyOf(model), STATEMENT, proof)).toEqual({ ok: true });
  });

  it("is deterministic", () => {
    expect(proveSetup(f.plan, commitModel(f.plan, f.consts), STATEMENT)).toEqual(proof);
  });

  it("refuses to prove a weight outside its type unless cheating, and the cheat is rejected", () => {
    const bad = cheatingCommitment(f, (v, seg) => (v[seg("w1").offset + 9] = 200));
    expect(() => proveSetup(f.plan, bad, STATEMENT)).toThrow(/w1\[9\] = 200: outside its 8-bit type/);
    const v = verifySetup(f.plan, keyOf(bad), STATEMENT, proveSetup(f.plan, bad, STATEMENT, { testOnlyCheat: true }));
    expect(v).toMatchObject({ ok: false });
    expect((v as { reason: string }).reason).toMatch(/^setup/);
  });

  it("rejects a negative weight below its type", () => {
    const bad = cheatingCommitment(f, (v, seg) => (v[seg("w2").offset + 1] = field(-129)));
    expect(verifySetup(f.plan, keyOf(bad), STATEMENT, proveSetup(f.plan, bad, STATEMENT, { testOnlyCheat: true })).ok).toBe(false);
  });

  it("rejects a wide bias outside its 16-bit type (its top limb leaves its class)", () => {
    const bad = cheatingCommitment(f, (v, seg) => (v[seg("b1").offset + 2] = 40000));
    expect(() => proveSetup(f.plan, bad, STATEMENT)).toThrow(/b1#limb1\[2\]/);
    expect(verifySetup(f.plan, keyOf(bad), STATEMENT, proveSetup(f.plan, bad, STATEMENT, { testOnlyCheat: true })).ok).toBe(false);
  });

  it("rejects nonzero padding in a weight, in a wide bias and in an unused block", () => {
    const cases: [string, (v: Uint32Array, seg: (n: string) => { offset: number }) => void][] = [
      ["w1 row 0, column 7", (v, seg) => (v[seg("w1").offset + 7] = 1)],
      ["w2 row 6", (v, seg) => (v[seg("w2").offset + 6 * 8] = field(-3))],
      ["b1 slot 6", (v, seg) => (v[seg("b1").offset + 6] = 5)],
      ["unused slot 200", (v) => (v[200] = 1)],
    ];
    for (const [what, edit] of cases) {
      const bad = cheatingCommitment(f, edit);
      expect(() => proveSetup(f.plan, bad, STATEMENT), what).toThrow(/padding must be 0/);
      const v = verifySetup(f.plan, keyOf(bad), STATEMENT, proveSetup(f.plan, bad, STATEMENT, { testOnlyCheat: true }));
      expect(v.ok, what).toBe(false);
    }
  });

  it("rejects every changed byte it is tried on (seeded sample), a truncation and a trailing byte", () => {
    const rng = xorshift32(11);
    for (let k = 0; k < 40; k++) {
      const i = Math.floor(rng() * proof.length);
      const bad = proof.slice();
      bad[i]! ^= 1 << Math.floor(rng() * 8);
      expect(verifySetup(f.plan, keyOf(model), STATEMENT, bad).ok, `byte ${i}`).toBe(false);
    }
    expect(verifySetup(f.plan, keyOf(model), STATEMENT, proof.subarray(0, proof.length - 1)).ok).toBe(false);
    expect(verifySetup(f.plan, keyOf(model), STATEMENT, Uint8Array.from([...proof, 0])).ok).toBe(false);
  });

  it("splits into several LogUp instances of bounded size, on both sides, and still catches cheats", () => {
    // Instances of at most 2^4 leaves: w1 and w2 (2^6 each) become four blocks apiece.
    const small = { maxLeafLog: 4 };
    const layout = setupLayout(f.plan, 4);
    expect(layout.instances.length).toBeGreaterThan(8);
    expect(layout.uses.filter((u) => u.name === "w1").map((u) => u.offset - u.segmentOffset)).toEqual([0, 16, 32, 48]);
    const split = proveSetup(f.plan, model, STATEMENT, small);
    expect(verifySetup(f.plan, keyOf(model), STATEMENT, split, small)).toEqual({ ok: true });
    // The split is part of the protocol: a proof for one instance size fails under the other.
    expect(verifySetup(f.plan, keyOf(model), STATEMENT, split).ok).toBe(false);
    for (const [what, edit] of [
      ["a weight out of range in w1's third block", (v: Uint32Array, seg: (n: string) => { offset: number }) => (v[seg("w1").offset + 37] = 128)],
      ["padding in w2's last block", (v: Uint32Array, seg: (n: string) => { offset: number }) => (v[seg("w2").offset + 63] = 2)],
    ] as const) {
      const bad = cheatingCommitment(f, edit);
      expect(verifySetup(f.plan, keyOf(bad), STATEMENT, proveSetup(f.plan, bad, STATEMENT, { ...small, testOnlyCheat: true }), small).ok, what).toBe(false);
    }
  });

  it("rejects another statement and another model's root", () => {
    expect(verifySetup(f.plan, keyOf(model), new TextEncoder().encode("other"), proof).ok).toBe(false);
    const other = mlpFixture(8).graph;
    const otherModel = commitModel(f.plan, other.consts);
    expect(verifySetup(f.plan, keyOf(otherModel), STATEMENT, proof).ok).toBe(false);
  });
});
