// Kernel self-check: the app runs each backend's field multiply against the TypeScript
// reference at start-up, shows the result in the top bar, and exposes the same entry points
// on window.zkml so browser tests exercise exactly the app's code path.
import { vecMul, vecAdd } from "../core/field/koalabear.ts";
import { wasmVecAdd, wasmVecMul } from "../core/kernels/field-vec.ts";
import { gpuDevice, gpuVecMul } from "../core/kernels/gpu.ts";
import { vecMulAuto } from "../core/kernels/backend.ts";
import { runFieldConformance } from "../core/kernels/conformance.ts";
import { gpuDiagnostics } from "../core/kernels/gpu-diagnostics.ts";
import { pageGpuCommitCheck } from "../core/pcs/commit-gpu-check.ts";
import { wasmSha256, wasmSha256Batch } from "../core/kernels/sha256.ts";
import { sha256 } from "../core/hash/index.ts";

export interface KernelStatus {
  wasm: "ok" | "mismatch";
  webgpu: "ok" | "mismatch" | "unavailable";
  note: string;
}

function sample(n: number): [Uint32Array, Uint32Array] {
  const a = new Uint32Array(n), b = new Uint32Array(n);
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s % 2130706433;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; b[i] = s % 2130706433;
  }
  a[0] = 2130706432; b[0] = 2130706432;
  return [a, b];
}

const same = (x: Uint32Array, y: Uint32Array) => x.length === y.length && x.every((v, i) => v === y[i]);

export async function checkKernels(): Promise<KernelStatus> {
  const [a, b] = sample(4096);
  const ref = vecMul(a, b);
  const wasm = same(wasmVecMul(a, b), ref) ? "ok" : "mismatch";
  const gpu = await gpuDevice();
  if (!gpu.ok) return { wasm, webgpu: "unavailable", note: gpu.reason };
  const webgpu = same(await gpuVecMul(gpu.device, a, b), ref) ? "ok" : "mismatch";
  return { wasm, webgpu, note: gpu.adapter };
}

export function exposeDiagnostics(): void {
  (globalThis as unknown as { zkml: unknown }).zkml = {
    reference: { vecMul, vecAdd },
    wasm: { vecMul: wasmVecMul, vecAdd: wasmVecAdd },
    gpu: { device: gpuDevice, vecMul: async (a: Uint32Array, b: Uint32Array) => {
      const g = await gpuDevice();
      if (!g.ok) throw new Error(g.reason);
      return gpuVecMul(g.device, a, b);
    } },
    vecMulAuto,
    checkKernels,
    /** Every field-kernel op, wasm vs the TS reference (e2e/field-kernels.spec.ts). */
    fieldConformance: runFieldConformance,
    /** The WebGPU kernels vs the TS reference, and the backend chooser (e2e/gpu-kernels.spec.ts). */
    gpuKernels: gpuDiagnostics,
    /** commitOnGpu vs commit on this page's device (e2e/gpu-kernels.spec.ts). */
    pcsGpu: { check: pageGpuCommitCheck },
    /** SHA-256: the wasm kernel (one message, a batch with a Merkle prefix) and the app's chosen path (e2e/sha256.spec.ts). */
    sha256: { wasm: wasmSha256, wasmBatch: wasmSha256Batch, app: sha256 },
  };
}
