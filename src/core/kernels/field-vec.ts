// Element-wise base-field vector kernels on plain arrays (copying in and out of wasm memory).
// Kept for callers that predate the FieldBackend API (index.ts); new code uses the backend.
import { wasmBackend } from "./index.ts";

function binary(op: "add" | "mul", a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length !== b.length) throw new Error(`kernels: length mismatch ${a.length} vs ${b.length}`);
  const K = wasmBackend();
  const x = K.from(a), y = K.from(b);
  try {
    K[op](x, y, x, a.length);
    return K.read(x);
  } finally {
    K.free(x); K.free(y);
  }
}

/** Element-wise a + b mod p in wasm. Inputs must be canonical (< p). */
export const wasmVecAdd = (a: Uint32Array, b: Uint32Array): Uint32Array => binary("add", a, b);
/** Element-wise a · b mod p in wasm. Inputs must be canonical (< p). */
export const wasmVecMul = (a: Uint32Array, b: Uint32Array): Uint32Array => binary("mul", a, b);
