// A classifier exported with its argmax (an int64 class index as its output): the IDE reads the
// output as the class itself (not as the scores of one class), and proves and verifies it.
import { expect, test } from "@playwright/test";
import { dropAndCalibrate, shot } from "./helpers.ts";
import { argmaxClassifier } from "./gen-model.ts";

test("an ArgMax classifier: calibrated, its class compared float vs quantized, proved and verified", async ({ page }) => {
  test.setTimeout(120_000);
  await dropAndCalibrate(page, "argmax_classifier.onnx", argmaxClassifier());
  await expect(page.getByTestId("fig-top1_agreement")).toHaveText(/\d/, { timeout: 60_000 });
  const floatClass = page.getByTestId("pred-float-class");
  await expect(floatClass).toHaveText(/^[0-4]$/, { timeout: 30_000 });
  await expect(page.getByTestId("pred-quant-class")).toHaveText(/^[0-4]$/);
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 90_000 });
  await expect(page.getByTestId("proved-top1")).toHaveText(/^class [0-4]$/);
  await shot(page, "argmax-proved");
});
