import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { itShared, readShared, sharedPath } from "../../../test/shared-data.ts";
import { fromTensorData } from "../../core/graph/index.ts";
import { decodeTensorFile } from "../../core/onnx/index.ts";
import type { Output } from "../io.ts";
import { main } from "../main.ts";

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const MODEL = "models/digits_cnn/model.onnx";
const INPUT = "models/digits_cnn/test_data_set_0/input_0.pb";
const OUTPUT = "models/digits_cnn/test_data_set_0/output_0.pb";

function npy(shape: number[], data: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")},), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

describe("zkml run", () => {
  const dir = mkdtempSync(join(tmpdir(), "zkml-run-"));

  itShared(MODEL, "writes the reference output as a TensorProto and prints the same values with --json", async () => {
    const out = join(dir, "out.pb");
    const io = capture();
    expect(await main(["run", sharedPath(MODEL), "--input", sharedPath(INPUT), "--out", out, "--json"], io)).toBe(0);
    const written = fromTensorData(decodeTensorFile(new Uint8Array(readFileSync(out))));
    const expected = fromTensorData(decodeTensorFile(readShared(OUTPUT)));
    expect(written.dtype).toBe("float32");
    expect(written.shape).toEqual(expected.shape);
    const w = written.data as Float32Array, e = expected.data as Float32Array;
    for (let i = 0; i < e.length; i++) expect(Math.abs(w[i]! - e[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(e[i]!));
    const printed = JSON.parse(io.stdout[0]!) as { outputs: Record<string, { shape: number[]; data: number[] }> };
    expect(printed.outputs.output!.shape).toEqual([1, 10]);
    expect(Float32Array.from(printed.outputs.output!.data)).toEqual(w);
  });

  itShared(MODEL, "reads the same input from .npy and from a JSON array", async () => {
    const input = fromTensorData(decodeTensorFile(readShared(INPUT)));
    const x = input.data as Float32Array;
    writeFileSync(join(dir, "x.npy"), npy(input.shape, x));
    const nested = [[Array.from({ length: 8 }, (_, r) => Array.from(x.subarray(r * 8, r * 8 + 8)))]];
    writeFileSync(join(dir, "x.json"), JSON.stringify(nested));
    const results: string[] = [];
    for (const file of [sharedPath(INPUT), join(dir, "x.npy"), join(dir, "x.json")]) {
      const io = capture();
      expect(await main(["run", sharedPath(MODEL), "--input", file, "--json"], io), io.stderr.join("\n")).toBe(0);
      results.push(io.stdout[0]!);
    }
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  });

  itShared(MODEL, "rejects an input of the wrong shape, naming the input", async () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify([[1, 2, 3]]));
    const io = capture();
    expect(await main(["run", sharedPath(MODEL), "--input", join(dir, "bad.json")], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/^zkml run: eval: input input has shape \[1,3\] but the graph was loaded for \[1,1,8,8\]/);
  });

  itShared(INPUT, "gives one clear line for a file that is not ONNX", async () => {
    const bogus = join(dir, "notes.onnx");
    writeFileSync(bogus, "this is a text file, not a model\n");
    const io = capture();
    expect(await main(["run", bogus, "--input", sharedPath(INPUT)], io)).toBe(1);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^zkml run: onnx: not a valid ONNX model .*check that the file is an \.onnx export/);
  });

  itShared(MODEL, "exits 2 with the usage when --input is missing", async () => {
    const io = capture();
    expect(await main(["run", sharedPath(MODEL)], io)).toBe(2);
    expect(io.stderr[0]).toContain("usage: zkml run <model.onnx> --input");
  });
});

describe("zkml inspect", () => {
  itShared(MODEL, "prints every node with its input and output shapes", async () => {
    const io = capture();
    expect(await main(["inspect", sharedPath(MODEL)], io)).toBe(0);
    const lines = io.stdout.join("\n").split("\n");
    expect(lines).toContain("graph      8 nodes after folding 1 constant node(s)");
    expect(lines.find((l) => l.includes("/c1/Conv"))?.replace(/\s+/g, " ").trim()).toBe("/c1/Conv Conv [1,1,8,8] [8,1,3,3] [8] -> [1,8,8,8]");
    expect(lines.find((l) => l.includes("/pool/AveragePool"))?.replace(/\s+/g, " ").trim()).toBe("/pool/AveragePool AveragePool [1,16,8,8] -> [1,16,4,4]");
  });

  itShared("onnx-backend-tests/simple/test_sequence_model1/model.onnx", "lists unsupported ops by node name", async () => {
    const io = capture();
    expect(await main(["inspect", sharedPath("onnx-backend-tests/simple/test_sequence_model1/model.onnx"), "--json"], io)).toBe(0);
    const s = JSON.parse(io.stdout[0]!) as { unsupported: { node: string; op: string }[] };
    expect(s.unsupported).toEqual([
      { node: "SequenceEmpty_0", op: "SequenceEmpty" },
      { node: "SequenceInsert_1", op: "SequenceInsert" },
      { node: "SequenceInsert_2", op: "SequenceInsert" },
      { node: "SequenceInsert_3", op: "SequenceInsert" },
      { node: "SequenceAt_4", op: "SequenceAt" },
    ]);
  });
});
