import onnxProto from "onnx-proto";
import { OnnxError } from "./errors.ts";
import type { AttrValue, DType, Dim, OnnxGraph, OnnxModel, OnnxNode, TensorData, ValueInfo } from "./types.ts";

const { onnx } = onnxProto;
type Long = { low: number; high: number; unsigned?: boolean } | number;

/** ONNX TensorProto.DataType codes → dtype names. */
export const DTYPES: Readonly<Record<number, DType>> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
  8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 16: "bfloat16",
};

/** Upper bound on elements in any one tensor we accept: 2^28 (1 GiB of float32). */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

export function toNumber(v: Long | null | undefined, where: string): number {
  const n = toValue(v);
  if (!Number.isSafeInteger(n)) throw new OnnxError(`integer out of range at ${where}`, where);
  return n;
}

/**
 * An int64 value as a JS number. Beyond ±2^53 it rounds: exporters use INT64_MAX/MIN as
 * "to the end" sentinels (Slice, Clip), whose meaning survives the rounding.
 */
function toValue(v: Long | null | undefined): number {
  if (v == null) return 0;
  if (typeof v === "number") return v;
  return v.high * 4294967296 + (v.low >>> 0);
}

export interface DecodeOptions {
  /**
   * Side files of a model saved with external data, by their `location` (the file name the
   * model refers to). Tensors become views of these bytes.
   */
  externalData?: Readonly<Record<string, Uint8Array>>;
}

/** Decodes .onnx bytes. Weights stay views into `bytes` where the format allows. */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): OnnxModel {
  if (bytes.length === 0) throw new OnnxError("the file is empty; choose an .onnx model file");
  let m: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxError(
      `not a valid ONNX model (protobuf decoding failed: ${(e as Error).message}); ` +
        "check that the file is an .onnx export and not truncated",
    );
  }
  if (!m.graph || (m.graph.node ?? []).length === 0) {
    throw new OnnxError("not a valid ONNX model: it has no graph with nodes; check that the file is an .onnx export");
  }
  const opsets: Record<string, number> = {};
  for (const o of m.opsetImport ?? []) opsets[o.domain ?? ""] = toNumber(o.version as Long, "opset_import");
  return {
    irVersion: toNumber(m.irVersion as Long, "ir_version"),
    producer: [m.producerName, m.producerVersion].filter(Boolean).join(" "),
    opsets,
    graph: decodeGraph(m.graph, options),
  };
}

function decodeGraph(g: onnxProto.onnx.IGraphProto, options: DecodeOptions): OnnxGraph {
  const nodes: OnnxNode[] = (g.node ?? []).map((n, i) => ({
    name: n.name || `${n.opType || "node"}_${i}`,
    opType: n.opType ?? "",
    domain: n.domain ?? "",
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? "", decodeAttr(a, n.name || `#${i}`)])),
  }));
  return {
    name: g.name ?? "",
    nodes,
    inputs: (g.input ?? []).map(decodeValueInfo),
    outputs: (g.output ?? []).map(decodeValueInfo),
    valueInfo: (g.valueInfo ?? []).map(decodeValueInfo),
    initializers: (g.initializer ?? []).map((t) => decodeTensor(t, undefined, options)),
  };
}

function decodeValueInfo(v: onnxProto.onnx.IValueInfoProto): ValueInfo {
  const tt = v.type?.tensorType;
  const shape: Dim[] | undefined = tt?.shape?.dim?.map((d, i) =>
    d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue as Long, `${v.name}.shape[${i}]`) : `?${i}`,
  );
  return { name: v.name ?? "", dtype: tt?.elemType ? DTYPES[tt.elemType] : undefined, shape };
}

function decodeAttr(a: onnxProto.onnx.IAttributeProto, node: string): AttrValue {
  const where = `node ${node}, attribute ${a.name}`;
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return { kind: "float", value: a.f ?? 0 };
    case T.INT: return { kind: "int", value: toNumber(a.i as Long, where) };
    case T.STRING: return { kind: "string", value: new TextDecoder().decode(a.s ?? new Uint8Array()) };
    case T.TENSOR: return { kind: "tensor", value: decodeTensor(a.t ?? {}, where) };
    case T.FLOATS: return { kind: "floats", value: [...(a.floats ?? [])] };
    case T.INTS: return { kind: "ints", value: (a.ints ?? []).map((x) => toNumber(x as Long, where)) };
    case T.STRINGS: return { kind: "strings", value: (a.strings ?? []).map((s) => new TextDecoder().decode(s)) };
    case T.GRAPH: case T.GRAPHS: return { kind: "graph", value: null };
    default: throw new OnnxError(`unsupported attribute type ${a.type} at ${where}`, where);
  }
}

const TYPED: Partial<Record<DType, { bytes: number; make: (b: ArrayBuffer, off: number, n: number) => TensorData["data"] }>> = {
  float32: { bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  float64: { bytes: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  int32: { bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  uint32: { bytes: 4, make: (b, o, n) => new Uint32Array(b, o, n) },
  int16: { bytes: 2, make: (b, o, n) => new Int16Array(b, o, n) },
  uint16: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  float16: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  bfloat16: { bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  int8: { bytes: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  uint8: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  bool: { bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
};

/** Decodes a TensorProto (raw_data or typed fields), checking its declared size against its data. */
export function decodeTensor(t: onnxProto.onnx.ITensorProto, where?: string, options: DecodeOptions = {}): TensorData {
  const tp = t;
  const name = tp.name ?? "";
  const loc = where ?? `tensor ${name || "(unnamed)"}`;
  const dtype = DTYPES[tp.dataType ?? 0];
  if (!dtype) throw new OnnxError(`unknown data type ${tp.dataType} in ${loc}`, loc);
  const dims = (tp.dims ?? []).map((d) => toNumber(d as Long, loc));
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new OnnxError(`negative dimension ${d} in ${loc}`, loc);
    count *= d;
  }
  if (count > MAX_TENSOR_ELEMENTS) throw new OnnxError(`${loc} declares ${count} elements, over the limit of ${MAX_TENSOR_ELEMENTS}`, loc);
  const raw = (tp.dataLocation ?? 0) === 1 ? externalBytes(tp, loc, options) : tp.rawData;
  if (raw && (raw.length > 0 || count === 0)) {
    if (dtype === "int64" || dtype === "uint64") {
      if (raw.length !== count * 8) throw sizeError(loc, count, raw.length);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const out = new Array<number>(count);
      for (let i = 0; i < count; i++) {
        const lo = dv.getUint32(8 * i, true);
        const hi = dtype === "int64" ? dv.getInt32(8 * i + 4, true) : dv.getUint32(8 * i + 4, true);
        out[i] = hi * 4294967296 + lo;
      }
      return { name, dtype, dims, data: out };
    }
    const spec = TYPED[dtype];
    if (!spec) throw new OnnxError(`data type ${dtype} is not supported in ${loc}; convert the tensor to a numeric type`, loc);
    if (raw.length !== count * spec.bytes) throw sizeError(loc, count, raw.length);
    // Views need aligned offsets; copy once only when the protobuf left the data unaligned.
    // (new Uint8Array(raw) copies; raw.slice() would not when protobufjs hands us a Node Buffer)
    const aligned = raw.byteOffset % spec.bytes === 0 ? raw : new Uint8Array(raw);
    return { name, dtype, dims, data: spec.make(aligned.buffer as ArrayBuffer, aligned.byteOffset, count) };
  }
  const typed = typedField(tp, dtype, loc);
  if (typed.length !== count && !(typed.length === 0 && count === 0)) {
    throw new OnnxError(`${loc} declares ${count} elements but holds ${typed.length}; the file is damaged or truncated`, loc);
  }
  return { name, dtype, dims, data: typed };
}

function typedField(tp: onnxProto.onnx.ITensorProto, dtype: DType, loc: string): TensorData["data"] {
  switch (dtype) {
    case "float32": return Float32Array.from(tp.floatData ?? []);
    case "float64": return Float64Array.from(tp.doubleData ?? []);
    case "int64": return (tp.int64Data ?? []).map((v) => toValue(v as Long));
    case "uint64": return (tp.uint64Data ?? []).map((v) => unsigned(v as Long));
    case "uint32": return Uint32Array.from((tp.uint64Data ?? []).map((v) => unsigned(v as Long)));
    case "string": return (tp.stringData ?? []).map((s) => new TextDecoder().decode(s));
    case "int32": return Int32Array.from(tp.int32Data ?? []);
    case "int16": return Int16Array.from(tp.int32Data ?? []);
    case "uint16": case "float16": case "bfloat16": return Uint16Array.from(tp.int32Data ?? []);
    case "int8": return Int8Array.from(tp.int32Data ?? []);
    case "uint8": case "bool": return Uint8Array.from(tp.int32Data ?? []);
  }
}

function unsigned(v: Long): number {
  return typeof v === "number" ? v : (v.high >>> 0) * 4294967296 + (v.low >>> 0);
}

/** The bytes of an external-data tensor: a view of the supplied side file, bounds-checked. */
function externalBytes(tp: onnxProto.onnx.ITensorProto, loc: string, options: DecodeOptions): Uint8Array {
  const entries = new Map((tp.externalData ?? []).map((e) => [e.key ?? "", e.value ?? ""]));
  const location = entries.get("location");
  if (!location) throw new OnnxError(`${loc} is marked external but names no location; re-export the model`, loc);
  const file = options.externalData && Object.hasOwn(options.externalData, location) ? options.externalData[location] : undefined;
  if (!file) {
    throw new OnnxError(`${loc} keeps its data in the external file '${location}'; supply that side file with the model`, loc);
  }
  const offset = Number(entries.get("offset") ?? "0");
  const length = entries.has("length") ? Number(entries.get("length")) : file.length - offset;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.length) {
    throw new OnnxError(`${loc} points at bytes ${offset}..${offset + length} of '${location}', which has ${file.length}; the side file does not match the model`, loc);
  }
  return file.subarray(offset, offset + length);
}

function sizeError(loc: string, count: number, bytes: number): OnnxError {
  return new OnnxError(`${loc} declares ${count} elements but its raw data has ${bytes} bytes; the file is damaged or truncated`, loc);
}

/** Decodes a standalone TensorProto file (test data, calibration data). */
export function decodeTensorFile(bytes: Uint8Array, fileName = "tensor"): TensorData {
  let t: InstanceType<typeof onnx.TensorProto>;
  try {
    t = onnx.TensorProto.decode(bytes);
  } catch (e) {
    throw new OnnxError(`${fileName} is not an ONNX TensorProto (${(e as Error).message})`, fileName);
  }
  return decodeTensor(t, `${fileName}`);
}
