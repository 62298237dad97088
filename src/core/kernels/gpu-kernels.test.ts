// The WebGPU kernels in Node (Dawn through the optional `webgpu` package), bit for bit against
// the TS reference: the same conformance run the browser test does. WebGPU is hardware, not
// shared data: without an adapter these tests are skipped and say why.
import { describe, expect, it } from "vitest";
import { P } from "../field/koalabear.ts";
import { chooseKernels } from "./backend.ts";
import { runGpuConformance, fieldWords } from "./gpu-conformance.ts";
import { gpuKernelsFor } from "./gpu-kernels.ts";
import { nodeGpuDevice } from "./gpu-node.ts";

const gpu = await nodeGpuDevice();
const full = !!process.env.ZKML_FULL;

describe.skipIf(!gpu.ok)(`WebGPU kernels in Node${gpu.ok ? ` (${gpu.adapter})` : ` — skipped: ${gpu.ok ? "" : gpu.reason}`}`, () => {
  const K = () => gpuKernelsFor((gpu as { device: GPUDevice }).device);

  it("every kernel agrees with the TypeScript reference (NTT to 2^20, RS, eq, fold, rounds) and rejects bad calls", async () => {
    const cases = await runGpuConformance(K(), { full });
    expect(cases.length).toBeGreaterThan(150);
    expect(cases.filter((c) => !c.ok)).toEqual([]);
  }, full ? 1_200_000 : 120_000);

  it("the chooser: WebGPU when asked, wasm when asked, and on \"auto\" WebGPU only on a hardware adapter", async () => {
    const g = gpu as { adapter: string; software: boolean };
    const forced = await chooseKernels("webgpu");
    expect(forced.backend).toBe("webgpu");
    expect(forced.note).toContain("WebGPU on");
    expect((await chooseKernels("wasm")).backend).toBe("wasm");
    const auto = await chooseKernels();
    expect(auto.backend).toBe(g.software ? "wasm" : "webgpu");
    if (g.software) expect(auto.note).toMatch(/software rasterizer, slower than wasm/);
    // Mesa's llvmpipe (this machine's only adapter) is recognised as software.
    if (/llvmpipe/.test(g.adapter)) expect(g.software).toBe(true);
  });

  it("a validation error inside a submitted kernel surfaces as a typed error at the next read", async () => {
    const k = K();
    const a = k.upload(fieldWords(64, 1));
    // Destroy the GPUBuffer behind the kernels' back: the submission is invalid, and says so.
    a.buffer.destroy();
    await k.ntt(a, 6);
    const b = k.upload(Uint32Array.of(1, 2, P - 1));
    await expect(k.read(b)).rejects.toThrow(/kernels\/gpu: the device rejected a kernel/);
    expect(Array.from(await k.read(b))).toEqual([1, 2, P - 1]);
    k.free(b);
  });
});
