// A graph output computed by a claim-reducing op (a reshape, an add, a linear layer) must be
// proved from its inputs even though no op consumes it: the verifier puts a claim on it itself.
import { describe, expect, it } from "vitest";
import { graphOf, ints, proveGraph, tensor } from "./gadget-harness.ts";

describe("outputs of claim-reducing ops", () => {
  const gen = ints(9);
  // x → requant → h (committed) → flatten (a relation) → y (output), and h + h → z (output).
  const graph = graphOf([
    tensor("x", [1, 3, 5], "input", 10), tensor("h", [1, 3, 5], "activation", 8),
    tensor("y", [1, 15], "activation", 8), tensor("z", [1, 3, 5], "accumulator", 10),
  ], [
    { kind: "requant", source: "/q", inputs: ["x"], output: "h", M: 1, s: 2, lo: -128, hi: 127 },
    { kind: "indexmap", source: "/flatten", inputs: ["h"], output: "y", map: { type: "reshape" } },
    { kind: "add", source: "/add", inputs: ["h", "h"], output: "z", coeffs: [1, 1] },
  ], {}, ["x"], ["y", "z"]);
  const input = { x: gen(15, -512, 511) };
  const honest = proveGraph(graph, input);

  it("accepts the honest outputs", () => {
    expect(honest.check()).toEqual({ ok: true });
  });

  // A cheating prover claims other outputs from the start (they are in the transcript).
  const cheat = (name: string, at: number) => proveGraph(graph, input, { testOnlyCheat: { mutate: (v, _p, phase) => { if (phase === "witness") v.get(name)![at]! += 1; } } });

  it("a harness run that changes nothing is accepted", () => {
    expect(proveGraph(graph, input, { testOnlyCheat: { mutate: () => {} } }).check()).toEqual({ ok: true });
  });

  it("rejects a cheating output of a reshape", () => {
    const c = cheat("y", 3);
    expect(c.outputs.y![3]).toBe(honest.outputs.y![3]! + 1);
    expect(c.check().ok).toBe(false);
  });

  it("rejects a cheating output of an add", () => {
    const c = cheat("z", 0);
    expect(c.check().ok).toBe(false);
  });
});
