// Plain tensors: what the graph's constants, the evaluator's inputs and outputs are made of.
import type { DType, TensorData } from "../onnx/index.ts";
import { GraphError } from "./errors.ts";

export type { DType };

/**
 * Element storage per dtype. Floats are Float32Array (float16/bfloat16 too, holding values
 * rounded to that format), float64 Float64Array; int64/uint64 are integer-valued numbers in a
 * Float64Array (exact to 2^53); bool is a Uint8Array of 0/1; the small integer types use their
 * own typed array; string is string[].
 */
export type TensorValues =
  | Float32Array | Float64Array | Int32Array | Int16Array | Int8Array
  | Uint32Array | Uint16Array | Uint8Array | string[];

export type NumericValues = Exclude<TensorValues, string[]>;

export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TensorValues;
}

/** A tensor with numeric storage (every dtype but string). */
export interface NumTensor extends Tensor {
  data: NumericValues;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case "float64": case "int64": case "uint64": case "string": return 8;
    case "float32": case "float16": case "bfloat16": case "int32": case "uint32": return 4;
    case "int16": case "uint16": return 2;
    default: return 1;
  }
}

export function allocValues(dtype: DType, n: number): TensorValues {
  switch (dtype) {
    case "float32": case "float16": case "bfloat16": return new Float32Array(n);
    case "float64": case "int64": case "uint64": return new Float64Array(n);
    case "int32": return new Int32Array(n);
    case "uint32": return new Uint32Array(n);
    case "int16": return new Int16Array(n);
    case "uint16": return new Uint16Array(n);
    case "int8": return new Int8Array(n);
    case "uint8": case "bool": return new Uint8Array(n);
    case "string": return new Array<string>(n).fill("");
  }
}

export function allocNumeric(dtype: DType, n: number): NumericValues {
  if (dtype === "string") throw new GraphError("string tensors have no numeric storage; this op needs numbers");
  return allocValues(dtype, n) as NumericValues;
}

export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64" || dtype === "float16" || dtype === "bfloat16";
}

/** Signed or unsigned integer types of any width (an exported ArgMax's class indices, token ids). */
export function isInteger(dtype: DType): boolean {
  return /^u?int\d+$/.test(dtype);
}

/** Integer types stored in a Float64Array: arithmetic results must be truncated explicitly. */
export function isWideInt(dtype: DType): boolean {
  return dtype === "int64" || dtype === "uint64";
}

export function isNumeric(t: Tensor): t is NumTensor {
  return t.dtype !== "string";
}

export function makeTensor(dtype: DType, shape: number[], data?: TensorValues): Tensor {
  return { dtype, shape, data: data ?? allocValues(dtype, sizeOf(shape)) };
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a float32 value to the nearest float16 (ties to even), returned as a number. */
export function roundToFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity;
  // Spacing of float16 values around a: 2^(e-10) for normals, 2^-24 for subnormals.
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // guard against log2 rounding near powers of two
  else if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, -14) - 10);
  const q = a / ulp;
  let r = Math.round(q);
  if (r - q === 0.5 && r % 2 === 1) r -= 1; // Math.round rounds .5 up; we want ties to even
  return Math.sign(x) * r * ulp;
}

/** Rounds a float32 value to the nearest bfloat16 (ties to even). */
export function roundToBfloat16(x: number): number {
  if (!Number.isFinite(x)) return x;
  f32[0] = x;
  const b = u32[0]!;
  const rounded = (b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000;
  u32[0] = rounded >>> 0;
  return f32[0]!;
}

export function float16BitsToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function bfloat16BitsToNumber(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** Converts a decoded ONNX tensor to the evaluator's storage (views where it can). */
export function fromTensorData(t: TensorData): Tensor {
  const shape = [...t.dims];
  const d = t.data;
  switch (t.dtype) {
    case "int64": case "uint64":
      return { dtype: t.dtype, shape, data: Float64Array.from(d as ArrayLike<number>) };
    case "float16": case "bfloat16": {
      const bits = d as ArrayLike<number>;
      const out = new Float32Array(bits.length);
      const conv = t.dtype === "float16" ? float16BitsToNumber : bfloat16BitsToNumber;
      for (let i = 0; i < bits.length; i++) out[i] = conv(bits[i]!);
      return { dtype: t.dtype, shape, data: out };
    }
    case "bool": {
      const b = d as Uint8Array;
      return { dtype: "bool", shape, data: b.every((v) => v === 0 || v === 1) ? b : b.map((v) => (v ? 1 : 0)) };
    }
    case "string":
      return { dtype: "string", shape, data: d as string[] };
    default:
      return { dtype: t.dtype, shape, data: d as NumericValues };
  }
}
