import { expect, test } from "@playwright/test";
import { openCalibrated, shot } from "./helpers.ts";

test("tiny_gpt: generate text from a prompt, prove the whole sequence in one proof, verify it", async ({ page }) => {
  test.setTimeout(180_000);
  await openCalibrated(page, "tiny_gpt");
  const card = page.getByTestId("generate-card");
  await card.scrollIntoViewIfNeeded();
  await page.getByTestId("gen-prompt").fill("the Licen");
  await page.getByTestId("gen-count").fill("12");
  await expect(card.getByRole("alert")).toContainText("1 to 7 tokens fit after this prompt");
  await expect(page.getByTestId("gen-button")).toBeDisabled();
  await page.getByTestId("gen-count").fill("5");
  await page.getByTestId("gen-button").click();
  await expect(page.getByTestId("gen-verdict")).toContainText("verified", { timeout: 150_000 });
  await expect(page.getByTestId("gen-text")).toContainText("the Licen");
  const generated = await page.getByTestId("gen-text").locator("b").textContent();
  expect(new TextEncoder().encode(generated ?? "").length).toBe(5);
  await expect(page.getByTestId("gen-result")).toContainText("does not hide the weights or the input");
  // The same live metrics as a single proof: throughput, memory, and the timeline's stage tracks.
  await expect(page.getByTestId("field-ops-rate")).toContainText(/\d M \(/);
  await expect(page.getByTestId("prove-memory")).toContainText("kernels");
  await shot(page, "generation-proved");
});
