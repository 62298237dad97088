// A harness for gadget tests on small hand-built quantized graphs: build, prove, verify, play a
// cheating prover, and tamper with the words a given op wrote (the first op of a graph writes
// the last words of the proof body, since ops are proved from the output back).
import { expect, it } from "vitest";
import { compilePlan, unpadInts, type GraphSpec, type ProofPlan } from "../../src/core/circuit/index.ts";
import { commitModel, prove, outputsOf, type ProofData, type Values, type ProveOptions } from "../../src/core/prover/index.ts";
import { verify, type Verdict } from "../../src/core/verifier/index.ts";
import { runInteger } from "../../src/core/quant/int-eval.ts";
import { xorshift32 } from "../../src/core/graph/test-models.ts";
import type { QGraph, QOp, QTensor } from "../../src/core/quant/qgraph.ts";

export const DIGEST = new Uint8Array(32).fill(5);

/** Seeded integers in [lo, hi]. */
export function ints(seed: number) {
  const r = xorshift32(seed);
  return (n: number, lo: number, hi: number) => Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

export function tensor(name: string, shape: number[], role: QTensor["role"], bits: number, signed = true, k = 0): QTensor {
  return { name, shape, role, bits, signed, k };
}

export function graphOf(tensors: QTensor[], ops: QOp[], consts: Record<string, Int32Array>, inputs: string[], outputs: string[]): QGraph {
  return { version: 1, inputs, outputs, tensors: Object.fromEntries(tensors.map((t) => [t.name, t])), consts, tables: {}, ops };
}

export interface Proved {
  graph: QGraph;
  plan: ProofPlan;
  input: Record<string, Int32Array>;
  reference: Map<string, Int32Array>;
  outputs: Record<string, Int32Array>;
  proof: ProofData;
  check(overrides?: { proof?: ProofData; outputs?: Record<string, Int32Array>; inputs?: Record<string, Int32Array> }): Verdict;
}

/**
 * Compiles, commits the model and proves. `proverConsts`: the prover runs on other model data
 * than the committed one (another model under the same VK).
 */
export function proveGraph(graph: QGraph, input: Record<string, Int32Array>, opts: ProveOptions & { proverConsts?: Record<string, Int32Array> } = {}): Proved {
  const { consts: committed, ...spec } = graph;
  const plan = compilePlan(spec as GraphSpec);
  const model = commitModel(plan, committed);
  const consts = opts.proverConsts ?? committed;
  const reference = runInteger({ ...graph, consts }, input);
  let outputs = outputsOf(plan, reference);
  const cheat = opts.testOnlyCheat;
  const proof = prove({ plan, vkDigest: DIGEST, consts, model, inputs: input, reference }, cheat ? {
    testOnlyCheat: {
      mutate(values: Values, p: ProofPlan, phase) {
        cheat.mutate?.(values, p, phase);
        // The cheating prover claims whatever output its witness holds.
        if (phase === "multiplicities") outputs = Object.fromEntries(p.graph.outputs.map((n) => [n, Int32Array.from(unpadInts(values.get(n)!, p.tensors[n]!.shape, p.tensors[n]!.logDims))]));
      },
    },
  } : {});
  const modelKey = { root: model.data.root, map: model.map, params: model.data.params };
  const check: Proved["check"] = (o = {}) => verify({ plan, vkDigest: DIGEST, model: modelKey, inputs: o.inputs ?? input, outputs: o.outputs ?? outputs, proof: o.proof ?? proof });
  return { graph, plan, input, reference, outputs, proof, check };
}

/** The proof with body word `at` (negative: from the end) changed. */
export function withWord(proof: ProofData, at: number, delta = 1): ProofData {
  const body = proof.body.slice();
  const i = at < 0 ? body.length + at : at;
  body[i] = (body[i]! + delta) % 2130706433;
  return { ...proof, body };
}

/** Indices (from the end, −1 = last) of every `step`-th word among the last `count` words. */
export function lastWords(count: number, step = 1): number[] {
  const out: number[] = [];
  for (let k = 1; k <= count; k += step) out.push(-k);
  return out;
}

/**
 * The checks every gadget's proof must pass: it verifies with the integer evaluator's output;
 * a changed output value is rejected; every `step`-th of the last `words(proved)` body words (the
 * gadget's messages, when it is the graph's first op) changed is rejected.
 */
export function standardChecks(honest: Proved, output: string, words: (p: Proved) => number, step: number, what: string): void {
  it("proves and verifies; the output is the integer evaluator's", () => {
    expect(honest.check()).toEqual({ ok: true });
    expect(honest.outputs[output]).toEqual(honest.reference.get(output));
  });

  it("rejects a changed output", () => {
    const t = honest.plan.tensors[output]!;
    const top = t.signed ? 2 ** (t.bits - 1) - 1 : 2 ** t.bits - 1;
    const y = Int32Array.from(honest.outputs[output]!);
    const at = y.length - 1;
    y[at] = y[at] === top ? top - 1 : y[at]! + 1;
    expect(honest.check({ outputs: { ...honest.outputs, [output]: y } }).ok).toBe(false);
  });

  it(`rejects any changed word of ${what}`, () => {
    for (const at of lastWords(words(honest), step)) expect(honest.check({ proof: withWord(honest.proof, at) }).ok, `word ${at}`).toBe(false);
  });
}
