// Picks the fastest available backend for a kernel at run time: WebGPU where an adapter exists,
// wasm otherwise, and says which ran and why.
import { gpuDevice, gpuVecMul } from "./gpu.ts";
import { wasmVecMul } from "./field-vec.ts";

export type Backend = "webgpu" | "wasm";

export interface BackendResult<T> {
  value: T;
  backend: Backend;
  /** Why the fallback was taken, when it was. */
  note?: string;
}

export async function vecMulAuto(a: Uint32Array, b: Uint32Array, prefer: Backend = "webgpu"): Promise<BackendResult<Uint32Array>> {
  if (prefer === "webgpu") {
    const gpu = await gpuDevice();
    if (gpu.ok) return { value: await gpuVecMul(gpu.device, a, b), backend: "webgpu", note: gpu.adapter };
    return { value: wasmVecMul(a, b), backend: "wasm", note: `falling back to wasm: ${gpu.reason}` };
  }
  return { value: wasmVecMul(a, b), backend: "wasm" };
}
