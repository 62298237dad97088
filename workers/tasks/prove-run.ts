// What the prove worker does: compile the plan to a circuit, set up (commit the weights),
// prove one inference with per-stage and per-layer progress, verify. Plain functions over the
// model bytes and the plan text: the worker that runs them can be terminated at any moment.
import { decodeModel } from "../../src/core/onnx/index.ts";
import { loadGraph, type Graph, type Tensor } from "../../src/core/graph/index.ts";
import { parsePlan, quantizeInput, quantizeWithPlan, runQuantized, dequantize, serializePlan, type QGraph } from "../../src/core/quant/index.ts";
import { compilePlan, type GraphSpec, type ProofPlan } from "../../src/core/circuit/index.ts";
import { commitModel, prove, outputsOf, type ModelCommitment, type ProgressEvent } from "../../src/core/prover/index.ts";
import { verify } from "../../src/core/verifier/index.ts";
import { sha256 } from "../../src/core/hash/index.ts";

export type ProveStage = "compile" | "setup" | "prove" | "verify";

export interface ProveProgress {
  stage: ProveStage;
  /** The prover's own stage (witness, commit, lookups, layers, openings) when proving. */
  step?: ProgressEvent["stage"];
  detail: string;
  /** Fraction of the whole run, 0…1. */
  fraction: number;
  elapsedMs: number;
}

export interface ProofResult {
  /** Provisional until the artifacts format lands: SHA-256 over the plan and model root. */
  vkDigest: Uint8Array;
  modelRoot: Uint8Array;
  input: Record<string, Int32Array>;
  inputScales: Record<string, number>;
  output: Record<string, Int32Array>;
  outputScales: Record<string, number>;
  /** The output as reals (v·2^−k), first output. */
  outputReal: number[];
  proof: { body: Uint32Array; witnessRoot: Uint8Array; witnessOpening: Uint8Array; modelOpening: Uint8Array };
  proofBytes: number;
  times: { compileMs: number; setupMs: number; proveMs: number; verifyMs: number };
  /** Measured proving time of each ONNX node's ops (layers stage), ms. */
  nodeMs: Record<string, number>;
  verdict: { ok: true } | { ok: false; reason: string };
  witnessElements: number;
}

interface Prepared {
  key: string;
  graph: Graph;
  qgraph: QGraph;
  plan: ProofPlan;
  model: ModelCommitment;
  vkDigest: Uint8Array;
  compileMs: number;
  setupMs: number;
}

let cached: Prepared | null = null;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Compile and setup, cached for the same model and plan. */
export function prepare(bytes: Uint8Array, planText: string, report: (p: ProveProgress) => void, t0: number): Prepared {
  const key = `${bytes.length}:${sha256(bytes).join(",")}:${planText.length}:${sha256(new TextEncoder().encode(planText)).join(",")}`;
  if (cached?.key === key) return cached;
  report({ stage: "compile", detail: "quantized graph → proof plan", fraction: 0, elapsedMs: performance.now() - t0 });
  const c0 = performance.now();
  const graph = loadGraph(decodeModel(bytes));
  const qgraph = quantizeWithPlan(graph, parsePlan(planText));
  const { consts, ...spec } = qgraph;
  const plan = compilePlan(spec as GraphSpec);
  const compileMs = performance.now() - c0;
  report({ stage: "setup", detail: "committing the weights", fraction: 0.1, elapsedMs: performance.now() - t0 });
  const s0 = performance.now();
  const model = commitModel(plan, consts);
  const setupMs = performance.now() - s0;
  const vkDigest = sha256(concat([new TextEncoder().encode("zkml-vk/provisional"), new TextEncoder().encode(serializePlan(parsePlan(planText))), model.data.root]));
  cached = { key, graph, qgraph, plan, model, vkDigest, compileMs, setupMs };
  return cached;
}

/** Compiles, sets up, proves and verifies one inference on float inputs. */
export function proveRun(bytes: Uint8Array, planText: string, inputs: Record<string, Tensor>, onProgress: (p: ProveProgress) => void): ProofResult {
  const t0 = performance.now();
  const p = prepare(bytes, planText, onProgress, t0);
  const { qgraph, plan } = p;
  const qin: Record<string, Int32Array> = {};
  const inputScales: Record<string, number> = {};
  const floatIn: Record<string, Tensor> = {};
  for (const name of qgraph.inputs) {
    const t = qgraph.tensors[name]!;
    const x = inputs[t.onnx ?? name] ?? inputs[name];
    if (!x) throw new Error(`prove: no value for the model input ${t.onnx ?? name}; pick an input`);
    floatIn[t.onnx ?? name] = x;
    qin[name] = quantizeInput(t, x);
    inputScales[name] = t.k;
  }
  const reference = runQuantized(qgraph, floatIn);
  const nodeMs: Record<string, number> = {};
  let last: { node: string; at: number } | null = null;
  const pr0 = performance.now();
  const proof = prove({ plan, vkDigest: p.vkDigest, consts: p.qgraph.consts, model: p.model, inputs: qin, reference }, {
    onProgress(e) {
      const now = performance.now();
      if (last) nodeMs[last.node] = (nodeMs[last.node] ?? 0) + (now - last.at);
      last = null;
      if (e.stage === "layers" && e.detail.includes(" ")) last = { node: e.detail.slice(e.detail.indexOf(" ") + 1), at: now };
      onProgress({ stage: "prove", step: e.stage, detail: e.detail, fraction: 0.2 + 0.7 * e.fraction, elapsedMs: now - t0 });
    },
  });
  const proveMs = performance.now() - pr0;
  const output = outputsOf(plan, reference);
  onProgress({ stage: "verify", detail: "checking the proof", fraction: 0.9, elapsedMs: performance.now() - t0 });
  const v0 = performance.now();
  const verdict = verify({
    plan, vkDigest: p.vkDigest, model: { root: p.model.data.root, map: p.model.map, params: p.model.data.params }, inputs: qin, outputs: output, proof,
  });
  const verifyMs = performance.now() - v0;
  const outName = qgraph.outputs[0]!;
  const outputScales = Object.fromEntries(Object.keys(output).map((n) => [n, qgraph.tensors[n]!.k]));
  const witnessElements = plan.witness.reduce((a, t) => a + 2 ** plan.tensors[t]!.nVars, 0);
  onProgress({ stage: "verify", detail: verdict.ok ? "accepted" : "rejected", fraction: 1, elapsedMs: performance.now() - t0 });
  return {
    vkDigest: p.vkDigest, modelRoot: p.model.data.root, input: qin, inputScales, output, outputScales,
    outputReal: Array.from(dequantize(qgraph.tensors[outName]!, output[outName]!)),
    proof, proofBytes: proof.body.byteLength + proof.witnessRoot.length + proof.witnessOpening.length + proof.modelOpening.length,
    times: { compileMs: p.compileMs, setupMs: p.setupMs, proveMs, verifyMs }, nodeMs, verdict, witnessElements,
  };
}

/** Verifies a proof again (e.g. after the user tampers with it or drops a bundle). */
export function verifyAgain(bytes: Uint8Array, planText: string, r: Pick<ProofResult, "input" | "output" | "proof">): ProofResult["verdict"] {
  const p = prepare(bytes, planText, () => {}, performance.now());
  return verify({
    plan: p.plan, vkDigest: p.vkDigest, model: { root: p.model.data.root, map: p.model.map, params: p.model.data.params },
    inputs: r.input, outputs: r.output, proof: r.proof,
  });
}
