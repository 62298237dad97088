// The verifier's side of a generation proof (issue 8): which tensors are the ids and the logits,
// the window the proof must be about, and the check that every generated token is the argmax
// of the proved logits at the position before it (ties: the lowest token id). Pure: it is part
// of the exported verifier.
import { QuantError } from "../quant/errors.ts";
import type { QGraph } from "../quant/qgraph.ts";

export interface LanguageModel {
  /** The token-id input and the logits output of the quantized graph. */
  ids: string;
  logits: string;
  /** Positions the model reads (its context) and the vocabulary size. */
  context: number;
  vocab: number;
}

/** Recognizes a byte-level language model: one integer-id input [1, T], logits [1, T, V]. */
export function languageModelOf(g: Pick<QGraph, "inputs" | "outputs" | "tensors">): LanguageModel {
  const idsT = g.inputs.length === 1 ? g.tensors[g.inputs[0]!] : undefined;
  const outT = g.outputs.length === 1 ? g.tensors[g.outputs[0]!] : undefined;
  if (!idsT || !outT || idsT.shape.length !== 2 || idsT.shape[0] !== 1 || outT.shape.length !== 3 || outT.shape[1] !== idsT.shape[1]) {
    throw new QuantError("generation needs a language model with one token-id input [1, T] and logits [1, T, V]");
  }
  return { ids: idsT.name, logits: outT.name, context: idsT.shape[1]!, vocab: outT.shape[2]! };
}

/** The first index of the largest value in row `pos` of [T, V] logits. */
export function argmaxAt(logits: ArrayLike<number>, pos: number, vocab: number): number {
  let best = 0;
  for (let v = 1; v < vocab; v++) if (logits[pos * vocab + v]! > logits[pos * vocab + best]!) best = v;
  return best;
}

/** The model's input for a token sequence: the tokens, then fill (0) up to the context. */
export function windowIds(tokens: readonly number[], context: number): Int32Array {
  const ids = new Int32Array(context);
  ids.set(tokens);
  return ids;
}

/**
 * The verifier's check of a generation against the proved logits: the window holds the prompt
 * and the text, and each text token is the argmax at the position before it. Null when it holds.
 */
export function generationProblem(lm: LanguageModel, prompt: readonly number[], text: readonly number[], ids: ArrayLike<number>, logits: ArrayLike<number>): string | null {
  const n = prompt.length + text.length;
  if (prompt.length === 0) return "the prompt is empty";
  if (text.length === 0) return "the generated text is empty";
  if (n > lm.context) return `prompt and text are ${n} tokens, over the model's context of ${lm.context}`;
  if (ids.length !== lm.context || logits.length !== lm.context * lm.vocab) return "the proof's input or output does not have the model's shape";
  const tokens = [...prompt, ...text];
  for (let i = 0; i < lm.context; i++) {
    const want = i < n ? tokens[i]! : 0;
    if (ids[i] !== want) return `the proved input differs from the prompt and text at position ${i}`;
  }
  for (let i = prompt.length; i < n; i++) {
    const best = argmaxAt(logits, i - 1, lm.vocab);
    if (tokens[i] !== best) return `token ${i - prompt.length} of the text (${tokens[i]}) is not the model's choice (${best}) after the preceding tokens`;
  }
  return null;
}
