// The input to prove, from what the user picked: a sample of the data set, a tensor file, a
// digit drawn on the 8×8 canvas, or text for a byte-level transformer.
import { coerceInput } from "../../src/core/eval/index.ts";
import { sizeOf, type Graph, type Tensor } from "../../src/core/graph/index.ts";
import { QuantError, type Sample } from "../../src/core/quant/index.ts";
import { tensorFromBytes, type FileData } from "./data.ts";

export type InputChoice =
  | { kind: "sample"; index: number }
  | { kind: "file"; file: FileData }
  | { kind: "drawn"; pixels: number[] }
  | { kind: "text"; text: string };

function only(graph: Graph) {
  if (graph.inputs.length !== 1) throw new QuantError(`the model has ${graph.inputs.length} inputs; pick a sample of the data set`);
  return graph.inputs[0]!;
}

/** Byte-level tokens of `text`, cut or padded with spaces to the model's context. */
export function textTokens(text: string, length: number): number[] {
  const bytes = Array.from(new TextEncoder().encode(text)).slice(0, length);
  while (bytes.length < length) bytes.push(0x20);
  return bytes;
}

export function resolveInput(graph: Graph, choice: InputChoice, samples: readonly Sample[]): Record<string, Tensor> {
  switch (choice.kind) {
    case "sample": {
      const s = samples[choice.index];
      if (!s) throw new QuantError(`there is no sample ${choice.index}; the data set has ${samples.length}`);
      return s;
    }
    case "file": {
      const info = only(graph);
      return { [info.name]: coerceInput(info, tensorFromBytes(choice.file)) };
    }
    case "drawn": {
      const info = only(graph);
      if (sizeOf(info.shape) !== choice.pixels.length) throw new QuantError(`a drawn digit has ${choice.pixels.length} pixels but ${info.name} takes [${info.shape}]`);
      return { [info.name]: { dtype: info.dtype, shape: [...info.shape], data: Float32Array.from(choice.pixels) } };
    }
    case "text": {
      const info = only(graph);
      if (info.dtype === "float32") throw new QuantError(`${info.name} takes floats, not token ids`);
      const tokens = textTokens(choice.text, sizeOf(info.shape));
      return { [info.name]: { dtype: info.dtype, shape: [...info.shape], data: Float64Array.from(tokens) } };
    }
  }
}
