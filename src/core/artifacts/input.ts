// The statement's public input from the input file: a float tensor is quantized exactly as the
// plan says (clamp(floor(x·2^k + ½)) in float64, power-of-two scale); an integer tensor must
// already hold integers of the input's type. The prover and every verifier use this one function.
import type { GraphSpec } from "../circuit/index.ts";
import { quantizerFor, typeMax, typeMin } from "../quant/fixed.ts";
import { ArtifactError } from "./errors.ts";
import type { PublicTensor } from "./tensor-proto.ts";

const FLOATS = new Set(["float32", "float64", "float16", "bfloat16"]);

export function publicInputs(graph: GraphSpec, files: readonly PublicTensor[]): Record<string, Int32Array> {
  if (files.length !== graph.inputs.length) throw new ArtifactError(`input: the model takes ${graph.inputs.length} input tensor(s), ${files.length} given`);
  const out: Record<string, Int32Array> = {};
  graph.inputs.forEach((name, i) => {
    const t = graph.tensors[name]!, x = files[i]!;
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (x.data.length !== size) throw new ArtifactError(`input: ${name} needs ${size} values (shape [${t.shape}]), the file holds ${x.data.length} (shape [${x.shape}])`);
    const q = new Int32Array(size), lo = typeMin(t), hi = typeMax(t);
    const float = FLOATS.has(x.dtype), quantize = quantizerFor(t);
    for (let j = 0; j < size; j++) {
      const v = x.data[j]!;
      if (!Number.isFinite(v)) throw new ArtifactError(`input: ${name}[${j}] is ${v}; inputs must be finite`);
      if (float) q[j] = quantize(v);
      else if (Number.isInteger(v) && v >= lo && v <= hi) q[j] = v;
      else throw new ArtifactError(`input: ${name}[${j}] = ${v} is not an integer of its ${t.bits}-bit type`);
    }
    out[name] = q;
  });
  return out;
}
