// Reads input tensors from NumPy .npy bytes and from JSON (nested arrays), checked at the
// boundary: every size comes from the header and must match the bytes present.
import type { DType } from "../graph/index.ts";
import { EvalError } from "./errors.ts";
import type { InputTensor } from "./inputs.ts";

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const NPY_DTYPES: Record<string, { dtype: DType; bytes: number; read: (v: DataView, o: number) => number | bigint }> = {
  f4: { dtype: "float32", bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  f8: { dtype: "float64", bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  i8: { dtype: "int64", bytes: 8, read: (v, o) => v.getBigInt64(o, true) },
  u8: { dtype: "uint64", bytes: 8, read: (v, o) => v.getBigUint64(o, true) },
  i4: { dtype: "int32", bytes: 4, read: (v, o) => v.getInt32(o, true) },
  u4: { dtype: "uint32", bytes: 4, read: (v, o) => v.getUint32(o, true) },
  i2: { dtype: "int16", bytes: 2, read: (v, o) => v.getInt16(o, true) },
  u2: { dtype: "uint16", bytes: 2, read: (v, o) => v.getUint16(o, true) },
  i1: { dtype: "int8", bytes: 1, read: (v, o) => v.getInt8(o) },
  u1: { dtype: "uint8", bytes: 1, read: (v, o) => v.getUint8(o) },
  b1: { dtype: "bool", bytes: 1, read: (v, o) => v.getUint8(o) },
};

/** Parses a .npy file (format 1.0–3.0, little-endian or single-byte dtypes, C order). */
export function parseNpy(bytes: Uint8Array, fileName = "array.npy"): InputTensor {
  const bad = (why: string) => new EvalError(`${fileName} is not a readable .npy file: ${why}`, { tensor: fileName });
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) throw bad("missing the \\x93NUMPY header");
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw bad("the header is truncated");
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw bad("the header lacks descr, fortran_order or shape");
  if (fortran[1] === "True") throw bad("Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
  const spec = NPY_DTYPES[descr[2]!];
  if (!spec) throw bad(`dtype ${descr[2]} is not supported`);
  if (descr[1] === ">" && spec.bytes > 1) throw bad("big-endian data is not supported");
  const shape = shapeM[1]!.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw bad(`shape (${shapeM[1]}) is invalid`);
  const n = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== n * spec.bytes) {
    throw bad(`shape (${shape.join(",")}) needs ${n * spec.bytes} bytes of ${spec.dtype} but the file holds ${bytes.length - dataStart}`);
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Number(spec.read(view, dataStart + i * spec.bytes));
  return { dtype: spec.dtype, shape, data: spec.dtype === "float32" ? Float32Array.from(data) : data };
}

/**
 * Parses JSON: a nested array of numbers (its nesting gives the shape), or
 * `{ "shape": [...], "data": [...] }` with flat data.
 */
export function parseJsonTensor(text: string, fileName = "input.json"): InputTensor {
  const bad = (why: string) => new EvalError(`${fileName}: ${why}`, { tensor: fileName });
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad(`not valid JSON (${(e as Error).message})`);
  }
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as { shape?: unknown; data?: unknown };
    if (!Array.isArray(o.shape) || !Array.isArray(o.data)) throw bad('an object needs "shape" and "data" arrays');
    const shape = o.shape.map(Number);
    const flat = o.data.map(Number);
    if (flat.some((x) => Number.isNaN(x))) throw bad("data holds a non-number");
    return { shape, data: flat };
  }
  const shape: number[] = [];
  for (let cur: unknown = v; Array.isArray(cur); cur = cur[0]) shape.push(cur.length);
  const flat: number[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x !== "number") throw bad("expected a number at the innermost level");
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw bad(`ragged array at depth ${depth}: every row must have ${shape[depth]} items`);
    for (const y of x) walk(y, depth + 1);
  };
  walk(v, 0);
  return { shape, data: flat };
}
