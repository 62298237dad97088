// The headline model in the IDE: vgg16_cifar10 (14.7 M weights) opened, calibrated on generated
// inputs (on a worker per core), set up in the background once the calibration settles (the
// weights committed, their ranges proven), proved on the prover's thread pool, and the proof
// verified — all in the browser.
import { expect, test } from "@playwright/test";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { editTensor, shot } from "./helpers.ts";

const MODEL = resolve("../shared/models/vgg16_cifar10/model.onnx");

test("vgg16_cifar10: open, calibrate, set up and prove in the browser, verified", async ({ page }) => {
  if (!existsSync(MODEL)) {
    if (process.env.CI) throw new Error(`missing shared data ${MODEL}`);
    test.skip(true, "needs ../shared/models/vgg16_cifar10");
  }
  test.setTimeout(300_000);
  await page.goto("/");
  await page.getByTestId("open-input").setInputFiles(MODEL);
  await expect(page.locator(".model-name")).toHaveText("model.onnx", { timeout: 60_000 });
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.getByTestId("calibrate-button").click();
  // A large model's calibration and accuracy chunks are shared by one worker per core.
  if (cores >= 2) {
    await expect(page.getByText(/^sample \d+ of 64 on [2-4] threads/)).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText(/^accuracy: sample \d+ of 64 on [2-4] threads/)).toBeVisible({ timeout: 60_000 });
  }
  await expect(page.getByTestId("fig-top1_agreement")).toHaveText(/\d+\.\d %/, { timeout: 120_000 });
  // Its keys (seconds of setup) start in the background once the figures settle. An edit makes
  // them stale: that setup stops (it would only slow the new figures) and the new plan's starts.
  await expect(page.getByTestId("keys-background")).toBeVisible({ timeout: 30_000 });
  await editTensor(page, "/features/features.2/Relu", "/features/features.2/Relu_output_0", "k", 5);
  await page.getByTestId("drawer-log").click();
  await expect(page.getByText("keys cancelled")).toBeVisible();
  await expect(page.getByTestId("keys-background")).toBeVisible({ timeout: 60_000 });
  // The proof waits for them, and the timeline says so until its first bar.
  await page.getByTestId("prove-button").click();
  await page.getByTestId("drawer-timeline").click();
  await expect(page.getByTestId("timeline-waiting")).toContainText("keys being set up in the background");
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 240_000 });
  await expect(page.getByTestId("setup-time")).toContainText("in the background");
  // Every prover stage ran on the pool's threads, each with a track on the timeline.
  await expect(page.getByTestId("stage-backends")).toContainText("wasm × ");
  await expect(page.getByText("thread 1", { exact: true })).toBeVisible();
  // The wait for the background setup is a setup bar, not a stretch of the last stage (verify).
  await expect(page.getByRole("img", { name: "setup track" })).toBeVisible();
  await shot(page, "vgg16-proved");
});
