// Proves a quantized graph end to end for the quant tests: compile, commit, prove, verify.
import { compilePlan, type GraphSpec } from "../../src/core/circuit/index.ts";
import type { Tensor } from "../../src/core/graph/index.ts";
import { commitModel, outputsOf, prove } from "../../src/core/prover/index.ts";
import { quantizeInput, runQuantized, type QGraph } from "../../src/core/quant/index.ts";
import { verify } from "../../src/core/verifier/index.ts";

/** Compiles, commits, proves on one float sample (every input) and verifies; then verifies a changed output. */
export function proveAndVerify(qgraph: QGraph, sample: Readonly<Record<string, Tensor>>): { ok: boolean; tamperedOk: boolean; sameAsEvaluator: boolean } {
  const { consts, ...spec } = qgraph;
  const plan = compilePlan(spec as GraphSpec);
  const model = commitModel(plan, consts);
  const inputs = Object.fromEntries(qgraph.inputs.map((n) => [n, quantizeInput(qgraph.tensors[n]!, sample[n]!)]));
  const reference = runQuantized(qgraph, sample);
  const digest = new Uint8Array(32).fill(7);
  const proof = prove({ plan, vkDigest: digest, consts, model, inputs, reference });
  const outputs = outputsOf(plan, reference);
  const modelKey = { root: model.data.root, map: model.map, params: model.data.params };
  const out = qgraph.outputs[0]!;
  const verdict = verify({ plan, vkDigest: digest, model: modelKey, inputs, outputs, proof });
  const other = Int32Array.from(outputs[out]!);
  other[0] = other[0]! + (other[0]! < 0 ? 1 : -1);
  const tampered = verify({ plan, vkDigest: digest, model: modelKey, inputs, outputs: { ...outputs, [out]: other }, proof });
  return { ok: verdict.ok, tamperedOk: tampered.ok, sameAsEvaluator: JSON.stringify(Array.from(outputs[out]!)) === JSON.stringify(Array.from(reference.get(out)!)) };
}
