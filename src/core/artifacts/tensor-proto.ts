// A minimal, dependency-free reader of one ONNX TensorProto (the public input file), so the
// exported verifier needs no protobuf library. Hostile bytes: every length is checked against
// what remains, element counts are bounded, and anything unsupported is a clear error.
import { ArtifactError } from "./errors.ts";

export type TensorDType = "float32" | "float64" | "float16" | "bfloat16" | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "bool";

export interface PublicTensor {
  name: string;
  dtype: TensorDType;
  shape: number[];
  /** Every element as a JS number (exact for every supported type). */
  data: Float64Array;
}

const DTYPES: Record<number, TensorDType> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 16: "bfloat16",
};
const RAW_SIZE: Record<TensorDType, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, bool: 1 };
export const MAX_INPUT_ELEMENTS = 2 ** 26;

function fail(detail: string): never {
  throw new ArtifactError(`input tensor: ${detail}; pass the model input as one ONNX TensorProto (.pb)`);
}

class Wire {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly end = b.length) {}

  /** A varint as a number: int64 two's complement negatives come back negative; beyond 2^53 fails. */
  varint(): number {
    let small = 0;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) fail("truncated varint");
      const byte = this.b[this.pos++]!;
      small += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return small;
    }
    // Long varints (large or negative int64): exact in BigInt.
    let big = BigInt(small);
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.end) fail("truncated varint");
      const byte = this.b[this.pos++]!;
      big += BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) {
        const v = BigInt.asIntN(64, big);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) fail(`integer ${v} is beyond 2^53`);
        return Number(v);
      }
    }
    fail("varint longer than 10 bytes");
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (n < 0 || n > this.end - this.pos) fail(`a field of ${n} bytes runs past the end`);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.advance(4);
    else fail(`unsupported wire type ${wireType}`);
  }

  advance(n: number): void {
    if (n > this.end - this.pos) fail("truncated field");
    this.pos += n;
  }
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function bf16(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, bits << 16);
  return v.getFloat32(0);
}

function fromRaw(raw: Uint8Array, dtype: TensorDType, n: number): Float64Array {
  if (raw.length !== n * RAW_SIZE[dtype]) fail(`raw_data has ${raw.length} bytes, ${n} ${dtype} elements need ${n * RAW_SIZE[dtype]}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case "float32": out[i] = v.getFloat32(4 * i, true); break;
      case "float64": out[i] = v.getFloat64(8 * i, true); break;
      case "float16": out[i] = half(v.getUint16(2 * i, true)); break;
      case "bfloat16": out[i] = bf16(v.getUint16(2 * i, true)); break;
      case "int8": out[i] = v.getInt8(i); break;
      case "uint8": case "bool": out[i] = v.getUint8(i); break;
      case "int16": out[i] = v.getInt16(2 * i, true); break;
      case "uint16": out[i] = v.getUint16(2 * i, true); break;
      case "int32": out[i] = v.getInt32(4 * i, true); break;
      case "uint32": out[i] = v.getUint32(4 * i, true); break;
      case "int64": {
        const x = v.getBigInt64(8 * i, true);
        if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < -BigInt(Number.MAX_SAFE_INTEGER)) fail(`int64 element ${i} is beyond 2^53`);
        out[i] = Number(x);
        break;
      }
    }
  }
  return out;
}

/** Repeated numeric field values (packed or not), appended to `into`. */
function readRepeated(w: Wire, wireType: number, kind: "varint" | "f32" | "f64", into: number[]): void {
  const one = (x: Wire) => {
    if (kind === "varint") return x.varint();
    const n = kind === "f32" ? 4 : 8;
    x.advance(n);
    const v = new DataView(x.b.buffer, x.b.byteOffset + x.pos - n, n);
    return kind === "f32" ? v.getFloat32(0, true) : v.getFloat64(0, true);
  };
  if (wireType === 2) {
    const inner = w.bytes();
    const x = new Wire(inner);
    while (x.pos < x.end) {
      if (into.length >= MAX_INPUT_ELEMENTS) fail(`more than ${MAX_INPUT_ELEMENTS} elements`);
      into.push(one(x));
    }
  } else {
    const expected = kind === "varint" ? 0 : kind === "f32" ? 5 : 1;
    if (wireType !== expected) fail(`unexpected wire type ${wireType} for a repeated ${kind} field`);
    if (into.length >= MAX_INPUT_ELEMENTS) fail(`more than ${MAX_INPUT_ELEMENTS} elements`);
    into.push(one(w));
  }
}

export function decodeTensorProto(bytes: Uint8Array): PublicTensor {
  const w = new Wire(bytes);
  const dims: number[] = [], floats: number[] = [], int32s: number[] = [], int64s: number[] = [], doubles: number[] = [], uint64s: number[] = [];
  let dataType = 0, name = "", raw: Uint8Array | undefined;
  while (w.pos < w.end) {
    const key = w.varint();
    const field = Math.floor(key / 8), wt = key % 8;
    switch (field) {
      case 1: readRepeated(w, wt, "varint", dims); if (dims.length > 16) fail("more than 16 dimensions"); break;
      case 2: if (wt !== 0) fail("bad data_type"); dataType = w.varint(); break;
      case 4: readRepeated(w, wt, "f32", floats); break;
      case 5: readRepeated(w, wt, "varint", int32s); break;
      case 7: readRepeated(w, wt, "varint", int64s); break;
      case 8: if (wt !== 2) fail("bad name"); name = new TextDecoder().decode(w.bytes()); break;
      case 9: if (wt !== 2) fail("bad raw_data"); raw = w.bytes(); break;
      case 10: readRepeated(w, wt, "f64", doubles); break;
      case 11: readRepeated(w, wt, "varint", uint64s); break;
      case 3: return fail("segmented tensors are not supported");
      case 6: return fail("string tensors are not numeric inputs");
      case 13: return fail("external data is not supported; save the tensor with its data inside");
      case 14: { if (wt !== 0) fail("bad data_location"); if (w.varint() !== 0) fail("external data is not supported"); break; }
      default: w.skip(wt);
    }
  }
  const dtype = DTYPES[dataType];
  if (!dtype) fail(`data type ${dataType} is not a supported numeric type`);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`dimensions [${dims}] must be non-negative integers`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n > MAX_INPUT_ELEMENTS) fail(`${n} elements is over the ${MAX_INPUT_ELEMENTS} limit`);
  let data: Float64Array;
  if (raw !== undefined) data = fromRaw(raw, dtype, n);
  else {
    const src = dtype === "float32" ? floats : dtype === "float64" ? doubles : dtype === "int64" ? int64s : dtype === "uint32" ? uint64s : int32s;
    if (src.length !== n) fail(`holds ${src.length} values, its shape [${dims}] needs ${n}`);
    data = dtype === "float16" ? Float64Array.from(src, half) : dtype === "bfloat16" ? Float64Array.from(src, bf16) : Float64Array.from(src);
    if (dtype === "int32" || dtype === "int8" || dtype === "int16") {
      // int32_data carries sign-extended varints: fold 64-bit two's complement back to 32 bits.
      for (let i = 0; i < n; i++) data[i] = data[i]! | 0;
    }
  }
  return { name, dtype, shape: dims, data };
}
