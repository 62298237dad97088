// Calibration and evaluation data: a batched tensor (leading batch axis) split into samples
// shaped like the model's input, checked at the boundary; or generated inputs of a stated
// distribution when a model comes without data.
import type { InputTensor } from "../eval/index.ts";
import { isFloat, sizeOf, type Graph, type Tensor, type TensorInfo } from "../graph/index.ts";
import { QuantError } from "./errors.ts";

export type Sample = Record<string, Tensor>;

/**
 * Splits `batch` ([N, ...rest]) into samples for model input `info` ([B, ...rest], B rows per
 * sample). Rejects a wrong dtype, shape or count, NaN/Inf and an empty set, naming `what`.
 */
export function splitBatch(info: TensorInfo, batch: InputTensor, what = info.name): Tensor[] {
  const where = { tensor: what };
  const rest = info.shape.slice(1), B = info.shape[0] ?? 1;
  const shape = [...batch.shape];
  const floatModel = isFloat(info.dtype);
  if (batch.dtype !== undefined && batch.dtype !== "string" && isFloat(batch.dtype) !== floatModel) {
    throw new QuantError(`${what} holds ${batch.dtype} but the model input ${info.name} is ${info.dtype}; convert the data`, where);
  }
  if (shape.length !== info.shape.length || shape.slice(1).some((d, i) => d !== rest[i])) {
    throw new QuantError(`${what} has shape [${shape}] but model input ${info.name} needs [N,${rest}] (N samples of [${info.shape}])`, where);
  }
  const N = shape[0]!;
  if (N === 0) throw new QuantError(`${what} holds no samples; the calibration set must not be empty`, where);
  if (N % B !== 0) throw new QuantError(`${what} has ${N} rows, not a multiple of the model's batch of ${B}`, where);
  const per = sizeOf(info.shape);
  const d = batch.data as ArrayLike<number | bigint>;
  if (d.length !== N * sizeOf(rest)) throw new QuantError(`${what} holds ${d.length} values for shape [${shape}]`, where);
  const out: Tensor[] = [];
  for (let s = 0; s < N / B; s++) {
    const data = floatModel ? new Float32Array(per) : new Float64Array(per);
    for (let i = 0; i < per; i++) {
      const v = Number(d[s * per + i]);
      if (!Number.isFinite(v)) throw new QuantError(`${what}: sample ${s} holds ${v} at flat index ${i}; remove NaN/Inf values from the data`, where);
      if (!floatModel && !Number.isInteger(v)) throw new QuantError(`${what}: sample ${s} holds ${v} at flat index ${i} but ${info.name} takes integers`, where);
      data[i] = v;
    }
    out.push({ dtype: info.dtype, shape: [...info.shape], data });
  }
  return out;
}

/** Samples for a one-input model from a batched tensor. */
export function samplesFromBatch(graph: Graph, batch: InputTensor, what?: string): Sample[] {
  if (graph.inputs.length !== 1) {
    throw new QuantError(`the model has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(", ")}); give one data tensor per input`);
  }
  const info = graph.inputs[0]!;
  return splitBatch(info, batch, what).map((t) => ({ [info.name]: t }));
}

/** mulberry32: a small seeded generator, identical on every engine (integer arithmetic). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What generated inputs are, for the plan and the user. */
export function generatedNote(count: number, seed: number): string {
  return `generated: ${count} samples, seed ${seed}; float inputs ~ approx. standard normal (sum of 12 uniforms − 6), integer inputs uniform ids over the indexed table`;
}

/**
 * Generated inputs for a model without data: floats approximately N(0, 1) (Irwin–Hall: no
 * transcendental functions, so every engine gives the same bits), integer ids uniform over
 * the rows of the table they index (256 when unknown).
 */
export function generatedSamples(graph: Graph, count: number, seed = 1): Sample[] {
  if (!(count >= 1)) throw new QuantError(`cannot generate ${count} samples; ask for at least one`);
  const rnd = seededRandom(seed);
  const rows = (name: string) => {
    const g = graph.nodes.find((n) => n.opType === "Gather" && n.inputs[1] === name);
    return (g && graph.constants.get(g.inputs[0]!)?.shape[0]) || 256;
  };
  return Array.from({ length: count }, () => {
    const s: Sample = {};
    for (const info of graph.inputs) {
      const n = sizeOf(info.shape);
      if (isFloat(info.dtype)) {
        const d = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let u = -6;
          for (let j = 0; j < 12; j++) u += rnd();
          d[i] = u;
        }
        s[info.name] = { dtype: info.dtype, shape: [...info.shape], data: d };
      } else {
        const r = rows(info.name);
        s[info.name] = { dtype: info.dtype, shape: [...info.shape], data: Float64Array.from({ length: n }, () => Math.floor(rnd() * r)) };
      }
    }
    return s;
  });
}

/**
 * Samples per calibration (and accuracy) chunk. Chunks are observed from scratch and merged in
 * order, so a data set split over any number of workers at chunk boundaries gives exactly the
 * plan (and the metrics) one thread gives.
 */
export const CHUNK_SAMPLES = 4;

/** Chunks of a data set of `count` samples: [from, to) sample ranges, in order. */
export function sampleChunks(count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let f = 0; f < count; f += CHUNK_SAMPLES) out.push([f, Math.min(count, f + CHUNK_SAMPLES)]);
  return out;
}

/** Models below this size calibrate on one thread: starting a worker would cost more than it saves. */
const PARALLEL_MODEL_BYTES = 1 << 20;
/** Each calibration thread holds its own copy of the model. */
export const MAX_CALIBRATION_THREADS = 4;

/** Threads to share calibration and accuracy chunks among, for a model file of this size. */
export function calibrationThreads(modelBytes: number, cores: number): number {
  return modelBytes >= PARALLEL_MODEL_BYTES ? Math.max(1, Math.min(MAX_CALIBRATION_THREADS, cores)) : 1;
}

/** Multiply-adds of one sample through the model's linear ops (convolutions, Gemm, MatMul). */
export function macsPerSample(graph: Graph): number {
  let macs = 0;
  for (const n of graph.nodes) {
    const out = graph.tensors.get(n.outputs[0] ?? "")?.shape;
    if (!out) continue;
    const outElems = sizeOf(out);
    if (n.opType === "Conv" || n.opType === "ConvTranspose") {
      const w = graph.tensors.get(n.inputs[1] ?? "")?.shape;
      // Per output element: the weight's elements over its output channels (C_in/g · k…).
      if (w && w.length >= 2) macs += n.opType === "Conv" ? outElems * (sizeOf(w) / w[0]!) : sizeOf(graph.tensors.get(n.inputs[0]!)?.shape ?? []) * (sizeOf(w) / w[0]!);
    } else if (n.opType === "Gemm" || n.opType === "MatMul") {
      const a = graph.tensors.get(n.inputs[0] ?? "")?.shape;
      const transA = n.opType === "Gemm" && n.attributes.transA?.kind === "int" && n.attributes.transA.value === 1;
      if (a && a.length >= 1) macs += outElems * (transA ? a[a.length - 2] ?? 1 : a[a.length - 1]!);
    }
  }
  return macs;
}

/** Generated samples sized to the model: 64, fewer for heavy models (ResNet-50: 16), never below 16. */
export function generatedSampleCount(graph: Graph): number {
  const BUDGET = 64 * 4e8; // vgg16_cifar10's ~0.3 GMAC a sample keeps all 64
  return Math.max(16, Math.min(64, Math.floor(BUDGET / Math.max(1, macsPerSample(graph)))));
}
