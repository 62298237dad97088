import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decodeModel } from "../onnx/index.ts";
import { loadGraph } from "../graph/index.ts";
import { calibrate } from "../quant/calibrate.ts";
import { itShared, sharedPath } from "../../../test/shared-data.ts";
import { argmaxAt, generationProblem, greedyGenerate, languageModelOf } from "./index.ts";

describe("generation checks", () => {
  const lm = { ids: "ids", logits: "logits", context: 4, vocab: 3 };
  // Rows: position 0 prefers 2, position 1 prefers 1 (tie with 2 → lowest), position 2 prefers 0.
  const logits = [0, 1, 5, 0, 4, 4, 9, 1, 2, 0, 0, 0];
  it("argmax takes the lowest id among equals", () => {
    expect(argmaxAt(logits, 1, 3)).toBe(1);
  });
  it("accepts a text that follows the logits and rejects any other", () => {
    expect(generationProblem(lm, [1], [2, 1], [1, 2, 1, 0], logits)).toBeNull();
    expect(generationProblem(lm, [1], [2, 2], [1, 2, 2, 0], logits)).toMatch(/token 1 of the text \(2\) is not the model's choice \(1\)/);
    expect(generationProblem(lm, [1], [2, 1], [1, 2, 1, 1], logits)).toMatch(/differs from the prompt and text at position 3/);
    expect(generationProblem(lm, [0], [2, 1], [1, 2, 1, 0], logits)).toMatch(/position 0/);
    expect(generationProblem(lm, [1, 2], [1, 0, 0], [1, 2, 1, 0], logits)).toMatch(/over the model's context/);
  });
});

describe("greedy decoding of tiny_gpt", () => {
  itShared("models/tiny_gpt/model.onnx", "continues a license sentence and respects the context", () => {
    const graph = loadGraph(decodeModel(new Uint8Array(readFileSync(sharedPath("models/tiny_gpt/model.onnx")))));
    const text = readFileSync(sharedPath("onnx-backend-tests/LICENSE"), "utf8");
    const name = graph.inputs[0]!.name;
    const samples = Array.from({ length: 8 }, (_, i) => ({ [name]: { dtype: "int64" as const, shape: [1, 16], data: Float64Array.from(Buffer.from(text.slice(i * 120, i * 120 + 16))) } }));
    const { qgraph } = calibrate(graph, samples);
    const lm = languageModelOf(qgraph);
    expect(lm).toMatchObject({ context: 16, vocab: 256 });
    const prompt = [...Buffer.from("the Licen")];
    const seen: number[] = [];
    const gen = greedyGenerate(qgraph, prompt, 6, (t) => seen.push(t));
    expect(gen.generated).toEqual(seen);
    expect(gen.generated).toHaveLength(6);
    expect(generationProblem(lm, gen.prompt, gen.generated, gen.ids, gen.values.get(lm.logits)!)).toBeNull();
    expect(() => greedyGenerate(qgraph, prompt, 8)).toThrow(/at most 7 tokens fit/);
  });
});
