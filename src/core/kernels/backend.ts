// Picks the backend for the bulk kernels at run time: WebGPU where an adapter exists (the
// browser's navigator.gpu, or in Node the optional `webgpu` package), the wasm kernels otherwise,
// and says which ran and why. Both give the same bits (gpu-conformance.ts checks it).
import { gpuDevice, gpuVecMul, type GpuStatus } from "./gpu.ts";
import { gpuKernelsFor, type GpuKernels } from "./gpu-kernels.ts";
import { wasmVecMul } from "./field-vec.ts";
import { wasmBackend } from "./index.ts";
import type { FieldBackend } from "./types.ts";

export type Backend = "webgpu" | "wasm";

export interface BackendResult<T> {
  value: T;
  backend: Backend;
  /** Why the fallback was taken, when it was. */
  note?: string;
}

export type KernelChoice =
  | { backend: "webgpu"; gpu: GpuKernels; note: string }
  | { backend: "wasm"; wasm: FieldBackend; note: string };

const inNode = (): boolean => typeof process !== "undefined" && !!process.versions?.node;

/** The GPU device where there is one (browser or Node), or why there is none. */
export async function gpuAvailable(): Promise<GpuStatus> {
  const browser = await gpuDevice();
  if (browser.ok || !inNode()) return browser;
  const { nodeGpuDevice } = await import("./gpu-node.ts");
  return nodeGpuDevice();
}

/**
 * The kernels to run bulk work on, with the reason for the choice (shown in the metrics).
 * "auto" takes WebGPU only on a hardware adapter: on a software one (SwiftShader, llvmpipe) every
 * kernel measures slower than wasm (bench/gpu.ts). "webgpu" takes any adapter.
 */
export async function chooseKernels(prefer: Backend | "auto" = "auto"): Promise<KernelChoice> {
  if (prefer === "wasm") return { backend: "wasm", wasm: wasmBackend(), note: "wasm requested" };
  const gpu = await gpuAvailable();
  if (!gpu.ok) return { backend: "wasm", wasm: wasmBackend(), note: `falling back to wasm: ${gpu.reason}` };
  if (gpu.software && prefer === "auto") {
    return { backend: "wasm", wasm: wasmBackend(), note: `wasm: the WebGPU adapter (${gpu.adapter}) is a software rasterizer, slower than wasm` };
  }
  return { backend: "webgpu", gpu: gpuKernelsFor(gpu.device), note: `WebGPU on ${gpu.adapter}${gpu.software ? " (software adapter, requested)" : ""}` };
}

export async function vecMulAuto(a: Uint32Array, b: Uint32Array, prefer: Backend = "webgpu"): Promise<BackendResult<Uint32Array>> {
  if (prefer === "webgpu") {
    const gpu = await gpuDevice();
    if (gpu.ok) return { value: await gpuVecMul(gpu.device, a, b), backend: "webgpu", note: gpu.adapter };
    return { value: wasmVecMul(a, b), backend: "wasm", note: `falling back to wasm: ${gpu.reason}` };
  }
  return { value: wasmVecMul(a, b), backend: "wasm" };
}
