// A segmentation-style model dropped into the IDE (nearest Resize, skip Concat, ConvTranspose):
// it calibrates on generated inputs and its proof verifies in the browser.
import { expect, test } from "@playwright/test";
import { dropAndCalibrate, shot } from "./helpers.ts";
import { tinyUnet } from "./gen-model.ts";

test("a tiny UNet: dropped, calibrated, proved and verified in the browser", async ({ page }) => {
  test.setTimeout(150_000);
  await dropAndCalibrate(page, "tiny_unet.onnx", tinyUnet());
  await expect(page.getByTestId("fig-cosine_similarity")).toHaveText(/0\.99\d\d|1\.0000/, { timeout: 60_000 });
  // An image-to-image output is compared value by value, not read as classes or bytes.
  await expect(page.getByTestId("pred-cosine")).toHaveText(/^(0\.99\d\d|1\.0000)$/, { timeout: 30_000 });
  await expect(page.getByTestId("predictions")).toContainText("128 output values, float vs quantized");
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 120_000 });
  await expect(page.getByTestId("proved-top1")).toHaveText(/^128 values in \[-?\d/);
  await shot(page, "unet-proved");
});
