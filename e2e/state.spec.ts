// The project survives a reload (IndexedDB), a proof can be cancelled at any moment and the
// prover starts again afterwards, and the command palette runs actions.
import { expect, test, type Page } from "@playwright/test";
import { editTensor, openCalibrated, shot } from "./helpers.ts";
import { existsSync, readFileSync } from "node:fs";

/**
 * On the first animation frame in which the prover is in its prove stage (past compile and
 * setup), cancels the proof or crashes the prover worker, in the page: polling from the test
 * would miss a stage this short (some hundred milliseconds).
 */
async function duringProof(page: Page, action: "cancel" | "crash"): Promise<string> {
  const handle = await page.waitForFunction((what) => {
    if (!document.querySelector(".progress-text")?.textContent?.startsWith("prove:")) return false;
    if (what === "cancel") {
      (document.querySelector('[data-testid="cancel-button"]') as HTMLButtonElement).click();
      return "cancelled";
    }
    const hooks = (window as unknown as { zkml: { simulateWorkerCrash(n: string, m: string): boolean } }).zkml;
    return hooks.simulateWorkerCrash("prover", "out of memory") ? "crashed" : "no prover worker";
  }, action, { polling: "raf", timeout: 60_000 });
  return (await handle.jsonValue()) as string;
}

test("a settled plan's keys are set up in the background, and its proof uses them", async ({ page }) => {
  await openCalibrated(page, "digits_cnn");
  await page.getByTestId("drawer-log").click();
  // 1.5 s after the metrics, without anyone asking for a proof.
  await expect(page.getByText(/keys done in [\d.]+ s/)).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 60_000 });
  await expect(page.getByTestId("setup-time")).toContainText("in the background");
  // An edit makes a new plan: its keys are set up again, in the background too.
  await editTensor(page, "/c1/Conv", "c1.weight", "k", 5);
  await expect(page.getByText(/keys done in [\d.]+ s/)).toHaveCount(2, { timeout: 30_000 });
});

test("a background setup can be stopped; the proof then sets its keys up itself", async ({ page }) => {
  await openCalibrated(page, "tiny_gpt");
  await page.getByTestId("drawer-log").click();
  // Clicked on the first frame it shows (the setup takes a few hundred milliseconds).
  await page.waitForFunction(() => {
    const stop = document.querySelector('[data-testid="stop-keys"]') as HTMLButtonElement | null;
    stop?.click();
    return stop !== null;
  }, undefined, { polling: "raf", timeout: 30_000 });
  await expect(page.getByText(/keys cancelled/)).toBeVisible();
  await page.waitForTimeout(2500); // not started again for this plan
  await expect(page.getByText(/keys done in/)).toHaveCount(0);
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 60_000 });
  await expect(page.getByTestId("setup-time")).not.toContainText("in the background");
});

test("reload restores the model, the edited plan, its accuracy and the proof", async ({ page }) => {
  test.setTimeout(120_000);
  await openCalibrated(page, "digits_mlp");
  const agree = page.getByTestId("fig-top1_agreement");
  await editTensor(page, "/fc2/Gemm", "fc2.weight", "k", 3);
  const figure = await agree.textContent();
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 90_000 });
  const proveTime = await page.getByTestId("prove-time").textContent();
  await page.waitForTimeout(800); // the debounced save

  await page.reload();
  await expect(page.locator(".model-name")).toHaveText("digits_mlp.onnx");
  await expect(agree).toHaveText(figure!, { timeout: 30_000 });
  await expect(page.getByTestId("inspector")).toContainText("/fc2/Gemm");
  await page.getByRole("tab", { name: "Quant" }).click();
  await expect(page.getByTestId("quant-fc2.weight").getByTestId("k-number")).toHaveValue("3");
  await expect(page.getByTestId("verdict")).toHaveText(/verified/);
  await expect(page.getByTestId("prove-time")).toHaveText(proveTime!);
  await expect(page.getByTestId("calibrate-panel")).toContainText("test_y.pb");
  await shot(page, "state-restored");
  await expect(page.getByTestId("setup-time")).not.toContainText("stored keys");
  // The keys were kept in the browser's storage: proving again after the reload sets nothing up.
  await expect.poll(() => page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("proving-keys").catch(() => null);
    if (!dir) return 0;
    let whole = 0;
    for await (const [, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemDirectoryHandle]> }).entries()) {
      if (await h.getFileHandle("vk.bin").then(() => true, () => false)) whole++;
    }
    return whole;
  }), { timeout: 30_000 }).toBe(1);
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("setup-time")).toContainText("stored keys", { timeout: 90_000 });
  await expect(page.getByTestId("verdict")).toHaveText(/verified/);
  // The command palette forgets them.
  await page.keyboard.press("Control+k");
  await page.getByTestId("palette-input").fill("forget the proving keys");
  await page.getByTestId("palette-input").press("Enter");
  await page.getByTestId("drawer-log").click();
  await expect(page.locator(".log-info").last()).toContainText("removed 1 stored key set");
  expect(await page.evaluate(() => navigator.storage.getDirectory().then((d) => d.getDirectoryHandle("proving-keys")).then(() => "kept", () => "gone"))).toBe("gone");
});

test("cancel stops a running proof of tiny_gpt, and the prover works again afterwards", async ({ page }) => {
  test.setTimeout(180_000);
  await openCalibrated(page, "tiny_gpt");
  await page.getByRole("radio", { name: "text" }).check();
  await expect(page.getByTestId("predictions")).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("prove-button").click();
  // Cancel once the prover itself is working (past compile and setup), on the first frame that
  // shows it: the proof itself takes only some hundred milliseconds.
  expect(await duringProof(page, "cancel")).toBe("cancelled");
  await expect(page.getByTestId("prove-cancelled")).toBeVisible();
  await shot(page, "state-cancelled");
  await expect(page.getByTestId("prove-button")).toBeEnabled();
  await page.waitForTimeout(1500);
  await expect(page.getByTestId("verdict")).toHaveCount(0);
  await expect(page.getByTestId("step-prove-state")).toHaveText("not run");
  // A fresh worker proves it to the end.
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 150_000 });
  await shot(page, "state-tiny-gpt-proved");
});

test("the command palette finds and runs actions; Esc clears the selection", async ({ page }) => {
  await page.goto("/?demo=digits_cnn");
  await expect(page.locator(".op-node")).toHaveCount(10);
  await page.keyboard.press("Control+k");
  await page.getByTestId("palette-input").fill("theme");
  await shot(page, "state-palette");
  await page.getByTestId("palette-input").press("Enter");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.keyboard.press("/");
  await page.getByTestId("search-input").fill("conv");
  await page.getByTestId("search-input").press("ArrowDown");
  await expect(page.getByTestId("inspector")).toContainText("/c2/Conv");
  await page.getByTestId("search-input").press("Escape");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("inspector")).toHaveCount(0);
  await shot(page, "state-dark");
  // [ collapses the group around the selected node, ] expands the selected group again.
  await page.locator(".react-flow__node", { hasText: "/pool/AveragePool" }).click();
  await page.keyboard.press("[");
  await expect(page.locator(".group-box", { hasText: "pool" })).toBeVisible();
  await expect(page.locator(".op-node", { hasText: "AveragePool" })).toHaveCount(0);
  await expect(page.getByTestId("inspector")).toContainText("group · 2 nodes");
  await page.keyboard.press("]");
  await expect(page.locator(".op-node", { hasText: "AveragePool" })).toBeVisible();
});

test("a project saved to a file opens again elsewhere with its model, data and plan", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await openCalibrated(page, "digits_mlp");
  await editTensor(page, "/fc1/Gemm", "fc1.weight", "k", 2);
  const figure = await page.getByTestId("fig-quant_accuracy").textContent();
  await page.locator(".react-flow__pane").click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Control+s")]);
  expect(download.suggestedFilename()).toBe("digits_mlp.zkml");
  await download.saveAs("test-results/project.zkml");

  const other = await browser.newPage();
  await other.goto("/?demo=none");
  await other.getByTestId("open-project-input").setInputFiles({ name: "project.zkml", mimeType: "application/zip", buffer: readFileSync("test-results/project.zkml") });
  await expect(other.locator(".model-name")).toHaveText("digits_mlp.onnx");
  await expect(other.getByTestId("fig-quant_accuracy")).toHaveText(figure!, { timeout: 30_000 });
  await expect(other.getByTestId("calibrate-panel")).toContainText("test_y.pb");
  await other.close();
});

test("two plans side by side: B is a copy of A with one edit, the compare table shows both", async ({ page }) => {
  test.setTimeout(120_000);
  await openCalibrated(page, "digits_mlp");
  const a = await page.getByTestId("fig-quant_accuracy").textContent();
  await page.getByRole("button", { name: /copy → B/ }).click();
  await page.getByRole("button", { name: /^plan B/ }).click();
  await expect(page.getByTestId("accuracy-B")).toBeVisible();
  await editTensor(page, "/fc2/Gemm", "fc2.weight", "bits", 3, "B");
  const compare = page.getByTestId("compare");
  await expect(compare).toBeVisible();
  const row = compare.locator("tr", { hasText: "accuracy (quantized)" });
  await expect(row.locator("td").nth(0)).toHaveText(a!);
  await expect(row.locator("td").nth(1)).not.toHaveText(a!);
  // Plan A is untouched.
  await page.getByRole("button", { name: /^plan A/ }).click();
  await expect(page.getByTestId("quant-fc2.weight").getByTestId("bits-number")).toHaveValue("8");
  await shot(page, "state-compare");
});

test("the input to prove from a tensor file: a wrong shape is refused with the reason, the right one proves", async ({ page }) => {
  test.setTimeout(120_000);
  const single = "../shared/models/digits_mlp/test_data_set_0/input_0.pb";
  test.skip(!process.env.CI && !existsSync(single), `${single} is not here`);
  await openCalibrated(page, "digits_mlp");
  await page.getByTestId("input-file").setInputFiles("public/models/digits/test_x.pb");
  await expect(page.getByTestId("prove-panel").locator(".field-error")).toContainText("[397,64]");
  await page.getByTestId("input-file").setInputFiles(single);
  await expect(page.getByTestId("predictions")).toContainText("same top-1");
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 90_000 });
});

test("a crashed prover worker is restarted, the error is shown, and nothing is lost", async ({ page }) => {
  test.setTimeout(150_000);
  await openCalibrated(page, "tiny_gpt");
  const figure = await page.getByTestId("fig-top1_agreement").textContent();
  await page.getByTestId("prove-button").click();
  expect(await duringProof(page, "crash")).toBe("crashed");
  await expect(page.getByTestId("prove-error")).toContainText("the prover worker stopped unexpectedly (out of memory); it was restarted and nothing you had is lost");
  await expect(page.getByTestId("step-prove-state")).toHaveText("failed");
  await expect(page.getByTestId("fig-top1_agreement")).toHaveText(figure!);
  await page.getByTestId("drawer-log").click();
  await expect(page.locator(".log-error")).toContainText("prove: the prover worker stopped unexpectedly");
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 120_000 });
  await expect(page.getByTestId("step-prove-state")).toHaveText("done");
});
