import { describe, expect, it } from "vitest";
import { checkBounds, intervals, QuantBoundError } from "./bounds.ts";
import type { QGraph, QOp, QTensor } from "./qgraph.ts";

function linearGraph(xBits: number, wBits: number, K: number, requant?: Partial<Extract<QOp, { kind: "requant" }>>): QGraph {
  const t = (name: string, shape: number[], bits: number, role: QTensor["role"], signed = true): QTensor => ({ name, shape, k: 0, bits, signed, role });
  const g: QGraph = {
    version: 1, inputs: ["x"], outputs: ["y"], consts: { w: new Int32Array(4 * K) }, tables: {},
    tensors: {
      x: t("x", [1, K], xBits, "input", false),
      w: t("w", [4, K], wBits, "weight"),
      acc: t("acc", [1, 4], 30, "accumulator"),
      y: t("y", [1, 4], 8, "activation"),
    },
    ops: [
      { kind: "linear", form: "dense", source: "fc", inputs: ["x", "w"], output: "acc" },
      { kind: "requant", source: "fc", inputs: ["acc"], output: "y", M: 1, s: 10, lo: -128, hi: 127, ...requant },
    ],
  };
  return g;
}

describe("static bound (PROTOCOL §1)", () => {
  it("derives accumulator intervals from bit widths and depth only", () => {
    const iv = intervals(linearGraph(8, 8, 100));
    // unsigned 8-bit x in [0, 255], signed 8-bit w in [-128, 127], K = 100
    expect(iv.get("acc")).toEqual({ lo: 100 * 255 * -128, hi: 100 * 255 * 127 });
  });

  it("accepts a VGG-sized layer of 8-bit operands and rejects one past 2^29, naming node and widths", () => {
    expect(() => checkBounds(linearGraph(8, 8, 4608))).not.toThrow();
    let err: unknown;
    try {
      checkBounds(linearGraph(12, 8, 4608));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuantBoundError);
    expect((err as Error).message).toMatch(/fc: linear output acc can reach 2\^31\.2, over the field's bound of 2\^29; lower the bit width of x \(12 bits\) or w \(8 bits\) by 3 bit\(s\) in total/);
    expect((err as QuantBoundError).where).toEqual({ node: "fc", tensor: "acc" });
  });

  it("rejects a requant multiplier that takes acc·M past 2^29, and malformed M, s or clamps", () => {
    expect(() => checkBounds(linearGraph(8, 8, 1000, { M: 3000 }))).toThrow(/computes acc·M up to 2\^36\.5, over 2\^29/);
    expect(() => checkBounds(linearGraph(8, 8, 10, { M: 0 }))).toThrow(/M must be a positive integer/);
    expect(() => checkBounds(linearGraph(8, 8, 10, { s: 41 }))).toThrow(/s an integer in \[0, 40\]/);
    expect(() => checkBounds(linearGraph(8, 8, 10, { lo: -129 }))).toThrow(/clamp \[-129, 127\] does not fit y's 8-bit type/);
  });

  it("rejects an accumulator declared narrower than its interval", () => {
    const g = linearGraph(8, 8, 100);
    g.tensors.acc!.bits = 20;
    expect(() => checkBounds(g)).toThrow(/accumulator acc reaches 2\^21\.6 but is declared 20 bits/);
  });
});
