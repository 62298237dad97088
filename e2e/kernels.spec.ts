import { expect, test } from "@playwright/test";
import { vecMul, vecAdd, P } from "../src/core/field/koalabear.ts";

function sample(n: number, seed: number): [number[], number[]] {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % P;
  const edge = [0, 1, 2, P - 1, P - 2, (P - 1) / 2, 1 << 24, 65536];
  const a: number[] = [], b: number[] = [];
  for (const x of edge) for (const y of edge) { a.push(x); b.push(y); }
  while (a.length < n) { a.push(next()); b.push(next()); }
  return [a, b];
}

test("the wasm field kernel gives the same bytes in Chromium as the TypeScript reference", async ({ page }) => {
  await page.goto("/?demo=none");
  const [a, b] = sample(70_000, 11);
  const got = await page.evaluate(({ a, b }) => {
    const z = (globalThis as any).zkml;
    const x = Uint32Array.from(a), y = Uint32Array.from(b);
    return { mul: Array.from(z.wasm.vecMul(x, y) as Uint32Array), add: Array.from(z.wasm.vecAdd(x, y) as Uint32Array) };
  }, { a, b });
  expect(got.mul).toEqual(Array.from(vecMul(Uint32Array.from(a), Uint32Array.from(b))));
  expect(got.add).toEqual(Array.from(vecAdd(Uint32Array.from(a), Uint32Array.from(b))));
});

test("the WebGPU field multiply matches the TypeScript reference bit for bit", async ({ page }) => {
  await page.goto("/?demo=none");
  const [a, b] = sample(300_000, 12);
  const got = await page.evaluate(async ({ a, b }) => {
    const z = (globalThis as any).zkml;
    const dev = await z.gpu.device();
    if (!dev.ok) return { adapter: null, reason: dev.reason, mul: [] as number[] };
    const r = await z.gpu.vecMul(Uint32Array.from(a), Uint32Array.from(b));
    return { adapter: dev.adapter as string, reason: "", mul: Array.from(r as Uint32Array) };
  }, { a, b });
  expect(got.adapter, `no WebGPU adapter: ${got.reason}`).not.toBeNull();
  expect(got.mul).toEqual(Array.from(vecMul(Uint32Array.from(a), Uint32Array.from(b))));
  // The app's start-up self-check reports the same.
  await expect(page.getByTestId("kernel-chip")).toHaveText("wasm · WebGPU");
});

test("without a WebGPU adapter the app falls back to wasm and says so", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined });
  });
  await page.goto("/?demo=none");
  await expect(page.getByTestId("kernel-chip")).toHaveText("wasm (no WebGPU)");
  const r = await page.evaluate(async () => {
    const z = (globalThis as any).zkml;
    const res = await z.vecMulAuto(Uint32Array.from([3, 2130706432]), Uint32Array.from([5, 2130706432]));
    return { backend: res.backend, note: res.note, value: Array.from(res.value as Uint32Array) };
  });
  expect(r.backend).toBe("wasm");
  expect(r.note).toContain("falling back to wasm");
  expect(r.value).toEqual([15, 1]);
});
