// Soundness audit: hostile-VK and cheating-prover cases found by review (each failed before its fix).
import { describe, expect, it } from "vitest";
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import { graphOf, ints, proveGraph, tensor } from "./gadget-harness.ts";
import type { QGraph } from "../../src/core/quant/qgraph.ts";

/** x (int4) → lookup → h (int8) → add(h × 8) → acc → requant → y: the table's values are the VK's. */
function lookupGraph(values: Int32Array): QGraph {
  const g = graphOf([
    tensor("x", [1, 4], "input", 4), tensor("h", [1, 4], "activation", 8),
    tensor("acc", [1, 4], "accumulator", 12), tensor("y", [1, 4], "activation", 8),
  ], [
    { kind: "lookup", source: "/f", inputs: ["x"], output: "h", table: "t" },
    { kind: "add", source: "/sum", inputs: ["h", "h"], output: "acc", coeffs: [4, 4] },
    { kind: "requant", source: "/q", inputs: ["acc"], output: "y", M: 1, s: 3, lo: -128, hi: 127 },
  ], {}, ["x"], ["y"]);
  g.tables.t = { fn: "test", params: {}, input: { k: 0, bits: 4, signed: true }, output: { k: 0, bits: 8, signed: true }, saturate: false, values };
  return g;
}

describe("a hostile VK's lookup table", () => {
  it("a table inside its output type compiles, proves and verifies", () => {
    const values = Int32Array.from({ length: 16 }, (_, j) => 127 - 17 * j);
    const p = proveGraph(lookupGraph(values), { x: ints(3)(4, -8, 7) });
    expect(p.check()).toEqual({ ok: true });
  });

  it("a table value outside the output's type is refused: the bound analysis that keeps accumulators from wrapping the field assumes it", () => {
    // 2^27 declared int8: 8·2^27 = 2^30 would pass through the add unchecked, and with a larger
    // fan-in wrap p, so the proved (field) output would differ from the integer semantics.
    const values = Int32Array.from({ length: 16 }, (_, j) => (j === 5 ? 2 ** 27 : j));
    const { consts: _c, ...spec } = lookupGraph(values);
    expect(() => compilePlan(spec as GraphSpec)).toThrow(/\/f: table t has value 134217728 at row 5, outside \[-128, 127\] of h's type/);
    const low = Int32Array.from({ length: 16 }, (_, j) => (j === 0 ? -129 : j));
    const { consts: _d, ...spec2 } = lookupGraph(low);
    expect(() => compilePlan(spec2 as GraphSpec)).toThrow(/row 0, outside \[-128, 127\]/);
  });
});

describe("a hostile VK's graph structure", () => {
  const base = () => graphOf([
    tensor("x", [1, 3], "input", 8), tensor("h", [1, 3], "activation", 8), tensor("c", [1, 3], "const", 8), tensor("z", [1, 3], "accumulator", 10),
  ], [
    { kind: "requant", source: "/q", inputs: ["x"], output: "h", M: 1, s: 1, lo: -128, hi: 127 },
    { kind: "add", source: "/add", inputs: ["h", "c"], output: "z", coeffs: [1, 1] },
  ], { c: Int32Array.of(1, 2, 3) }, ["x"], ["z"]);
  const compile = (g: QGraph) => {
    const { consts: _c, ...spec } = g;
    return () => compilePlan(spec as GraphSpec);
  };

  it("the well-formed graph proves and verifies", () => {
    expect(proveGraph(base(), { x: Int32Array.of(5, -6, 7) }).check()).toEqual({ ok: true });
  });

  it("refuses a graph output that no op computes: the verifier never checked it (a cheating prover claimed input x = 1 as output 99 and was accepted)", () => {
    const g = base();
    g.outputs = ["z", "x"];
    expect(compile(g)).toThrow(/graph outputs x are not computed by any op/);
    const w = base();
    w.outputs = ["z", "c"];
    expect(compile(w)).toThrow(/graph outputs c are not computed by any op/);
  });

  it("refuses an op that computes a graph input or model data (their public value or commitment would be bypassed)", () => {
    const g = base();
    g.ops[1] = { ...g.ops[1]!, output: "x" } as QGraph["ops"][number];
    expect(compile(g)).toThrow(/\/add: its output x is a graph input or model data/);
    const w = base();
    w.ops[1] = { ...w.ops[1]!, output: "c" } as QGraph["ops"][number];
    expect(compile(w)).toThrow(/\/add: its output c is a graph input or model data/);
  });

  it("refuses a tensor computed by two ops", () => {
    const g = base();
    g.ops.push({ kind: "add", source: "/again", inputs: ["h", "h"], output: "z", coeffs: [2, 1] });
    expect(compile(g)).toThrow(/\/again: z is already computed by \/add/);
  });
});

describe("pool shapes from a hostile VK", () => {
  const win = (k: number) => ({ kernel: [k, k], strides: [1, 1], dilations: [1, 1], padBegin: [0, 0], padEnd: [0, 0] });
  const poolSpec = (kind: "maxpool" | "sumpool", xShape: number[], yShape: number[], k: number): GraphSpec => {
    const { consts: _c, ...spec } = graphOf([tensor("x", xShape, "input", 8), tensor("y", yShape, kind === "maxpool" ? "activation" : "accumulator", 14)], [
      { kind, source: "/pool", inputs: ["x"], output: "y", window: win(k) },
    ], {}, ["x"], ["y"]);
    return spec as GraphSpec;
  };

  it("a pool's checks ran nowhere (imported, never called): a pool that changes channels or rank, or a max over more than 16 candidates, is refused", () => {
    expect(() => compilePlan(poolSpec("sumpool", [1, 2, 4, 4], [1, 1, 3, 3], 2))).toThrow(/\/pool \(sumpool that changes batch or channels\)/);
    expect(() => compilePlan(poolSpec("maxpool", [1, 2, 4, 4], [2, 2, 3, 3], 2))).toThrow(/\/pool \(maxpool that changes batch or channels\)/);
    expect(() => compilePlan(poolSpec("sumpool", [1, 2, 4, 4], [1, 2, 9], 2))).toThrow(/\/pool \(sumpool of rank 4\)/);
    expect(() => compilePlan(poolSpec("maxpool", [1, 1, 9, 9], [1, 1, 5, 5], 5))).toThrow(/max pool over 5x5 windows/);
    expect(() => compilePlan(poolSpec("sumpool", [1, 2, 4, 4], [1, 2, 3, 3], 2))).not.toThrow();
  });
});

describe("op shapes from a hostile VK", () => {
  const spec = (tensors: ReturnType<typeof tensor>[], op: QGraph["ops"][number], inputs: string[]): GraphSpec => {
    const { consts: _c, ...s } = graphOf(tensors, [op], {}, inputs, [op.output]);
    return s as GraphSpec;
  };
  const refuses = (s: GraphSpec, why: RegExp) => expect(() => compilePlan(s)).toThrow(why);

  it("refuses shapes the gadgets would read with another layout than the integer evaluator", () => {
    // Dense: x's K (6) is not w's (5); both pad to 8, so the sumcheck would sum another product.
    refuses(spec([tensor("x", [2, 6], "input", 8), tensor("w", [3, 5], "weight", 8), tensor("y", [2, 3], "accumulator", 20)],
      { kind: "linear", form: "dense", source: "/fc", inputs: ["x", "w"], output: "y" }, ["x"]), /\/fc \(dense \[2, 6\] × \[3, 5\]ᵀ into \[2, 3\]\)/);
    refuses(spec([tensor("x", [2, 5], "input", 8), tensor("w", [3, 5], "weight", 8), tensor("b", [4], "bias", 8), tensor("y", [2, 3], "accumulator", 20)],
      { kind: "linear", form: "dense", source: "/fc", inputs: ["x", "w", "b"], output: "y" }, ["x"]), /dense bias \[4\] for 3 outputs/);
    // Elementwise: [3, 2] into [2, 3] is no broadcast (the evaluator would pair them flat).
    refuses(spec([tensor("a", [3, 2], "input", 8), tensor("b", [2, 3], "input", 8), tensor("y", [2, 3], "accumulator", 20)],
      { kind: "mul", source: "/mul", inputs: ["a", "b"], output: "y" }, ["a", "b"]), /\/mul \(mul of \[3, 2\] and \[2, 3\] into \[2, 3\]\)/);
    refuses(spec([tensor("a", [1, 3], "input", 8), tensor("b", [1, 4], "input", 8), tensor("y", [1, 4], "accumulator", 20)],
      { kind: "add", source: "/add", inputs: ["a", "b"], output: "y", coeffs: [1, 1] }, ["a", "b"]), /add of \[1, 3\] and \[1, 4\] into \[1, 4\]/);
    refuses(spec([tensor("a", [1, 4], "input", 8), tensor("b", [1, 4], "input", 8), tensor("y", [1, 4], "accumulator", 20)],
      { kind: "add", source: "/add", inputs: ["a", "b"], output: "y", coeffs: [1, 1, 1] }, ["a", "b"]), /add with 3 coefficients for 2 inputs/);
    // A lookup or requant must keep its shape (the selector is the output's).
    refuses(spec([tensor("x", [1, 3], "input", 8), tensor("y", [1, 4], "activation", 8)],
      { kind: "requant", source: "/q", inputs: ["x"], output: "y", M: 1, s: 1, lo: -128, hi: 127 }, ["x"]), /requant from \[1, 3\] to \[1, 4\]/);
    refuses(spec([tensor("x", [2, 3, 4], "input", 8), tensor("y", [2, 4], "activation", 8)],
      { kind: "reducemax", source: "/max", inputs: ["x"], output: "y", axis: 1 }, ["x"]), /reducemax over axis 1 from \[2, 3, 4\] to \[2, 4\]/);
    refuses(spec([tensor("a", [2, 3], "input", 8), tensor("c", [4, 5], "input", 8), tensor("y", [2, 5], "accumulator", 20)],
      { kind: "matmul2", source: "/mm", inputs: ["a", "c"], output: "y" }, ["a", "c"]), /matmul \[2, 3\] × \[4, 5\] into \[2, 5\]/);
    refuses(spec([tensor("x", [1, 3], "input", 8), tensor("y", [1, 3], "activation", 8)],
      { kind: "requant", source: "/q", inputs: ["x", "x"], output: "y", M: 1, s: 1, lo: -128, hi: 127 }, ["x"]), /requant with 2 inputs/);
  });

  it("accepts the shapes the gadgets prove (broadcasts, a rank-reducing row sum, batched matmul)", () => {
    expect(() => compilePlan(spec([tensor("a", [3], "input", 8), tensor("b", [2, 1], "input", 8), tensor("y", [2, 3], "accumulator", 20)],
      { kind: "add", source: "/add", inputs: ["a", "b"], output: "y", coeffs: [1, 1] }, ["a", "b"]))).not.toThrow();
    expect(() => compilePlan(spec([tensor("x", [2, 3, 4], "input", 8), tensor("y", [2, 4], "accumulator", 12)],
      { kind: "rowsum", source: "/sum", inputs: ["x"], output: "y", axis: 1 }, ["x"]))).not.toThrow();
    expect(() => compilePlan(spec([tensor("a", [2, 2, 3], "input", 8), tensor("c", [1, 3, 5], "input", 8), tensor("y", [2, 2, 5], "accumulator", 20)],
      { kind: "matmul2", source: "/mm", inputs: ["a", "c"], output: "y" }, ["a", "c"]))).not.toThrow();
  });
});

describe("graph outputs whose forward fills padding with nonzero values (completeness)", () => {
  // x → requant → h (committed); z = h + c with c a broadcast constant: z's padded column holds c.
  const addGraph = graphOf([
    tensor("x", [3, 3], "input", 8), tensor("h", [3, 3], "activation", 8), tensor("c", [1, 1], "const", 8), tensor("z", [3, 3], "accumulator", 10),
  ], [
    { kind: "requant", source: "/q", inputs: ["x"], output: "h", M: 1, s: 1, lo: -128, hi: 127 },
    { kind: "add", source: "/add", inputs: ["h", "c"], output: "z", coeffs: [1, 1] },
  ], { c: Int32Array.of(5) }, ["x"], ["z"]);
  // z = select(h, m) with m [1, 3] broadcast over rows: z's padded row holds fill where m = 1.
  const selectGraph = graphOf([
    tensor("x", [3, 3], "input", 8), tensor("h", [3, 3], "activation", 8), tensor("m", [1, 3], "const", 1, false), tensor("z", [3, 3], "activation", 8),
  ], [
    { kind: "requant", source: "/q", inputs: ["x"], output: "h", M: 1, s: 1, lo: -128, hi: 127 },
    { kind: "select", source: "/sel", inputs: ["h", "m"], output: "z", fill: -100 },
  ], { m: Int32Array.of(0, 1, 0) }, ["x"], ["z"]);
  const input = { x: ints(11)(9, -128, 127) };

  for (const [name, graph] of [["add of a broadcast constant", addGraph], ["select by a broadcast mask", selectGraph]] as const) {
    it(`${name}: the honest proof verifies (it was rejected: the output claim assumed zero padding)`, () => {
      const p = proveGraph(graph, input);
      expect(p.reference.get("z")).toEqual(p.outputs.z);
      expect(p.check()).toEqual({ ok: true });
    });

    it(`${name}: a changed output value or a cheating prover's output is still rejected`, () => {
      const p = proveGraph(graph, input);
      for (const at of [0, 4, 8]) {
        const z = p.outputs.z!.slice();
        z[at]! += 1;
        expect(p.check({ outputs: { z } }).ok).toBe(false);
      }
      const cheat = proveGraph(graph, input, { testOnlyCheat: { mutate: (v, _p, phase) => { if (phase === "witness") v.get("z")![5]! += 1; } } });
      expect(cheat.outputs.z![4]).not.toBe(p.outputs.z![4]);
      expect(cheat.check().ok).toBe(false);
    });
  }
});

describe("op order from a hostile VK", () => {
  it("refuses an op that reads a tensor no earlier op computes (a cycle the integer evaluator cannot run)", () => {
    // t = requant(u), u = t + x: the verifier would check a fixpoint the evaluator never computes.
    const { consts: _c, ...spec } = graphOf([
      tensor("x", [1, 4], "input", 8), tensor("u", [1, 4], "activation", 10), tensor("t", [1, 4], "activation", 8), tensor("y", [1, 4], "accumulator", 10),
    ], [
      { kind: "requant", source: "/q", inputs: ["u"], output: "t", M: 1, s: 1, lo: -128, hi: 127 },
      { kind: "add", source: "/add", inputs: ["t", "x"], output: "u", coeffs: [1, 1] },
      { kind: "add", source: "/out", inputs: ["t", "t"], output: "y", coeffs: [1, 1] },
    ], {}, ["x"], ["y"]);
    expect(() => compilePlan(spec as GraphSpec)).toThrow(/\/q: it reads u before any op computes it/);
  });
});

describe("index maps from a hostile VK", () => {
  const spec = (inShapes: number[][], out: number[], map: Extract<QGraph["ops"][number], { kind: "indexmap" }>["map"]): GraphSpec => {
    const ins = inShapes.map((s, i) => tensor(`x${i}`, s, "input", 8));
    const { consts: _c, ...s } = graphOf([...ins, tensor("y", out, "activation", 8)], [
      { kind: "indexmap", source: "/map", inputs: ins.map((t) => t.name), output: "y", map },
    ], {}, ins.map((t) => t.name), ["y"]);
    return s as GraphSpec;
  };
  const refuses = (s: GraphSpec, why: RegExp) => expect(() => compilePlan(s)).toThrow(why);

  it("refuses maps whose output is not what they make of their inputs", () => {
    // A slice [0, 4) of a 3-wide axis passed as a relabeling: y[3] would be x's padding.
    refuses(spec([[1, 3]], [1, 4], { type: "slice", starts: [0, 0], steps: [1, 1] }), /slice \[1, 3\] → \[1, 4\]: reads outside axis 1/);
    refuses(spec([[2, 4]], [2, 2], { type: "transpose", perm: [0, 0] }), /\[0, 0\] is not a permutation/);
    refuses(spec([[2, 4]], [2, 4], { type: "transpose", perm: [1, 0] }), /the output is not the permuted input/);
    refuses(spec([[1, 4]], [1, 8], { type: "reshape" }), /reshape \[1, 4\] → \[1, 8\]: changes the element count/);
    refuses(spec([[1, 2], [1, 2]], [1, 8], { type: "concat", axis: 1 }), /the inputs do not tile the output/);
    refuses(spec([[2, 4]], [3, 2], { type: "gather", axis: 1, indices: [0, 3] }), /changes an axis it does not gather/);
  });

  it("accepts the same maps with consistent shapes", () => {
    for (const s of [
      spec([[1, 4]], [1, 3], { type: "slice", starts: [0, 1], steps: [1, 1] }),
      spec([[2, 4]], [4, 2], { type: "transpose", perm: [1, 0] }),
      spec([[1, 4]], [2, 2], { type: "reshape" }),
      spec([[1, 2], [1, 3]], [1, 5], { type: "concat", axis: 1 }),
      spec([[2, 4]], [2, 2], { type: "gather", axis: 1, indices: [0, 3] }),
    ]) expect(() => compilePlan(s)).not.toThrow();
  });
});
