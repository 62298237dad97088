// Proving a generated text (issue 8): greedy decoding with the integer evaluator, then ONE
// proof of the forward pass over the whole window. The model is causal, so the logits at every
// position of the final window are exactly those each decoding step saw; the statement's public
// output is the logits, and the verifier checks itself that every generated token is the argmax
// of the logits at the position before it (ties: the lowest token id).
import { QuantError } from "../quant/errors.ts";
import { runInteger } from "../quant/int-eval.ts";
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

export interface Generation {
  prompt: number[];
  generated: number[];
  /** The final window's input ids and every tensor the integer evaluator computed on it. */
  ids: Int32Array;
  values: Map<string, Int32Array>;
}

/** Greedy decoding of `count` tokens after `prompt` (bytes), within the model's context. */
export function greedyGenerate(g: QGraph, prompt: readonly number[], count: number, onToken?: (token: number, index: number) => void): Generation {
  const lm = languageModelOf(g);
  if (prompt.length === 0) throw new QuantError("the prompt is empty; give at least one byte");
  if (!Number.isInteger(count) || count < 1) throw new QuantError(`the token count must be a positive integer, got ${count}`);
  if (prompt.length + count > lm.context) {
    throw new QuantError(`prompt (${prompt.length} bytes) plus ${count} tokens exceeds the model's context of ${lm.context}; at most ${lm.context - prompt.length} tokens fit after this prompt`);
  }
  for (const t of prompt) if (!Number.isInteger(t) || t < 0 || t >= lm.vocab) throw new QuantError(`prompt byte ${t} is outside the vocabulary [0, ${lm.vocab})`);
  const tokens = [...prompt];
  let values = new Map<string, Int32Array>();
  for (let i = 0; i <= count; i++) {
    values = runInteger(g, { [lm.ids]: windowIds(tokens, lm.context) });
    if (i === count) break;
    const next = argmaxAt(values.get(lm.logits)!, tokens.length - 1, lm.vocab);
    tokens.push(next);
    onToken?.(next, i);
  }
  return { prompt: [...prompt], generated: tokens.slice(prompt.length), ids: windowIds(tokens, lm.context), values };
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
