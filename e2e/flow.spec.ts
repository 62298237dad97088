import { expect, test, type Page } from "@playwright/test";
import { shot } from "./helpers.ts";

async function calibrated(page: Page, demo: string) {
  await page.goto(`/?demo=${demo}`);
  await expect(page.locator(".model-name")).toHaveText(`${demo}.onnx`);
  await expect(page.getByTestId("data-calibration").locator("..")).toContainText(/calibration_x/);
  await page.getByTestId("calibrate-button").click();
  await expect(page.getByTestId("fig-top1_agreement")).toHaveText(/\d+\.\d %/, { timeout: 60_000 });
}

test("digits_mlp: calibrate, edit a scale, prove, verify", async ({ page }) => {
  page.on("console", (m) => { if (m.type() === "error") console.log("console:", m.text()); });
  await calibrated(page, "digits_mlp");
  await shot(page, "mlp-calibrated");
  await page.locator(".react-flow__node", { hasText: "/fc1/Gemm" }).click();
  await page.getByRole("tab", { name: "Quant" }).click();
  await shot(page, "mlp-quant-tab");
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 90_000 });
  await shot(page, "mlp-proved");
});
