// What the app exposes on window.zkml.gpuKernels, so Playwright runs exactly the app's GPU code:
// the conformance run on the page's device and the backend chooser's verdict.
import { chooseKernels, type Backend } from "./backend.ts";
import { runGpuConformance, type GpuCase, type GpuConformanceOptions } from "./gpu-conformance.ts";
import { gpuDevice } from "./gpu.ts";
import { gpuKernelsFor } from "./gpu-kernels.ts";

export const gpuDiagnostics = {
  async conformance(opts?: GpuConformanceOptions): Promise<{ adapter: string; software: boolean; cases: GpuCase[] }> {
    const g = await gpuDevice();
    if (!g.ok) throw new Error(`kernels/gpu: no WebGPU here: ${g.reason}`);
    return { adapter: g.adapter, software: g.software, cases: await runGpuConformance(gpuKernelsFor(g.device), opts) };
  },
  async choose(prefer?: Backend | "auto"): Promise<{ backend: Backend; note: string }> {
    const c = await chooseKernels(prefer);
    return { backend: c.backend, note: c.note };
  },
};
