import { expect, test } from "@playwright/test";

// The WebGPU kernels inside Chromium (SwiftShader with --enable-unsafe-webgpu), through the app's
// own code (window.zkml.gpuKernels → src/core/kernels/gpu-diagnostics.ts): every kernel agrees bit
// for bit with the TypeScript reference, as in Node.
type Case = { name: string; ok: boolean; detail?: string; ms?: number };
type Zkml = {
  gpuKernels: {
    conformance(o?: { full?: boolean; only?: string }): Promise<{ adapter: string; software: boolean; cases: Case[] }>;
    choose(prefer?: "webgpu" | "wasm" | "auto"): Promise<{ backend: string; note: string }>;
  };
  pcsGpu: { check(): Promise<{ adapter: string; cases: { name: string; differs: string[] }[] }> };
};

test("every WebGPU kernel agrees with the TypeScript reference in Chromium", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/?demo=none");
  const r = await page.evaluate(() => (globalThis as unknown as { zkml: Zkml }).zkml.gpuKernels.conformance());
  expect(r.adapter).toBeTruthy();
  expect(r.cases.length).toBeGreaterThan(150);
  expect(r.cases.filter((c) => !c.ok)).toEqual([]);
  const names = r.cases.map((c) => c.name);
  for (const want of ["ntt 2^20", "extNtt 2^15", "rsEncode 16×2^12 rate 2^-2", "eqTable n=12", "roundProduct EEE m=40000", "chain eqTable → foldBase → roundProduct"]) {
    expect(names).toContain(want);
  }
  // SwiftShader is a software adapter: "auto" keeps wasm (faster) and says why; "webgpu" forces it.
  expect(r.software).toBe(true);
  const choose = (p?: "webgpu" | "auto") => page.evaluate((q) => (globalThis as unknown as { zkml: Zkml }).zkml.gpuKernels.choose(q), p);
  expect(await choose("webgpu")).toMatchObject({ backend: "webgpu" });
  const auto = await choose();
  expect(auto.backend).toBe("wasm");
  expect(auto.note).toContain("software rasterizer");
});

test("the witness commitment on the GPU (commitOnGpu) is commit's, byte for byte, in Chromium", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/?demo=none");
  const r = await page.evaluate(() => (globalThis as unknown as { zkml: Zkml }).zkml.pcsGpu.check());
  expect(r.adapter).toBeTruthy();
  expect(r.cases.map((c) => c.name)).toEqual(expect.arrayContaining(["2^0×2^6 rate 2^-2", "2^5×2^0 rate 2^-2", "2^4×2^7 rate 2^-1", "2^6×2^10 rate 2^-2"]));
  expect(r.cases.filter((c) => c.differs.length)).toEqual([]);
});

test("without WebGPU the chooser falls back to wasm and says why", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined });
  });
  await page.goto("/?demo=none");
  const c = await page.evaluate(() => (globalThis as unknown as { zkml: Zkml }).zkml.gpuKernels.choose());
  expect(c.backend).toBe("wasm");
  expect(c.note).toContain("falling back to wasm");
  expect(c.note).toContain("navigator.gpu is missing");
});
