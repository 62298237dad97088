// Completeness from the command line (issue 7, "done when"): each shared CNN/MLP model is set up,
// proved on its reference input and verified by `zkml verify` and by the exported verifier module
// loaded from its own directory; the proved output is the integer evaluator's. vgg16_cifar10 runs
// under ZKML_FULL (npm run test:full).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect } from "vitest";
import { main } from "../../src/cli/main.ts";
import { exportVerifier, MODULE_FILE } from "../../src/cli/export/bundle.ts";
import { fromTensorData, loadGraph } from "../../src/core/graph/index.ts";
import { decodeModel, decodeTensorFile, encodeTensor } from "../../src/core/onnx/index.ts";
import { parsePlan, quantizeWithPlan, runQuantized } from "../../src/core/quant/index.ts";
import { itShared, readShared, sharedPath } from "../shared-data.ts";

const MODELS = ["digits_mlp", "digits_cnn", ...(process.env.ZKML_FULL ? ["vgg16_cifar10"] : [])];
const quiet = { out: () => {}, err: () => {} };

describe("shared models from the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "zkml-models-"));
  let verifier: { verify(vk: Uint8Array, input: Uint8Array, output: Uint8Array, proof: Uint8Array): { ok: boolean; reason?: string } } | undefined;

  for (const m of MODELS) {
    const model = `models/${m}/model.onnx`, input = `models/${m}/test_data_set_0/input_0.pb`;
    itShared(model, `${m}: setup, prove, zkml verify and the exported verifier accept; the output is the integer evaluator's`, async () => {
      if (!verifier) {
        const exported = join(dir, "verifier");
        const { files } = await exportVerifier();
        mkdirSync(exported, { recursive: true });
        writeFileSync(join(exported, MODULE_FILE), files[MODULE_FILE]!);
        verifier = await import(pathToFileURL(join(exported, MODULE_FILE)).href);
      }
      const keys = join(dir, m, "keys"), out = join(dir, m, "out");
      expect(await main(["setup", sharedPath(model), "-o", keys], quiet)).toBe(0);
      expect(await main(["prove", sharedPath(model), "--keys", keys, "--input", sharedPath(input), "-o", out], quiet)).toBe(0);
      const files = ["vk.bin", "input", "output.json", "proof.bin"] as const;
      const paths = { "vk.bin": join(keys, "vk.bin"), input: sharedPath(input), "output.json": join(out, "output.json"), "proof.bin": join(out, "proof.bin") };
      expect(await main(["verify", "--vk", paths["vk.bin"], "--input", paths.input, "--output", paths["output.json"], "--proof", paths["proof.bin"]], quiet)).toBe(0);
      const [vk, x, o, p] = files.map((f) => new Uint8Array(readFileSync(paths[f])));
      expect(verifier!.verify(vk!, x!, o!, p!)).toMatchObject({ ok: true });

      const graph = loadGraph(decodeModel(readShared(model)));
      const q = quantizeWithPlan(graph, parsePlan(readFileSync(join(keys, "plan.json"), "utf8")));
      const ref = runQuantized(q, { [q.inputs[0]!]: fromTensorData(decodeTensorFile(readShared(input))) });
      const doc = JSON.parse(readFileSync(paths["output.json"], "utf8"));
      expect(doc.outputs[0].values).toEqual(Array.from(ref.get(q.outputs[0]!)!));
    }, 1_800_000);
  }
});

// The zoo's large networks (ZKML_FULL only: minutes each), which need the streamed commitments
// and the lookups in batches to fit in wasm32's 4 GiB: ResNet-50 (a 2^27 witness) and AlexNet
// (2^27 weights, so pk.bin holds no code). Calibrated on generated inputs; a proof of a seeded
// 224×224 input verifies, and a proof for another output is rejected.
describe.runIf(process.env.ZKML_FULL)("the ONNX zoo's large networks from the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "zkml-zoo-"));
  for (const name of ["light_resnet50", "light_bvlc_alexnet"]) {
    const model = `onnx-backend-tests/light/${name}.onnx`;
    itShared(model, `${name}: calibrate, setup, prove and verify at 224×224`, async () => {
      const at = (f: string) => join(dir, name, f);
      mkdirSync(at(""), { recursive: true });
      let s = 7;
      const data = Float32Array.from({ length: 3 * 224 * 224 }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
      writeFileSync(at("x.pb"), encodeTensor({ dtype: "float32", shape: [1, 3, 224, 224], data }));
      expect(await main(["calibrate", sharedPath(model), "-o", at("plan.json")], quiet)).toBe(0);
      expect(await main(["setup", sharedPath(model), "--plan", at("plan.json"), "-o", at("keys")], quiet)).toBe(0);
      expect(await main(["prove", sharedPath(model), "--keys", at("keys"), "--input", at("x.pb"), "-o", at("out")], quiet)).toBe(0);
      const verify = (output: string) => main(["verify", "--vk", at("keys/vk.bin"), "--input", at("x.pb"), "--output", output, "--proof", at("out/proof.bin")], quiet);
      expect(await verify(at("out/output.json"))).toBe(0);
      const doc = JSON.parse(readFileSync(at("out/output.json"), "utf8"));
      doc.outputs[0].values[0] += 1;
      writeFileSync(at("wrong.json"), JSON.stringify(doc));
      expect(await verify(at("wrong.json"))).toBe(1);
    }, 1_800_000);
  }
});
