import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import type { Output } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { fromTensorData } from "../../src/core/graph/index.ts";
import { decodeTensorFile } from "../../src/core/onnx/index.ts";
import { parsePlan, serializePlan } from "../../src/core/quant/index.ts";
import { itShared, sharedPath } from "../shared-data.ts";

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const M = (name: string) => sharedPath(`models/${name}/model.onnx`);
const D = (file: string) => sharedPath(`models/digits/${file}`);

describe("zkml calibrate / accuracy / run --plan", () => {
  const dir = mkdtempSync(join(tmpdir(), "zkml-quant-"));

  itShared("models/digits_mlp/model.onnx", "calibrate writes a plan that round-trips through the schema unchanged; accuracy --json reports fractions", async () => {
    const plan = join(dir, "mlp.json");
    const io = capture();
    expect(await main(["calibrate", M("digits_mlp"), "--data", D("calibration_x.pb"), "--method", "percentile", "-o", plan], io), io.stderr.join("\n")).toBe(0);
    expect(io.stdout[0]).toMatch(/^wrote .*mlp.json: 5 tensors, 2 requants, 0 tables \(percentile, 256 samples, data: calibration_x.pb\)/);
    const text = readFileSync(plan, "utf8");
    expect(serializePlan(parsePlan(text))).toBe(text);
    const acc = capture();
    expect(await main(["accuracy", M("digits_mlp"), "--plan", plan, "--data", D("test_x.pb"), "--labels", D("test_y.pb"), "--json"], acc), acc.stderr.join("\n")).toBe(0);
    const r = JSON.parse(acc.stdout[0]!) as Record<string, number>;
    for (const key of ["float_accuracy", "quant_accuracy", "top1_agreement", "cosine_similarity"]) {
      expect(r[key]).toBeGreaterThan(0.9);
      expect(r[key]).toBeLessThanOrEqual(1);
    }
    const human = capture();
    expect(await main(["accuracy", M("digits_mlp"), "--plan", plan, "--data", D("test_x.pb"), "--labels", D("test_y.pb")], human)).toBe(0);
    expect(human.stdout.join("\n")).toMatch(/accuracy: float 95\.72 %, quantized \d+\.\d\d %/);
  }, 60_000);

  itShared("models/digits_mlp/model.onnx", "calibrate --per-channel writes a per-channel plan that accuracy --plan uses", async () => {
    const plan = join(dir, "mlp-pc.json");
    const io = capture();
    expect(await main(["calibrate", M("digits_mlp"), "--data", D("calibration_x.pb"), "--per-channel", "-o", plan], io), io.stderr.join("\n")).toBe(0);
    expect(io.stdout[0]).toMatch(/^wrote .*mlp-pc.json: 5 tensors, 4 requants, 0 tables \(minmax, per-channel weights, 256 samples, data: calibration_x.pb\)/);
    const text = readFileSync(plan, "utf8");
    const p = parsePlan(text);
    expect(serializePlan(p)).toBe(text);
    expect(p.calibration.perChannel).toBe(true);
    const weights = Object.values(p.tensors).filter((t) => t.role === "weight");
    expect(weights.length).toBe(2);
    for (const w of weights) expect(w.channelScales!.length).toBeGreaterThan(1);
    const acc = capture();
    expect(await main(["accuracy", M("digits_mlp"), "--plan", plan, "--data", D("test_x.pb"), "--labels", D("test_y.pb"), "--json"], acc), acc.stderr.join("\n")).toBe(0);
    const r = JSON.parse(acc.stdout[0]!) as Record<string, number>;
    expect(r.quant_accuracy).toBeGreaterThanOrEqual(r.float_accuracy! - 0.005);
  }, 60_000);

  itShared("models/digits_mlp/model.onnx", "the same data as JSON arrays gives the same scales as the TensorProto", async () => {
    const rows = fromTensorData(decodeTensorFile(new Uint8Array(readFileSync(D("calibration_x.pb")))));
    const flat = Array.from(rows.data as Float32Array);
    writeFileSync(join(dir, "cal.json"), JSON.stringify(Array.from({ length: 256 }, (_, i) => flat.slice(i * 64, i * 64 + 64))));
    const fromPb = join(dir, "pb.json"), fromJson = join(dir, "js.json");
    expect(await main(["calibrate", M("digits_mlp"), "--data", D("calibration_x.pb"), "-o", fromPb], capture())).toBe(0);
    expect(await main(["calibrate", M("digits_mlp"), "--data", join(dir, "cal.json"), "-o", fromJson], capture())).toBe(0);
    const a = parsePlan(readFileSync(fromPb, "utf8")), b = parsePlan(readFileSync(fromJson, "utf8"));
    expect(b.calibration.data).toBe("data: cal.json");
    expect(b.tensors).toEqual(a.tensors);
    expect(b.requants).toEqual(a.requants);
    expect(b.report).toEqual(a.report);
  }, 60_000);

  itShared("models/digits_cnn/model.onnx", "calibrate and accuracy on several threads write exactly one thread's plan and figures", async () => {
    const plans = [1, 3].map((w) => join(dir, `cnn-w${w}.json`));
    for (const [i, w] of [1, 3].entries()) {
      const io = capture();
      expect(await main(["calibrate", M("digits_cnn"), "--data", D("calibration_x_img.pb"), "--method", "mse", "--workers", String(w), "-o", plans[i]!], io), io.stderr.join("\n")).toBe(0);
    }
    expect(readFileSync(plans[1]!, "utf8")).toBe(readFileSync(plans[0]!, "utf8"));
    const figures = await Promise.all([1, 2].map(async (w) => {
      const io = capture();
      expect(await main(["accuracy", M("digits_cnn"), "--plan", plans[0]!, "--data", D("test_x_img.pb"), "--labels", D("test_y.pb"), "--workers", String(w), "--json"], io), io.stderr.join("\n")).toBe(0);
      return io.stdout[0]!;
    }));
    expect(figures[1]).toBe(figures[0]);
    expect((JSON.parse(figures[0]!) as { samples: number }).samples).toBe(397);
    const bad = capture();
    expect(await main(["calibrate", M("digits_cnn"), "--workers", "9"], bad)).toBe(2);
    expect(bad.stderr.join("\n")).toMatch(/--workers must be an integer in \[1, 4\]/);
  }, 120_000);

  itShared("models/digits_mlp/model.onnx", "a value that overflows on a calibration thread is reported as on one thread, naming the tensor", async () => {
    // Samples 4–7 (the second chunk: the worker thread's share) overflow float32 in the first layer.
    const rows = Array.from({ length: 8 }, (_, i) => new Array<number>(64).fill(i >= 4 ? 3e38 : 0.5));
    writeFileSync(join(dir, "huge.json"), JSON.stringify(rows));
    const out = await Promise.all([1, 2].map(async (w) => {
      const io = capture();
      const code = await main(["calibrate", M("digits_mlp"), "--data", join(dir, "huge.json"), "--workers", String(w)], io);
      return { code, err: io.stderr.join("\n") };
    }));
    expect(out[0]!.code).toBe(1);
    expect(out[0]!.err).toMatch(/zkml calibrate: quant: tensor \S+ holds -?Infinity at index \d+ during calibration/);
    expect(out[1]).toEqual(out[0]);
  }, 60_000);

  itShared("models/digits_cnn/model.onnx", "run --plan gives the integer evaluator's outputs, close to float", async () => {
    const plan = join(dir, "cnn.json");
    expect(await main(["calibrate", M("digits_cnn"), "--data", D("calibration_x_img.pb"), "-o", plan], capture())).toBe(0);
    const input = sharedPath("models/digits_cnn/test_data_set_0/input_0.pb");
    const fio = capture(), qio = capture();
    expect(await main(["run", M("digits_cnn"), "--input", input, "--json"], fio)).toBe(0);
    expect(await main(["run", M("digits_cnn"), "--input", input, "--plan", plan, "--json"], qio), qio.stderr.join("\n")).toBe(0);
    const f = (JSON.parse(fio.stdout[0]!) as { outputs: { output: { data: number[] } } }).outputs.output.data;
    const q = (JSON.parse(qio.stdout[0]!) as { outputs: { output: { data: number[] } } }).outputs.output.data;
    expect(q).not.toEqual(f);
    expect(q.indexOf(Math.max(...q))).toBe(f.indexOf(Math.max(...f)));
    const scale = Math.max(...f.map(Math.abs));
    for (let i = 0; i < f.length; i++) expect(Math.abs(q[i]! - f[i]!)).toBeLessThan(0.1 * scale);
    // quantized outputs are multiples of the output scale 2^-k
    const k = parsePlan(readFileSync(plan, "utf8")).tensors.output!.k;
    for (const v of q) expect(Number.isInteger(v * 2 ** k)).toBe(true);
  }, 60_000);

  itShared("models/digits_cnn/model.onnx", "bad data and mismatched plans fail with a message naming the file, and keep the existing plan", async () => {
    const plan = join(dir, "keep.json");
    writeFileSync(plan, "precious");
    const io = capture();
    expect(await main(["calibrate", M("digits_cnn"), "--data", D("calibration_x.pb"), "-o", plan], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/calibration_x.pb has shape \[256,64\] but model input input needs \[N,1,8,8\]/);
    expect(readFileSync(plan, "utf8")).toBe("precious");
    expect(existsSync(`${plan}.tmp-${process.pid}`)).toBe(false);
    const mlpPlan = join(dir, "for-mlp.json");
    expect(await main(["calibrate", M("digits_mlp"), "--data", D("calibration_x.pb"), "-o", mlpPlan], capture())).toBe(0);
    const wrong = capture();
    expect(await main(["accuracy", M("digits_cnn"), "--plan", mlpPlan, "--data", D("test_x_img.pb")], wrong)).toBe(1);
    expect(wrong.stderr[0]).toMatch(/zkml accuracy: quant: plan \/tensors\/.* is missing/);
    const bad = capture();
    expect(await main(["calibrate", M("digits_cnn"), "--method", "median"], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/--method must be one of minmax, percentile, mse/);
  }, 60_000);

  itShared("models/tiny_gpt/model.onnx", "every shared model calibrates without data (saying so) and runs its plan", async () => {
    for (const [name, input] of [["tiny_gpt", "models/tiny_gpt/test_data_set_0/input_0.pb"], ["vgg16_cifar10", "models/vgg16_cifar10/test_data_set_0/input_0.pb"]] as const) {
      const plan = join(dir, `${name}.json`);
      const io = capture();
      expect(await main(["calibrate", M(name), "--samples", "2", "-o", plan], io), io.stderr.join("\n")).toBe(0);
      expect(io.stderr[0]).toMatch(/no --data given: using generated: 2 samples, seed 1/);
      const run = capture();
      expect(await main(["run", M(name), "--input", sharedPath(input), "--plan", plan], run), run.stderr.join("\n")).toBe(0);
      expect(run.stdout[0]).toMatch(/^output {2}float32 \[/);
    }
  }, 120_000);
});
