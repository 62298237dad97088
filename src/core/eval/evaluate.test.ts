import { describe, expect, it } from "vitest";
import { gemmNN } from "../graph/ops/gemm-kernel.ts";
import { erf } from "../graph/ops/erf.ts";
import { loadGraph, type GraphNode, type Tensor } from "../graph/index.ts";
import { f32, i64, int, makeModel } from "../graph/test-models.ts";
import { wasmGemmF32 } from "../kernels/gemm-f32.ts";
import { EvalError, evaluate, parseJsonTensor, parseNpy } from "./index.ts";

const mlp = makeModel({
  inputs: [["x", "float32", [1, 3]]],
  outputs: [["y"], ["k"]],
  initializers: [f32("w", [3, 2], [1, -1, 2, -2, 3, -3]), f32("b", [2], [0.5, 0.5]), f32("kc", [1], [7])],
  nodes: [
    { op: "MatMul", name: "mm", in: ["x", "w"], out: ["h"] },
    { op: "Add", name: "bias", in: ["h", "b"], out: ["h2"] },
    { op: "Relu", name: "act", in: ["h2"], out: ["y"] },
    { op: "Identity", name: "const_out", in: ["kc"], out: ["k"] },
  ],
});

describe("evaluate", () => {
  it("computes outputs, including one that folded to a constant", () => {
    const out = evaluate(loadGraph(mlp), { x: { dtype: "float32", shape: [1, 3], data: Float32Array.of(1, 2, 3) } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([14.5, 0]);
    expect(Array.from(out.k!.data as Float32Array)).toEqual([7]);
  });

  it("calls onNode once per node, in order, with the tensors the next nodes read", () => {
    const seen: [string, number[]][] = [];
    evaluate(loadGraph(mlp), { x: { shape: [1, 3], data: [1, 2, 3] } }, {
      onNode: (n: GraphNode, outs: readonly (Tensor | undefined)[]) => seen.push([n.id, Array.from(outs[0]!.data as Float32Array)]),
    });
    expect(seen).toEqual([["mm", [14, -14]], ["bias", [14.5, -13.5]], ["act", [14.5, 0]]]);
  });

  it("rejects missing, extra, mistyped and misshaped inputs, naming them", () => {
    const g = loadGraph(mlp);
    const x = { shape: [1, 3], data: [1, 2, 3] };
    expect(() => evaluate(g, {})).toThrow(/input x is missing/);
    expect(() => evaluate(g, { x, z: x })).toThrow(/the graph has no input z; its inputs are x/);
    expect(() => evaluate(g, { x: { ...x, dtype: "int64" } })).toThrow(/input x should be float32 but is int64/);
    expect(() => evaluate(g, { x: { shape: [3, 1], data: [1, 2, 3] } })).toThrow(/has shape \[3,1\] but the graph was loaded for \[1,3\]/);
    expect(() => evaluate(g, { x: { shape: [1, 3], data: [1, 2] } })).toThrow(EvalError);
  });

  it("takes int64 token ids as numbers or BigInt64Array, and reports an out-of-range id", () => {
    const m = makeModel({
      inputs: [["ids", "int64", [1, 2]]],
      outputs: [["e"]],
      initializers: [f32("table", [3, 2], [0, 1, 10, 11, 20, 21])],
      nodes: [{ op: "Gather", name: "embed", in: ["table", "ids"], out: ["e"], attrs: { axis: int(0) } }],
    });
    const g = loadGraph(m);
    const a = evaluate(g, { ids: { shape: [1, 2], data: [2, 0] } }).e!;
    const b = evaluate(g, { ids: { shape: [1, 2], data: BigInt64Array.of(2n, 0n) } }).e!;
    expect(a.shape).toEqual([1, 2, 2]);
    expect(Array.from(a.data as Float32Array)).toEqual([20, 21, 0, 1]);
    expect(b).toEqual(a);
    expect(() => evaluate(g, { ids: { shape: [1, 2], data: [3, 0] } })).toThrow(/node embed \(Gather\) failed: .*index 3 is out of range for an axis of size 3/);
  });

  it("GatherND by computed index tuples, with batch_dims, and its errors by name", () => {
    const m = (batchDims: number, idxShape: number[]) => loadGraph(makeModel({
      inputs: [["ids", "int64", idxShape]], outputs: [["y"]],
      initializers: [f32("x", [2, 2, 3], [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32])],
      nodes: [{ op: "GatherND", name: "pick", in: ["x", "ids"], out: ["y"], attrs: { batch_dims: int(batchDims) } }],
    }));
    const y = evaluate(m(0, [2, 2]), { ids: { shape: [2, 2], data: BigInt64Array.of(1n, 0n, -2n, 1n) } }).y!;
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data as Float32Array)).toEqual([20, 21, 22, 10, 11, 12]);
    // batch_dims 1: batch b picks row ids[b] of x[b].
    const yb = evaluate(m(1, [2, 1]), { ids: { shape: [2, 1], data: [1, 0] } }).y!;
    expect(Array.from(yb.data as Float32Array)).toEqual([10, 11, 12, 20, 21, 22]);
    expect(() => evaluate(m(0, [2, 2]), { ids: { shape: [2, 2], data: [2, 0, 0, 0] } })).toThrow(/node pick \(GatherND\) failed: .*index 2 is out of range for an axis of size 2/);
    expect(() => loadGraph(makeModel({
      inputs: [["ids", "int64", [3, 1]]], outputs: [["y"]], initializers: [f32("x", [2, 3], [0, 1, 2, 3, 4, 5])],
      nodes: [{ op: "GatherND", name: "pick", in: ["x", "ids"], out: ["y"], attrs: { batch_dims: int(1) } }],
    }))).toThrow(/batch dimension 0: data has 2, indices 3/);
  });

  it("evaluates a reshape whose target was computed from shapes at load", () => {
    const m = makeModel({
      inputs: [["x", "float32", [2, 3]]],
      outputs: [["y"]],
      initializers: [i64("t", [3, -1])],
      nodes: [{ op: "Reshape", in: ["x", "t"], out: ["y"] }],
    });
    const y = evaluate(loadGraph(m), { x: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] } }).y!;
    expect(y.shape).toEqual([3, 2]);
  });
});

describe("kernels", () => {
  function lcg(seed: number) {
    let s = seed;
    return () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296) * 2 - 1;
  }

  it("the wasm GEMM agrees with the TypeScript reference on odd sizes and strided operands", () => {
    const next = lcg(7);
    for (const [M, N, K] of [[1, 1, 1], [3, 7, 5], [4, 8, 16], [9, 19, 33], [16, 130, 70]] as const) {
      const lda = K + 3, ldb = N + 2, ldo = N + 5;
      const a = Float32Array.from({ length: M * lda + 1 }, next), b = Float32Array.from({ length: K * ldb + 2 }, next);
      const init = Float32Array.from({ length: M * ldo + 3 }, next);
      const ref = init.slice(), got = init.slice();
      gemmNN(a, 1, b, 2, ref, 3, M, N, K, lda, ldb, ldo);
      wasmGemmF32(a, 1, b, 2, got, 3, M, N, K, lda, ldb, ldo);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!), `M=${M} N=${N} K=${K} at ${i}`).toBeLessThan(1e-5 * (1 + K));
      expect(got[0]).toBe(init[0]); // untouched outside the block
    }
  });

  it("erf matches reference values to float32 precision", () => {
    const cases: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [-1, -0.8427007929497149],
      [2, 0.9953222650189527], [2.9, 0.9999589021219005], [3.5, 0.9999992569016276], [7, 1]];
    for (const [x, want] of cases) expect(Math.abs(erf(x) - want), `erf(${x})`).toBeLessThan(1e-9);
  });
});

describe("input files", () => {
  it("parses a little-endian float32 .npy and rejects a size that does not match its header", () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }".padEnd(117, " ") + "\n";
    const body = new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer);
    const bytes = new Uint8Array(10 + header.length + body.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    bytes.set(new TextEncoder().encode(header), 10);
    bytes.set(body, 10 + header.length);
    const t = parseNpy(bytes);
    expect(t.dtype).toBe("float32");
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4), "cut.npy")).toThrow(/cut.npy is not a readable .npy file: shape \(2,2\) needs 16 bytes/);
  });

  it("parses nested JSON arrays and rejects ragged ones", () => {
    expect(parseJsonTensor("[[1,2,3],[4,5,6]]")).toEqual({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    expect(() => parseJsonTensor("[[1,2],[3]]", "r.json")).toThrow(/r.json: ragged array at depth 1/);
  });
});
