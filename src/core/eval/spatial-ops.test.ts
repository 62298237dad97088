// Resize and Upsample (nearest and linear), DepthToSpace and SpaceToDepth against the ONNX
// operator documentation's examples (the shared conformance data has none), and what is refused.
import { describe, expect, it } from "vitest";
import { loadGraph } from "../graph/index.ts";
import { makeModel, type NodeSpec } from "../graph/test-models.ts";
import { evaluate } from "./evaluate.ts";

const str = (value: string) => ({ kind: "string" as const, value });
const floats = (value: number[]) => ({ kind: "floats" as const, value });

function resize(x: number[][], attrs: NodeSpec["attrs"], scales?: number[], sizes?: number[], opset = 13, op = "Resize") {
  const shape = [1, 1, x.length, x[0]!.length];
  const inits = [
    ...(op === "Resize" && opset >= 11 ? [{ name: "roi", dtype: "float32" as const, dims: [0], data: new Float32Array(0) }] : []),
    ...(scales ? [{ name: "scales", dtype: "float32" as const, dims: [4], data: Float32Array.from(scales) }] : []),
    ...(sizes ? [{ name: "sizes", dtype: "int64" as const, dims: [4], data: sizes }] : []),
  ];
  const ins = op === "Resize" && opset >= 11 ? ["x", "roi", scales ? "scales" : "", ...(sizes ? ["sizes"] : [])] : scales && !(op === "Upsample" && opset < 9) ? ["x", "scales"] : ["x"];
  const g = loadGraph(makeModel({ inputs: [["x", "float32", shape]], outputs: [["y"]], initializers: inits, nodes: [{ op, in: ins, out: ["y"], attrs }], opset }));
  const y = evaluate(g, { x: { dtype: "float32", shape, data: Float32Array.from(x.flat()) } }).y!;
  const [h, w] = y.shape.slice(2) as [number, number];
  return Array.from({ length: h }, (_, i) => Array.from((y.data as Float32Array).slice(i * w, (i + 1) * w)));
}

const grid = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i * n + j + 1));

describe("Resize", () => {
  it("upsamples by scales with the defaults (half_pixel, round_prefer_floor)", () => {
    expect(resize([[1, 2], [3, 4]], { mode: str("nearest") }, [1, 1, 2, 3])).toEqual([[1, 1, 1, 2, 2, 2], [1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4], [3, 3, 3, 4, 4, 4]]);
  });

  it("downsamples by scales (0.6: floor(2·0.6) × floor(4·0.6))", () => {
    expect(resize([[1, 2, 3, 4], [5, 6, 7, 8]], { mode: str("nearest") }, [1, 1, 0.6, 0.6])).toEqual([[1, 3]]);
  });

  it("sizes with asymmetric coordinates and round_prefer_ceil", () => {
    const y = resize(grid(4), { mode: str("nearest"), coordinate_transformation_mode: str("asymmetric"), nearest_mode: str("round_prefer_ceil") }, undefined, [1, 1, 8, 8]);
    expect(y[0]).toEqual([1, 2, 2, 3, 3, 4, 4, 4]);
    expect(y.map((r) => r[0])).toEqual([1, 5, 5, 9, 9, 13, 13, 13]);
  });

  it("sizes with align_corners and floor", () => {
    const y = resize(grid(4), { mode: str("nearest"), coordinate_transformation_mode: str("align_corners"), nearest_mode: str("floor") }, undefined, [1, 1, 8, 8]);
    expect(y[0]).toEqual([1, 1, 1, 2, 2, 3, 3, 4]);
    expect(y.map((r) => r[0])).toEqual([1, 1, 1, 5, 5, 9, 9, 13]);
  });

  it("Upsample (opset 9, and 7's scales attribute) and Resize-10 copy by floor(o / scale)", () => {
    const want = [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]];
    expect(resize([[1, 2], [3, 4]], { mode: str("nearest") }, [1, 1, 2, 2], undefined, 9, "Upsample")).toEqual(want);
    expect(resize([[1, 2], [3, 4]], { mode: str("nearest"), scales: floats([1, 1, 2, 2]) }, undefined, undefined, 7, "Upsample")).toEqual(want);
    expect(resize([[1, 2, 3]], { mode: str("nearest") }, [1, 1, 1, 1.5], undefined, 10)).toEqual([[1, 1, 2, 3]]);
  });

  it("linear mode: half_pixel up and down, align_corners (the docs' examples)", () => {
    const close = (got: number[][], want: number[][]) => got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    close(resize([[1, 2], [3, 4]], { mode: str("linear") }, [1, 1, 2, 2]), [[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]);
    close(resize([[1, 2, 3, 4], [5, 6, 7, 8]], { mode: str("linear") }, [1, 1, 0.6, 0.6]), [[2.6666665, 4.3333331]]);
    close(resize([[1, 2], [3, 4]], { mode: str("linear"), coordinate_transformation_mode: str("align_corners") }, [1, 1, 2, 2]),
      [[1, 4 / 3, 5 / 3, 2], [5 / 3, 2, 7 / 3, 8 / 3], [7 / 3, 8 / 3, 3, 10 / 3], [3, 10 / 3, 11 / 3, 4]]);
  });

  it("refuses cubic mode, antialiasing and tf_crop_and_resize with what to do", () => {
    expect(() => resize([[1, 2], [3, 4]], { mode: str("cubic") }, [1, 1, 2, 2])).toThrow(/Resize in cubic mode is not supported \(nearest and linear are\); re-export with one of them/);
    expect(() => resize([[1, 2, 3, 4]], { mode: str("linear"), antialias: { kind: "int", value: 1 } }, [1, 1, 1, 0.5], undefined, 18)).toThrow(/antialiased linear Resize is not supported/);
    expect(() => resize([[1, 2], [3, 4]], { coordinate_transformation_mode: str("tf_crop_and_resize") }, [1, 1, 2, 2])).toThrow(/tf_crop_and_resize is not supported/);
    expect(() => resize([[1, 2], [3, 4]], {}, [1, 1, 1e12, 1])).toThrow(/has an axis over 16777216; check the scales or sizes/);
  });
});

describe("DepthToSpace and SpaceToDepth", () => {
  const run = (op: string, shape: number[], attrs: NodeSpec["attrs"], data: Float32Array) => {
    const g = loadGraph(makeModel({ inputs: [["x", "float32", shape]], outputs: [["y"]], nodes: [{ op, in: ["x"], out: ["y"], attrs }] }));
    return evaluate(g, { x: { dtype: "float32", shape, data } }).y!;
  };
  const x = Float32Array.from({ length: 48 }, (_, i) => i);
  const int = (value: number) => ({ kind: "int" as const, value });

  it("DepthToSpace in DCR and CRD mode (the docs' examples)", () => {
    const dcr = run("DepthToSpace", [1, 8, 2, 3], { blocksize: int(2), mode: str("DCR") }, x);
    expect(dcr.shape).toEqual([1, 2, 4, 6]);
    expect(Array.from(dcr.data as Float32Array).slice(0, 12)).toEqual([0, 12, 1, 13, 2, 14, 24, 36, 25, 37, 26, 38]);
    expect(Array.from(dcr.data as Float32Array).slice(24, 30)).toEqual([6, 18, 7, 19, 8, 20]);
    const crd = run("DepthToSpace", [1, 8, 2, 3], { blocksize: int(2), mode: str("CRD") }, x);
    expect(Array.from(crd.data as Float32Array).slice(0, 12)).toEqual([0, 6, 1, 7, 2, 8, 12, 18, 13, 19, 14, 20]);
    expect(Array.from(crd.data as Float32Array).slice(24, 30)).toEqual([24, 30, 25, 31, 26, 32]);
  });

  it("SpaceToDepth undoes DepthToSpace (DCR), and bad blocks are refused", () => {
    const dcr = run("DepthToSpace", [1, 8, 2, 3], { blocksize: int(2) }, x);
    const back = run("SpaceToDepth", [1, 2, 4, 6], { blocksize: int(2) }, dcr.data as Float32Array);
    expect(back.shape).toEqual([1, 8, 2, 3]);
    expect(Array.from(back.data as Float32Array)).toEqual(Array.from(x));
    expect(() => run("SpaceToDepth", [1, 2, 3, 4], { blocksize: int(2) }, new Float32Array(24))).toThrow(/H and W must be multiples of the block/);
  });
});
