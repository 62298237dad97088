import { describe, expect, it } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { commitModel, prove, outputsOf, type ProofData } from "../../src/core/prover/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { mlpFixture, runFixture } from "./mlp-fixture.ts";

const DIGEST = new Uint8Array(32).fill(7);

function setup(seed = 7) {
  const { graph, input } = mlpFixture(seed);
  const { consts, ...spec } = graph;
  const plan = compilePlan(spec as GraphSpec);
  const model = commitModel(plan, consts);
  const reference = runFixture(graph, input);
  return { graph, plan, model, consts, input, reference };
}

type S = ReturnType<typeof setup>;

function proveIt(s: S): ProofData {
  return prove({ plan: s.plan, vkDigest: DIGEST, consts: s.consts, model: s.model, inputs: s.input, reference: s.reference });
}

function check(s: S, proof: ProofData, overrides: { inputs?: Record<string, Int32Array>; outputs?: Record<string, Int32Array>; digest?: Uint8Array } = {}) {
  return verify({
    plan: s.plan,
    vkDigest: overrides.digest ?? DIGEST,
    model: { root: s.model.data.root, map: s.model.map, params: s.model.data.params },
    inputs: overrides.inputs ?? s.input,
    outputs: overrides.outputs ?? outputsOf(s.plan, s.reference),
    proof,
  });
}

describe("prove and verify a quantized MLP with a residual add", () => {
  const s = setup();
  const proof = proveIt(s);

  it("accepts the honest proof", () => {
    expect(check(s, proof)).toEqual({ ok: true });
  });

  it("rejects a changed output value", () => {
    const out = Int32Array.from(s.reference.get("out")!);
    out[2] = out[2]! === 127 ? 126 : out[2]! + 1;
    const v = check(s, proof, { outputs: { out } });
    expect(v.ok).toBe(false);
  });

  it("rejects a changed public input", () => {
    const x = Int32Array.from(s.input.x!);
    x[0] = x[0]! === 127 ? 126 : x[0]! + 1;
    expect(check(s, proof, { inputs: { x } }).ok).toBe(false);
  });

  it("rejects another VK digest", () => {
    expect(check(s, proof, { digest: new Uint8Array(32).fill(8) }).ok).toBe(false);
  });

  it("rejects weights of another model under the same plan", () => {
    const other = setup(8);
    const v = verify({
      plan: s.plan, vkDigest: DIGEST,
      model: { root: other.model.data.root, map: other.model.map, params: other.model.data.params },
      inputs: s.input, outputs: outputsOf(s.plan, s.reference), proof,
    });
    expect(v.ok).toBe(false);
  });

  it("rejects an input outside its type", () => {
    const x = Int32Array.from(s.input.x!);
    x[1] = 300;
    const v = check(s, proof, { inputs: { x } });
    expect(v).toMatchObject({ ok: false });
    expect((v as { reason: string }).reason).toMatch(/outside its 8-bit type/);
  });

  it("rejects any single changed word of the proof body", () => {
    const step = Math.max(1, Math.floor(proof.body.length / 60));
    for (let i = 0; i < proof.body.length; i += step) {
      const body = proof.body.slice();
      body[i] = (body[i]! + 1) % 2130706433;
      expect(check(s, { ...proof, body }).ok, `word ${i}`).toBe(false);
    }
  });

  it("rejects a truncated body and a trailing word", () => {
    expect(check(s, { ...proof, body: proof.body.slice(0, -1) }).ok).toBe(false);
    const longer = new Uint32Array(proof.body.length + 1);
    longer.set(proof.body);
    expect(check(s, { ...proof, body: longer }).ok).toBe(false);
  });

  it("rejects a changed witness root and changed opening bytes", () => {
    const root = proof.witnessRoot.slice();
    root[0]! ^= 1;
    expect(check(s, { ...proof, witnessRoot: root }).ok).toBe(false);
    for (const key of ["witnessOpening", "modelOpening"] as const) {
      const bytes = proof[key].slice();
      bytes[Math.floor(bytes.length / 2)]! ^= 4;
      expect(check(s, { ...proof, [key]: bytes }).ok, key).toBe(false);
    }
  });
});

describe("gadget registries", () => {
  it("every op the compiler accepts has a prover and a verifier gadget", async () => {
    const { PROVABLE_OPS } = await import("../../src/core/circuit/index.ts");
    const { PROVER_GADGET_KINDS } = await import("../../src/core/prover/gadgets/index.ts");
    const { VERIFIER_GADGET_KINDS } = await import("../../src/core/verifier/gadgets/index.ts");
    for (const k of PROVABLE_OPS) {
      expect(PROVER_GADGET_KINDS).toContain(k);
      expect(VERIFIER_GADGET_KINDS).toContain(k);
    }
  });
});

describe("the compiler refuses what it cannot prove soundly", () => {
  it("names a requant whose quotient and shift could wrap the field", async () => {
    const { compilePlan } = await import("../../src/core/circuit/index.ts");
    const { graph } = mlpFixture();
    const { consts: _c, ...spec } = graph;
    // y2's accumulator with 16-bit weights, requantized at shift 30: a signed quotient times 2^30
    // cannot be unique modulo p.
    const wide = structuredClone(spec) as GraphSpec;
    wide.tensors.w2 = { ...wide.tensors.w2!, bits: 16 };
    wide.ops[3] = { ...(wide.ops[3] as Extract<typeof wide.ops[3], { kind: "requant" }>), s: 30 };
    expect(() => compilePlan(wide)).toThrow(/\/fc2\/Gemm: .*not unique in the field/);
  });

  it("lists every unprovable node with its reason", async () => {
    const { compilePlan } = await import("../../src/core/circuit/index.ts");
    const { graph } = mlpFixture();
    const { consts: _c, ...spec } = graph;
    const bad = structuredClone(spec) as GraphSpec;
    bad.ops.push({ kind: "select", source: "/Where", inputs: ["out", "w1"], output: "out2", fill: 0 });
    bad.tensors.out2 = { ...bad.tensors.out!, name: "out2" };
    bad.ops.push({ kind: "select", source: "/Where_1", inputs: ["out", "x"], output: "out3", fill: 0 });
    bad.tensors.out3 = { ...bad.tensors.out!, name: "out3" };
    expect(() => compilePlan(bad)).toThrow(/\/Where \(select with a mask that is not a 1-bit model constant\), \/Where_1 \(select with a mask/);
  });
});
