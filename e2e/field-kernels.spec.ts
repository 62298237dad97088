import { expect, test } from "@playwright/test";

// The field kernels' conformance run (src/core/kernels/conformance.ts): every op of the wasm
// backend — vectors, extension arithmetic, NTT, RS encoding, eq tables, folding, sumcheck
// rounds — agrees bit for bit with the TypeScript reference inside Chromium, as it does in Node.
test("every wasm field kernel agrees with the TypeScript reference in Chromium", async ({ page }) => {
  await page.goto("/?demo=none");
  const cases = await page.evaluate(() => {
    const z = (globalThis as unknown as { zkml: { fieldConformance(): { name: string; ok: boolean; detail?: string }[] } }).zkml;
    return z.fieldConformance();
  });
  expect(cases.length).toBeGreaterThan(100);
  expect(cases.filter((c) => !c.ok)).toEqual([]);
});
