import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decodeModel } from "../onnx/index.ts";
import { loadGraph } from "../graph/index.ts";
import { makeModel } from "../graph/test-models.ts";
import { quantizableOps } from "../quant/index.ts";
import { opFamily } from "./families.ts";
import { itShared } from "../../../test/shared-data.ts";
import {
  viewFromGraph, viewFromOnnx, groupTree, layoutView, visibleOf, defaultExpanded, searchNodes, valueStats,
  edgeLabel, scopeOf, scaleFor, scalePosition, rampColour, type ViewGraph, type Layout,
} from "./index.ts";

const cnn = () => decodeModel(new Uint8Array(readFileSync("public/models/digits_cnn.onnx")));

function overlaps(l: Layout): string[] {
  // Items of the same depth level drawn inside the same parent must not overlap.
  const bad: string[] = [];
  const byDepth = new Map<number, typeof l.items>();
  for (const it of l.items) byDepth.set(it.depth, [...(byDepth.get(it.depth) ?? []), it]);
  for (const items of byDepth.values()) {
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!, b = items[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) bad.push(`${a.id}/${b.id}`);
    }
  }
  return bad;
}

describe("view graph", () => {
  it("is built from the graph IR: constants folded, inferred shapes on every edge", () => {
    const m = cnn();
    const v = viewFromGraph(loadGraph(m), m.graph.nodes.length);
    expect(v.source).toBe("ir");
    expect(v.folded).toBe(1); // the Pad's Constant
    expect(v.nodes.map((n) => n.op)).toEqual(["Input", "Conv", "Relu", "Conv", "Relu", "Pad", "AveragePool", "Flatten", "Gemm", "Output"]);
    const shapes = Object.fromEntries(v.edges.map((e) => [`${e.source}>${e.target}`, e.shape]));
    // value_info has no shapes for intermediates; the IR infers them.
    expect(shapes["/c1/Conv>/Relu"]).toBe("[1,8,8,8]");
    expect(shapes["/pool/AveragePool>/Flatten"]).toBe("[1,16,4,4]");
    expect(shapes["/fc/Gemm>out:output"]).toBe("[1,10]");
    const conv = v.nodes.find((n) => n.id === "/c1/Conv")!;
    expect(conv.weights).toEqual([{ name: "c1.weight", shape: [8, 1, 3, 3] }, { name: "c1.bias", shape: [8] }]);
    expect(conv.scope).toEqual(["c1"]);
    expect(conv.attributes.kernel_shape).toBe("[3, 3]");
  });

  it("falls back to the raw ONNX nodes with issues marked", () => {
    const m = makeModel({
      nodes: [{ op: "Relu", name: "/a/r", in: ["x"], out: ["y"] }, { op: "FancyOp", name: "/a/f", in: ["y"], out: ["z"] }],
      inputs: [["x", "float32", [1, 4]]], outputs: [["z", "float32", [1, 4]]],
    });
    const v = viewFromOnnx(m, new Map([["FancyOp", { level: "error" as const, reason: "FancyOp is not supported" }]]));
    expect(v.source).toBe("onnx");
    expect(v.nodes.find((n) => n.op === "FancyOp")!.issue?.reason).toBe("FancyOp is not supported");
    expect(v.nodes.find((n) => n.op === "Relu")!.issue).toBeUndefined();
    expect(v.edges.map((e) => `${e.source}>${e.target}:${e.shape}`)).toEqual(["in:x>/a/r:[1,4]", "/a/r>/a/f:", "/a/f>out:z:[1,4]"]);
  });
});

/** A chain of `n` Relu nodes named in scopes /s{i/per}/r{i}. */
function chainView(n: number, per: number): ViewGraph {
  const nodes = Array.from({ length: n }, (_, i) => ({ op: "Relu", name: per ? `/s${Math.floor(i / per)}/r${i}` : `r${i}`, in: [i ? `t${i - 1}` : "x"], out: [`t${i}`] }));
  const m = makeModel({ nodes, inputs: [["x", "float32", [1, 2]]], outputs: [[`t${n - 1}`, "float32", [1, 2]]] });
  return viewFromGraph(loadGraph(m), n);
}

describe("groups", () => {
  it("come from name scopes with two or more nodes", () => {
    expect(scopeOf("/layer1/conv/Conv")).toEqual(["layer1", "conv"]);
    expect(scopeOf("Conv_3")).toEqual([]);
    const v = chainView(9, 4);
    const t = groupTree(v.nodes);
    expect([...t.groups.keys()]).toEqual(["g:s0", "g:s1"]); // s2 holds one node: stays flat
    expect(t.groups.get("g:s0")!.children).toEqual(["/s0/r0", "/s0/r1", "/s0/r2", "/s0/r3"]);
    expect(t.roots).toEqual(["in:x", "g:s0", "g:s1", "/s2/r8", "out:t8"]);
    expect(visibleOf(t, new Set(), "/s1/r5")).toBe("g:s1");
    expect(visibleOf(t, new Set(["g:s1"]), "/s1/r5")).toBe("/s1/r5");
  });

  it("split long flat levels into segments, and collapse by default above 300 nodes", () => {
    const v = chainView(700, 0);
    const t = groupTree(v.nodes, 60);
    expect(t.roots.length).toBeLessThanOrEqual(60);
    for (const g of t.groups.values()) expect(g.children.length).toBeLessThanOrEqual(60);
    const total = [...t.groups.values()].filter((g) => g.parent === null).reduce((a, g) => a + g.size, 0) + t.roots.filter((r) => !t.groups.has(r)).length;
    expect(total).toBe(702);
    expect(defaultExpanded(t, 702).size).toBe(0);
    expect(defaultExpanded(groupTree(chainView(20, 5).nodes), 22).size).toBe(4);
  });
});

describe("layout", () => {
  it("places every visible item without overlaps, groups around their members", () => {
    const v = chainView(40, 8);
    const t = groupTree(v.nodes);
    const l = layoutView(v, t, new Set(["g:s1", "g:s3"]));
    expect(overlaps(l)).toEqual([]);
    const ids = l.items.map((i) => i.id);
    expect(ids).toContain("g:s0");
    expect(ids).not.toContain("/s0/r0");
    expect(ids).toContain("/s1/r9");
    const g = l.items.find((i) => i.id === "g:s1")!, n = l.items.find((i) => i.id === "/s1/r9")!;
    expect(n.x).toBeGreaterThanOrEqual(g.x);
    expect(n.y + n.height).toBeLessThanOrEqual(g.y + g.height);
    // Edges join what is visible: a collapsed group stands for its members.
    expect(l.edges.map((e) => `${e.source}>${e.target}`)).toContain("g:s0>/s1/r8");
    expect(l.edges.every((e) => ids.includes(e.source) && ids.includes(e.target))).toBe(true);
  });

  it("puts expanded segments of a long chain side by side, collapsed ones one under another", () => {
    const v = chainView(300, 0);
    const t = groupTree(v.nodes);
    const segs = t.roots.filter((r) => r.startsWith("s:"));
    expect(segs.length).toBe(6); // 302 members (with input and output) in runs of at most 60
    const open = layoutView(v, t, new Set(segs));
    const xs = segs.map((id) => open.items.find((i) => i.id === id)!.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs); // left to right, in order
    expect(open.width).toBeGreaterThan(open.height / 4);
    const shut = layoutView(v, t, new Set());
    const ys = segs.map((id) => shut.items.find((i) => i.id === id)!.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(overlaps(open)).toEqual([]);
  });

  it("lays out a 10,000-node graph collapsed, and a level of it expanded, quickly", () => {
    const v = chainView(10_000, 50);
    const t = groupTree(v.nodes);
    const t0 = performance.now();
    const l = layoutView(v, t, defaultExpanded(t, v.nodes.length));
    expect(l.items.length).toBeLessThanOrEqual(62);
    const open = new Set([t.roots.find((r) => r.startsWith("s:"))!]);
    const l2 = layoutView(v, t, open);
    expect(l2.items.length).toBeGreaterThan(l.items.length);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  itShared("onnx-backend-tests/light/light_densenet121.onnx", "DenseNet-121 (668 IR nodes, no scopes) opens as segments", () => {
    const m = decodeModel(new Uint8Array(readFileSync("../shared/onnx-backend-tests/light/light_densenet121.onnx")));
    const v = viewFromGraph(loadGraph(m), m.graph.nodes.length);
    expect(v.nodes.length).toBe(670);
    const t = groupTree(v.nodes);
    const l = layoutView(v, t, defaultExpanded(t, v.nodes.length));
    expect(l.items.length).toBeLessThanOrEqual(60);
    expect(overlaps(l)).toEqual([]);
  });
});

describe("search, stats, labels, overlay", () => {
  it("finds nodes by op first, then by name", () => {
    const m = cnn();
    const v = viewFromGraph(loadGraph(m), m.graph.nodes.length);
    expect(searchNodes(v.nodes, "conv").map((n) => n.id)).toEqual(["/c1/Conv", "/c2/Conv"]);
    expect(searchNodes(v.nodes, "c2").map((n) => n.id)).toEqual(["/c2/Conv"]);
    expect(searchNodes(v.nodes, "RELU").map((n) => n.id)).toEqual(["/Relu", "/Relu_1"]);
    expect(searchNodes(v.nodes, "nothing-like-this")).toEqual([]);
  });

  it("summarizes values", () => {
    const s = valueStats(Float32Array.from([-1, 0, 0, 1, 2, 4]), 5);
    expect(s).toMatchObject({ count: 6, min: -1, max: 4, mean: 1, zeros: 2 });
    expect(s.std).toBeCloseTo(Math.sqrt((4 + 1 + 1 + 0 + 1 + 9) / 6), 12);
    // bins of width 1: [-1,0) [0,1) [1,2) [2,3) [3,4]
    expect(s.hist.counts).toEqual([1, 2, 1, 1, 1]);
  });

  it("labels edges with scale and bits", () => {
    expect(edgeLabel("[1,64,16,16]", { k: 6, bits: 8, signed: true })).toBe("[1,64,16,16] · 2^-6 · i8");
    expect(edgeLabel("[1,10]", { k: -2, bits: 12, signed: false })).toBe("[1,10] · 2^2 · u12");
    expect(edgeLabel("[1,10]")).toBe("[1,10]");
  });

  it("maps overlay values onto the ramp (log when they span decades)", () => {
    const s = scaleFor("table", [256, 65536, 4096], "rows");
    expect(s.log).toBe(true);
    expect(scalePosition(s, 256)).toBe(0);
    expect(scalePosition(s, 4096)).toBeCloseTo(0.5, 12);
    expect(rampColour(0)).toBe("#440154");
    expect(rampColour(1)).toBe("#fde725");
    expect(scalePosition(scaleFor("error", [3, 3], "dB"), 3)).toBe(0.5);
  });
});

describe("op families", () => {
  it("colour every op the quantizer takes (none left as 'other')", () => {
    expect(quantizableOps().filter((op) => opFamily(op) === "other")).toEqual([]);
  });
});
