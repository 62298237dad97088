import { describe, expect } from "vitest";
import { it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itShared, sharedPath } from "../shared-data.ts";
import onnxProto from "onnx-proto";

function zkml(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/zkml.js", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("zkml command line", () => {
  itShared("models/vgg16_cifar10/model.onnx", "inspect prints vgg16's 13 Conv nodes in its op histogram", () => {
    const r = zkml("inspect", sharedPath("models/vgg16_cifar10/model.onnx"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+Conv\s+13$/m);
    expect(r.out).toMatch(/^\s+MaxPool\s+5$/m);
    expect(r.out).toContain("input      input  float32 [1,3,32,32]");
    expect(r.out).toContain("parameters 14,719,818");
    // 13 convolutions and 3 linear layers of vgg16 at 32×32: ~313 M multiply-adds.
    expect(r.out).toMatch(/^compute    31\d M multiply-adds per sample/m);
  });

  itShared("models/digits_cnn/model.onnx", "inspect --json is one JSON document with the summary", () => {
    const r = zkml("inspect", sharedPath("models/digits_cnn/model.onnx"), "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.opset).toBe(17);
    expect(s.opHistogram.Conv).toBe(2);
    expect(s.macsPerSample).toBeGreaterThan(0);
    expect(s.inputs[0]).toMatchObject({ name: "input", dtype: "float32" });
    expect(s.inputs[0].shape).toEqual([1, 1, 8, 8]);
  });

  it("inspect names the ops the quantizer cannot lower yet (text and --json)", () => {
    // ReduceProd: evaluated, not proved (no shared model has such an op any more).
    const file = join(mkdtempSync(join(tmpdir(), "zkml-")), "prod.onnx");
    const { onnx } = onnxProto;
    const info = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
    writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create({
      irVersion: 8, opsetImport: [{ domain: "", version: 17 }],
      graph: { name: "prod", input: [info("x", [2, 3])], output: [info("y", [2])], node: [{ name: "prod", opType: "ReduceProd", input: ["x"], output: ["y"], attribute: [{ name: "axes", type: 7, ints: [1] }, { name: "keepdims", type: 2, i: 0 }] }] },
    })).finish());
    const r = zkml("inspect", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("not provable yet (no integer lowering, calibration would stop there): ReduceProd ×1");
    expect(JSON.parse(zkml("inspect", file, "--json").out).notLowered).toEqual({ ReduceProd: 1 });
  });

  itShared("models/vgg16_cifar10/model.onnx", "inspect says nothing of the kind for a model it can prove", () => {
    const r = zkml("inspect", sharedPath("models/vgg16_cifar10/model.onnx"), "--json");
    expect(JSON.parse(r.out).notLowered).toEqual({});
  });

  it("a file that is not ONNX exits non-zero with a one-line reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkml-"));
    const bad = join(dir, "notes.onnx");
    writeFileSync(bad, "hello, this is text and not a model\n".repeat(10));
    const r = zkml("inspect", bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("not a valid ONNX model");
  });

  it("a missing file and an unknown command are clear errors", () => {
    const missing = zkml("inspect", "/nonexistent/model.onnx");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no such file");
    const unknown = zkml("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
  });

  itShared("models/vgg16_cifar10/model.onnx", "output piped into a reader that stops early ends quietly (no EPIPE trace)", () => {
    // `zkml inspect m.onnx | head -1`: the reader closes the pipe after the first line.
    const r = spawnSync("sh", ["-c", `"${process.execPath}" bin/zkml.js inspect "${sharedPath("models/vgg16_cifar10/model.onnx")}" | head -1`], { encoding: "utf8" });
    expect(r.stdout).toMatch(/^model /);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });

  it("--help lists the commands", () => {
    const r = zkml("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("zkml inspect <model.onnx>");
  });
});
