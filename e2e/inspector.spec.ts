// Inspector tabs and overlays on the calibrated tiny_gpt: a lookup node's table against its
// float function with the error curve, the quant tab's histogram and range, per-node cost, and
// the graph recoloured by table size with a legend.
import { expect, test } from "@playwright/test";
import { openCalibrated, shot } from "./helpers.ts";

test("tiny_gpt: table, quant and cost tabs, overlays with a legend", async ({ page }) => {
  test.setTimeout(120_000);
  await openCalibrated(page, "tiny_gpt");

  // GELU is exported as Div/Erf/Add/Mul/Mul: the lowering makes it one table, looked up at the Erf.
  await page.keyboard.press("/");
  await page.getByTestId("search-input").fill("Erf");
  await page.getByTestId("search-input").press("Enter");
  await page.getByTestId("search-input").press("Escape");
  await expect(page.getByTestId("inspector")).toContainText("Erf");
  await page.getByRole("tab", { name: "Table" }).click();
  const table = page.getByTestId("table-tab");
  await expect(table).toContainText("rows");
  await expect(table.locator("path.line-float")).toHaveCount(1);
  await expect(table.locator("path.line-table")).toHaveCount(1);
  await expect(table.locator("path.line-err")).toHaveCount(1);
  await expect(table).toContainText(/max [\d.e+-]+ = [\d.]+ output steps/);
  await shot(page, "inspector-table");

  await page.getByRole("tab", { name: "Cost" }).click();
  await expect(page.getByTestId("inspector")).toContainText("Counted with the table lookup at /Div");
  await page.keyboard.press("/");
  await page.getByTestId("search-input").fill("/qkv/MatMul");
  await page.getByTestId("search-input").press("Enter");
  await page.getByTestId("search-input").press("Escape");
  await expect(page.getByTestId("cost-tab")).toContainText("witness elements");
  await expect(page.getByTestId("cost-tab")).toContainText("compiled proof plan");

  await page.keyboard.press("/");
  await page.getByTestId("search-input").fill("/ln1/LayerNormalization");
  await page.getByTestId("search-input").press("Enter");
  await page.getByTestId("search-input").press("Escape");
  await page.getByRole("tab", { name: "Quant" }).click();
  const quant = page.getByTestId("quant-tab");
  await expect(quant).toContainText("SQNR");
  await expect(quant.locator("svg.chart rect.bar:not([height='0'])").first()).toBeVisible();
  await expect(quant.locator(".range-bar").first()).toBeVisible();
  await shot(page, "inspector-quant");

  await page.getByTestId("overlay").selectOption("table");
  await expect(page.getByTestId("legend")).toContainText("lookup-table rows");
  await expect(page.locator(".op-badge").first()).toBeVisible();
  await shot(page, "overlay-table");
  await page.getByTestId("overlay").selectOption("error");
  await expect(page.getByTestId("legend")).toContainText("noise / signal");
  await shot(page, "overlay-error");
});
