import { wasmBase64 } from "./generated/field.wasm.ts";
import { instantiateKernel, ensureMemory, type KernelInstance } from "./load.ts";

interface FieldExports {
  vecAdd(a: number, b: number, out: number, n: number): void;
  vecMul(a: number, b: number, out: number, n: number): void;
}

let instance: KernelInstance<FieldExports> | undefined;
function kernel(): KernelInstance<FieldExports> {
  instance ??= instantiateKernel<FieldExports>(wasmBase64);
  return instance;
}

// Arrays are laid out one after another from byte 1024 (below it is left to the runtime stub).
const BASE = 1024;

function binary(op: "vecAdd" | "vecMul", a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length !== b.length) throw new Error(`kernels: length mismatch ${a.length} vs ${b.length}`);
  const n = a.length;
  const k = kernel();
  const mem = ensureMemory(k.memory, BASE + 12 * n);
  const pa = BASE, pb = BASE + 4 * n, po = BASE + 8 * n;
  mem.set(a, pa >> 2);
  mem.set(b, pb >> 2);
  k.exports[op](pa, pb, po, n);
  return mem.slice(po >> 2, (po >> 2) + n);
}

/** Element-wise a + b mod p in wasm. Inputs must be canonical (< p). */
export const wasmVecAdd = (a: Uint32Array, b: Uint32Array): Uint32Array => binary("vecAdd", a, b);
/** Element-wise a · b mod p in wasm. Inputs must be canonical (< p). */
export const wasmVecMul = (a: Uint32Array, b: Uint32Array): Uint32Array => binary("vecMul", a, b);
