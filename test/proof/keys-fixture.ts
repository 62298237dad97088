// Keys, an input file, a proof and output.json for the hand-built MLP, made through the same
// functions as the CLI (setupKeys → loadProvingKey → proveWithKey → buildOutput).
import { buildOutput, decodeTensorProto, publicInputs, type OutputDoc } from "../../src/core/artifacts/index.ts";
import { encodeTensor } from "../../src/core/onnx/index.ts";
import { loadProvingKey, proveWithKey, setupKeys, type LoadedKey } from "../../src/core/prover/keys.ts";
import type { QGraph } from "../../src/core/quant/qgraph.ts";
import { mlpFixture } from "./mlp-fixture.ts";

export interface FixtureFiles {
  graph: QGraph;
  vk: Uint8Array;
  pk: Uint8Array;
  key: LoadedKey;
  input: Uint8Array;
  proof: Uint8Array;
  output: OutputDoc;
}

export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** The input as a float TensorProto whose values quantize back exactly (v·2^−k). */
export function inputFile(graph: QGraph, ints: Int32Array): Uint8Array {
  const t = graph.tensors[graph.inputs[0]!]!;
  return encodeTensor({ dtype: "float32", shape: t.shape, data: Float32Array.from(ints, (v) => v * 2 ** -t.k) }, t.name);
}

export function fixtureFiles(seed = 7, edit?: (g: QGraph) => void): FixtureFiles {
  const { graph, input } = mlpFixture(seed);
  edit?.(graph);
  const keys = setupKeys(graph);
  const pk = joinParts(keys.pk);
  const key = loadProvingKey(pk);
  const inputBytes = inputFile(graph, input.x!);
  const r = proveWithKey(key, publicInputs(key.plan.graph, [decodeTensorProto(inputBytes)]));
  return { graph, vk: keys.vk, pk, key, input: inputBytes, proof: r.proof, output: buildOutput(key.plan.graph, r.outputs, key.vkDigest) };
}
