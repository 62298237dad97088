// Proving a generated text (issue 8): greedy decoding with the integer evaluator, then ONE
// proof of the forward pass over the whole window. The model is causal, so the logits at every
// position of the final window are exactly those each decoding step saw; the statement's public
// output is the logits, and the verifier checks the tokens itself (check.ts).
import { QuantError } from "../quant/errors.ts";
import { runInteger } from "../quant/int-eval.ts";
import type { QGraph } from "../quant/qgraph.ts";
import { argmaxAt, languageModelOf, windowIds } from "./check.ts";

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

