import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dropFile, shot } from "./helpers.ts";
import { modelWithOp } from "./gen-model.ts";

test("opens on the digits_cnn demo and draws its real graph", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator(".model-name")).toHaveText("digits_cnn.onnx");
  // digits_cnn has 9 ONNX nodes; the graph IR folds the Pad's Constant: 8 drawn, plus input and output.
  await expect(page.locator(".op-node")).toHaveCount(10);
  for (const op of ["Conv", "Relu", "AveragePool", "Gemm", "Flatten"]) {
    await expect(page.locator(".op-type", { hasText: new RegExp(`^${op}$`) }).first()).toBeVisible();
  }
  await expect(page.locator(".op-name", { hasText: "/c1/Conv" })).toBeVisible();
  await expect(page.getByTestId("model-summary")).toContainText("input float32 [1, 1, 8, 8]");
  // The work of one inference, from its convolutions and its Gemm.
  await expect(page.getByTestId("model-compute")).toHaveText(/^[\d.]+ [kMG] MACs$/);
  // Shapes on edges come from the IR's shape inference (value_info has none for intermediates).
  await expect(page.locator(".react-flow__edge-text", { hasText: "[1,16,4,4]" })).toBeVisible();
  await page.locator(".react-flow__node", { hasText: "/c2/Conv" }).click();
  await expect(page.getByTestId("inspector")).toContainText("kernel_shape");
  await shot(page, "digits-cnn-graph");
});

test("the page is cross-origin isolated, so SharedArrayBuffer works", async ({ page }) => {
  await page.goto("/?demo=none");
  const r = await page.evaluate(() => {
    const sab = new SharedArrayBuffer(8);
    new Int32Array(sab)[0] = 7;
    return { isolated: crossOriginIsolated, value: new Int32Array(sab)[0] };
  });
  expect(r).toEqual({ isolated: true, value: 7 });
});

test("an Open… button opens a model the user picks", async ({ page }) => {
  await page.goto("/?demo=none");
  await expect(page.getByText("Drop an ONNX model here, or open a demo")).toBeVisible();
  await shot(page, "empty-state");
  await page.getByTestId("open-input").setInputFiles("public/models/digits_mlp.onnx");
  await expect(page.locator(".model-name")).toHaveText("digits_mlp.onnx");
  await expect(page.locator(".op-type", { hasText: /^Gemm$/ })).toHaveCount(2);
});

test("dropping a file that is not ONNX shows an error and keeps the open model", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator(".model-name")).toHaveText("digits_cnn.onnx");
  await dropFile(page, "notes.onnx", new TextEncoder().encode("this is not a model, just some text\n".repeat(20)));
  const banner = page.getByTestId("error-banner");
  await expect(banner).toContainText("notes.onnx");
  await expect(banner).toContainText("not a valid ONNX model");
  await expect(banner).toContainText("digits_cnn.onnx is still open");
  await expect(page.locator(".model-name")).toHaveText("digits_cnn.onnx");
  await expect(page.locator(".op-node")).toHaveCount(10);
  await shot(page, "bad-drop-error");
  // A real model dropped afterwards replaces the current one and clears the error.
  await dropFile(page, "tiny_gpt.onnx", new Uint8Array(readFileSync("public/models/tiny_gpt.onnx")));
  await expect(page.locator(".model-name")).toHaveText("tiny_gpt.onnx");
  await expect(banner).toHaveCount(0);
  await expect(page.locator(".op-node").first()).toBeVisible();
  await shot(page, "tiny-gpt-graph");
});

test("a model with an op the tool does not support is still drawn, with that node marked and listed", async ({ page }) => {
  await page.goto("/?demo=none");
  await dropFile(page, "fancy.onnx", modelWithOp("FancyOp"));
  await expect(page.locator(".model-name")).toHaveText("fancy.onnx");
  const bad = page.locator(".op-node.issue-error", { hasText: "FancyOp" });
  await expect(bad).toBeVisible();
  await expect(bad).toHaveAttribute("title", /FancyOp is not supported/);
  await expect(page.locator(".op-node.issue-error")).toHaveCount(1);
  await expect(page.getByTestId("model-summary")).toContainText("1 node cannot be proved");
  await page.getByTestId("model-summary").getByRole("button", { name: /FancyOp/ }).click();
  await expect(page.getByTestId("inspector")).toContainText("FancyOp is not supported");
  await expect(page.getByTestId("step-calibrate")).toContainText("cannot be calibrated");
  await shot(page, "unsupported-op");
});

test("the graph exports as SVG and PNG", async ({ page }) => {
  await page.goto("/?demo=digits_cnn");
  await expect(page.locator(".op-node")).toHaveCount(10);
  const [svg] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Graph SVG" }).click()]);
  expect(svg.suggestedFilename()).toBe("digits_cnn-graph.svg");
  const text = readFileSync(await svg.path(), "utf8");
  expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const op of ["Conv", "AveragePool", "Gemm", "/c2/Conv"]) expect(text).toContain(`>${op}<`);
  const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Graph PNG" }).click()]);
  const bytes = readFileSync(await png.path());
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length).toBeGreaterThan(5000);
});
