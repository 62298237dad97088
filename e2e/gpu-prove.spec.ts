// Issue 10 (GPU part): the IDE's prover commits the witness on WebGPU. Headless Chromium's adapter
// is SwiftShader (software), which "auto" skips as slower than wasm, so ?gpu=force asks for it: the
// proof of digits_cnn verifies and the commit stage says it ran on webgpu. Without the flag the
// same adapter is passed over, and the stage says wasm.
import { expect, test, type Page } from "@playwright/test";
import { shot } from "./helpers.ts";

async function proveDigitsCnn(page: Page, query: string): Promise<void> {
  await page.goto(`/?demo=digits_cnn${query}`);
  await expect(page.locator(".model-name")).toHaveText("digits_cnn.onnx");
  await page.getByTestId("calibrate-button").click();
  await expect(page.getByTestId("fig-top1_agreement")).toHaveText(/\d+\.\d %/, { timeout: 30_000 });
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 40_000 });
}

const CPU = /^wasm( × \d+ threads)?$/;

test("digits_cnn proved in the IDE with the GPU forced: the commit ran on webgpu, the proof verifies", async ({ page }) => {
  test.setTimeout(45_000);
  await proveDigitsCnn(page, "&gpu=force");
  await expect(page.getByTestId("stage-backend-commit")).toHaveText("webgpu");
  // The other stages stay on the CPU kernels (one thread, or the pool: "wasm × N threads"; on a
  // pool the layers run on the proving thread beside the lookups' batches: "wasm").
  for (const stage of ["witness", "lookups", "layers", "openings"]) await expect(page.getByTestId(`stage-backend-${stage}`)).toHaveText(CPU);
  await expect(page.getByTestId("stage-backends")).toHaveAttribute("title", /WebGPU on .*software adapter, requested/);
  await page.getByTestId("stage-backends").scrollIntoViewIfNeeded();
  await shot(page, "gpu-prove-forced");
  // The exported verifier's check again, and a tampered copy is rejected.
  await page.getByRole("button", { name: "Verify a tampered copy" }).click();
  await expect(page.getByTestId("reverify")).toContainText("tampered copy rejected");
});

test("without the flag the software adapter is passed over: the commit stage says wasm, and why", async ({ page }) => {
  test.setTimeout(45_000);
  await proveDigitsCnn(page, "");
  await expect(page.getByTestId("stage-backend-commit")).toHaveText(CPU);
  await expect(page.getByTestId("stage-backends")).toHaveAttribute("title", /software rasterizer, slower than wasm/);
});
