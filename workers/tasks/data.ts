// Calibration and evaluation data in the browser: tensor files by content (TensorProto, .npy,
// JSON), split into samples for the model; or generated inputs, said so.
import { decodeTensorFile } from "../../src/core/onnx/index.ts";
import { fromTensorData, type Graph } from "../../src/core/graph/index.ts";
import { parseJsonTensor, parseNpy, type InputTensor } from "../../src/core/eval/index.ts";
import { generatedNote, generatedSampleCount, generatedSamples, QuantError, samplesFromBatch, type Sample } from "../../src/core/quant/index.ts";

export interface FileData {
  name: string;
  bytes: Uint8Array;
}

export type DataSpec =
  /** Generated inputs; without a count, as many as the model's size allows (generatedSampleCount). */
  | { kind: "generated"; count?: number; seed: number }
  | { kind: "files"; calibration: FileData; evaluation?: FileData; labels?: FileData };

export interface DataSet {
  calibration: Sample[];
  evaluation: Sample[];
  labels?: number[];
  /** What the data is, for the plan and the accuracy card. */
  note: string;
  evalNote: string;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** A tensor file by its content: .npy magic, JSON text, else an ONNX TensorProto. */
export function tensorFromBytes(f: FileData): InputTensor {
  const b = f.bytes;
  if (NPY_MAGIC.every((v, i) => b[i] === v)) return parseNpy(b, f.name);
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  if (b[i] === 0x5b || b[i] === 0x7b) return parseJsonTensor(new TextDecoder().decode(b), f.name);
  return fromTensorData(decodeTensorFile(b, f.name));
}

function labelsOf(f: FileData, rows: number): number[] {
  const t = tensorFromBytes(f);
  const labels = Array.from(t.data as ArrayLike<number | bigint>, Number);
  if (labels.some((v) => !Number.isInteger(v) || v < 0)) throw new QuantError(`labels ${f.name} must hold non-negative integer classes`, { tensor: f.name });
  if (labels.length !== rows) throw new QuantError(`labels ${f.name} hold ${labels.length} classes for ${rows} evaluation samples; give one per sample`, { tensor: f.name });
  return labels;
}

export function loadData(graph: Graph, spec: DataSpec): DataSet {
  if (spec.kind === "generated") {
    const count = spec.count ?? generatedSampleCount(graph);
    return {
      calibration: generatedSamples(graph, count, spec.seed),
      evaluation: generatedSamples(graph, count, spec.seed + 1),
      note: generatedNote(count, spec.seed),
      evalNote: `generated: ${count} samples, seed ${spec.seed + 1} (no labels)`,
    };
  }
  const calibration = samplesFromBatch(graph, tensorFromBytes(spec.calibration), spec.calibration.name);
  const evaluation = spec.evaluation ? samplesFromBatch(graph, tensorFromBytes(spec.evaluation), spec.evaluation.name) : calibration;
  const labels = spec.labels ? labelsOf(spec.labels, evaluation.length) : undefined;
  return {
    calibration, evaluation, ...(labels ? { labels } : {}),
    note: `data: ${spec.calibration.name} (${calibration.length} samples)`,
    evalNote: spec.evaluation
      ? `${spec.evaluation.name} (${evaluation.length} samples${labels ? `, labels ${spec.labels!.name}` : ""})`
      : `the calibration samples (${evaluation.length}${labels ? `, labels ${spec.labels!.name}` : ""})`,
  };
}
