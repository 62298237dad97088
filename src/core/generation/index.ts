/**
 * generation/: proving a generated text with one proof (issue 8).
 * - `greedyGenerate(qgraph, promptBytes, count, onToken?)`: greedy decoding with the integer
 *   evaluator within the model's context; returns the final window's ids and values to prove.
 * - `generationProblem(lm, prompt, text, ids, logits)`: the verifier's own check that the proved
 *   window is prompt + text and that every text token is the argmax before it.
 * - `languageModelOf(graph)`: the ids input, logits output, context and vocabulary.
 */
export { greedyGenerate, type Generation } from "./greedy.ts";
export { generationProblem, languageModelOf, argmaxAt, windowIds, type LanguageModel } from "./check.ts";
