// `npm run bench -- generation`: proving a generated text with tiny_gpt (issue 8). One proof of
// the whole window against one proof per generated token (each of the same forward pass, on the
// window as it stood at that step), measured in the same run, and the ratio of proving time per
// token to onnxruntime-web's float inference of the same sequence (1 thread).
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { decodeModel } from "../src/core/onnx/index.ts";
import { loadGraph, type Tensor } from "../src/core/graph/index.ts";
import { calibrate } from "../src/core/quant/calibrate.ts";
import { greedyGenerate, languageModelOf, windowIds } from "../src/core/generation/index.ts";
import { compilePlan, type GraphSpec } from "../src/core/circuit/index.ts";
import { commitModel, prove } from "../src/core/prover/index.ts";
import { runInteger } from "../src/core/quant/int-eval.ts";
import { SHARED } from "../test/shared-data.ts";
import type { Reporter } from "./report.ts";

export async function run(r: Reporter): Promise<void> {
  const path = join(SHARED, "models/tiny_gpt/model.onnx");
  if (!existsSync(path)) {
    r.note(`generation: no shared model at ${path}; nothing to measure`);
    return;
  }
  const bytes = new Uint8Array(readFileSync(path));
  const graph = loadGraph(decodeModel(bytes));
  const text = readFileSync(join(SHARED, "onnx-backend-tests/LICENSE"));
  const inName = graph.inputs[0]!.name;
  const samples = Array.from({ length: 16 }, (_, i) => ({ [inName]: { dtype: "int64", shape: [1, 16], data: Float64Array.from(text.subarray(i * 97, i * 97 + 16)) } as Tensor }));
  const { qgraph } = calibrate(graph, samples);
  const lm = languageModelOf(qgraph);
  const { consts, ...spec } = qgraph;
  const plan = compilePlan(spec as GraphSpec);
  const model = commitModel(plan, consts);
  const prompt = [...new TextEncoder().encode("T")];
  const count = lm.context - prompt.length;
  const gen = greedyGenerate(qgraph, prompt, count);
  const proveWindow = (ids: Int32Array) => {
    const inputs = { [lm.ids]: ids };
    const t0 = performance.now();
    prove({ plan, vkDigest: new Uint8Array(32), consts, model, inputs, reference: runInteger(qgraph, inputs) });
    return performance.now() - t0;
  };
  proveWindow(gen.ids); // warm-up
  const oneMs = proveWindow(gen.ids);
  let perTokenMs = 0;
  const tokens = [...gen.prompt, ...gen.generated];
  for (let i = 0; i < count; i++) perTokenMs += proveWindow(windowIds(tokens.slice(0, prompt.length + i), lm.context));

  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const feeds = { [inName]: new ort.Tensor("int64", BigInt64Array.from(gen.ids, (v) => BigInt(v)), [1, lm.context]) };
  await session.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await session.run(feeds);
  const ortMs = (performance.now() - t0) / 20;
  await session.release();
  r.result("generation", {
    model: "tiny_gpt", tokens: count, one_proof_ms: oneMs, per_token_proofs_ms: perTokenMs,
    one_over_per_token: oneMs / perTokenMs, prove_ms_per_token: oneMs / count, ort_sequence_ms: ortMs, prove_over_ort: oneMs / ortMs,
  });
}
