// The plan editor: the QuantPlan in Monaco with its JSON Schema. Selecting a node moves the
// cursor to its tensor; a valid edit in the editor becomes the plan (the accuracy changes and
// Ctrl+Z in the panels undoes it); an invalid one is refused with the reason.
import { expect, test } from "@playwright/test";
import { openCalibrated, shot } from "./helpers.ts";

test("digits_mlp: the plan in Monaco, edited there, is the plan the panels show", async ({ page, context }) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openCalibrated(page, "digits_mlp");
  const before = await page.getByTestId("fig-quant_accuracy").textContent();
  await page.getByTestId("drawer-plan").click();
  const editor = page.getByTestId("plan-editor");
  await expect(editor.locator(".view-line").first()).toBeVisible({ timeout: 30_000 });
  await expect(editor).toContainText('"version": 1');

  // A node selected on the canvas brings its tensor into the editor's view.
  await page.locator(".react-flow__node", { hasText: "/fc2/Gemm" }).click();
  await expect(editor.locator(".view-line", { hasText: '"fc2.weight": {' })).toBeVisible();
  await shot(page, "plan-editor");

  // Edit the text: fc1.weight's k from its calibrated value to 1.
  await editor.click({ position: { x: 400, y: 120 } });
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+c");
  const text = await page.evaluate(() => navigator.clipboard.readText());
  const plan = JSON.parse(text);
  plan.tensors["fc1.weight"].k = 1;
  plan.tensors["fc1.weight"].scale = 0.5;
  // Pasted, as a user would bring an edited plan (typing would trip the editor's auto-closing).
  await page.evaluate((t) => navigator.clipboard.writeText(t), JSON.stringify(plan, null, 1) + "\n");
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("plan-status")).toHaveText("applied", { timeout: 30_000 });
  await expect(page.getByTestId("accuracy-A")).toContainText(`was ${before}`, { timeout: 30_000 });
  await page.locator(".react-flow__node", { hasText: "/fc1/Gemm" }).click();
  await page.getByRole("tab", { name: "Quant" }).click();
  await expect(page.getByTestId("quant-fc1.weight").getByTestId("k-number")).toHaveValue("1");

  // Broken JSON is refused with the parser's reason, and the plan stays.
  await editor.click({ position: { x: 400, y: 120 } });
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("}");
  await expect(page.getByTestId("plan-status")).toContainText("not applied", { timeout: 10_000 });
  await expect(page.getByTestId("quant-fc1.weight").getByTestId("k-number")).toHaveValue("1");
});
