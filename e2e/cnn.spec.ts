// digits_cnn with its image data: calibration keeps the float accuracy, a digit drawn on the
// 8×8 canvas gets float and quantized predictions side by side, and the proof either verifies
// or — while conv-net pooling is not provable — the nodes that block it are marked with why.
import { expect, test } from "@playwright/test";
import { openCalibrated, shot } from "./helpers.ts";

test("digits_cnn: calibrated on its data, a drawn digit, prove (or the blocking nodes marked)", async ({ page }) => {
  test.setTimeout(150_000);
  await openCalibrated(page, "digits_cnn");
  // 96.7 % in float (meta.json); the 8-bit plan stays within two points.
  await expect(page.getByTestId("fig-float_accuracy")).toHaveText("96.7 %");
  expect(Number.parseFloat((await page.getByTestId("fig-quant_accuracy").textContent())!)).toBeGreaterThan(94.5);

  await page.getByRole("radio", { name: "draw" }).check();
  const canvas = page.getByTestId("digit-canvas");
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  // A "1": one vertical stroke down the middle.
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.1);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * (0.1 + 0.08 * i));
  await page.mouse.up();
  const inked = await canvas.locator("span").evaluateAll((els) => els.filter((e) => Number((e as HTMLElement).style.opacity) > 0.5).length);
  expect(inked).toBeGreaterThanOrEqual(8);
  await expect(page.getByTestId("predictions")).toBeVisible({ timeout: 30_000 });
  // The stroke reads as a 1, in float and quantized.
  await expect(page.getByTestId("predictions").locator(".top").first()).toContainText("1");
  await expect(page.getByTestId("predictions")).toContainText("same top-1");
  await shot(page, "cnn-drawn");

  await page.getByTestId("prove-button").click();
  const outcome = page.getByTestId("verdict").or(page.getByTestId("prove-error"));
  await expect(outcome).toBeVisible({ timeout: 120_000 });
  if (await page.getByTestId("prove-error").isVisible()) {
    await expect(page.getByTestId("prove-error")).toContainText("cannot be proved");
    await expect(page.locator(".op-node.issue-error", { hasText: "AveragePool" })).toBeVisible();
  } else {
    await expect(page.getByTestId("verdict")).toHaveText(/verified/);
    // The metrics: the proof's field operations per second, and memory — the kernels' wasm
    // memory at once, the browser's measurement of the prover's workers after the proof (it
    // lands at the browser's next GC: seconds).
    await expect(page.getByTestId("field-ops-rate")).toHaveText(/^\d+\.\d M \(\d+\.\d\d M ops\)$/);
    await expect(page.getByTestId("prove-memory")).toContainText(/kernels [\d.]+ MiB wasm/);
    await expect(page.getByTestId("prove-memory")).toContainText(/^[\d.]+ MiB held after the proof/, { timeout: 60_000 });
    console.log(`prove metrics: field ops/s ${await page.getByTestId("field-ops-rate").textContent()}; memory ${await page.getByTestId("prove-memory").textContent()}`);
  }
  await shot(page, "cnn-prove");
});
