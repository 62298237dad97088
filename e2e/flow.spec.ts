// The whole flow of issue 9 on a model the user drops (digits_cnn, then digits_mlp): data files picked, calibration, a scale
// edited with the accuracy figure changing (and undone), a proof made and verified in the app,
// the bundle downloaded and checked by its own standalone verifier in Node — accepted, then
// rejected after one flipped byte — and the bundle dropped back in and verified.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { unzipSync } from "fflate";
import { dropFile, shot } from "./helpers.ts";

const CASES = [
  { model: "digits_cnn", data: "_img", ops: 10, node: "/c1/Conv", weight: "c1.weight" },
  { model: "digits_mlp", data: "", ops: 5, node: "/fc1/Gemm", weight: "fc1.weight" },
];

async function pickData(page: Page, suffix = "") {
  await page.getByRole("radio", { name: "files" }).check();
  await page.getByTestId("data-calibration").setInputFiles(`public/models/digits/calibration_x${suffix}.pb`);
  await page.getByTestId("data-evaluation").setInputFiles(`public/models/digits/test_x${suffix}.pb`);
  await page.getByTestId("data-labels").setInputFiles("public/models/digits/test_y.pb");
}

function runVerifier(dir: string) {
  const r = spawnSync(process.execPath, [join(dir, "verifier/verify.mjs"), "--vk", join(dir, "vk.bin"), "--input", join(dir, "input.pb"), "--output", join(dir, "output.json"), "--proof", join(dir, "proof.bin")], { encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

for (const { model: MODEL, data, ops, node, weight } of CASES) test(`${MODEL}: drop, calibrate, edit a scale, prove, verify, export, verify the bundle in Node`, async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/?demo=none");
  await dropFile(page, `${MODEL}.onnx`, new Uint8Array(readFileSync(`public/models/${MODEL}.onnx`)));
  await expect(page.locator(".model-name")).toHaveText(`${MODEL}.onnx`);
  await expect(page.locator(".op-node")).toHaveCount(ops);

  await pickData(page, data);
  await expect(page.getByTestId("calibrate-panel")).toContainText("test_y.pb");
  await page.getByTestId("calibrate-button").click();
  const quantAcc = page.getByTestId("fig-quant_accuracy");
  await expect(quantAcc).toHaveText(/^\d+\.\d %$/, { timeout: 60_000 });
  const before = await quantAcc.textContent();
  // The digits models keep their float accuracy (95.7 %, 96.7 %) at 8 bits.
  expect(Number.parseFloat(before!)).toBeGreaterThan(94);
  await expect(page.locator(".react-flow__edge-text", { hasText: "· i8" }).first()).toBeVisible();
  await shot(page, `flow-${MODEL}-calibrated`);

  // A much coarser weight scale for the first layer: the accuracy figure changes, the old one is shown beside it.
  await page.locator(".react-flow__node", { hasText: node }).click();
  await page.getByRole("tab", { name: "Quant" }).click();
  const k = page.getByTestId(`quant-${weight}`).getByTestId("k-number");
  expect(Number(await k.inputValue())).toBeGreaterThan(3);
  await k.fill("1");
  await k.press("Enter");
  await expect(page.getByTestId("accuracy-A").locator(".prev").first()).toBeVisible({ timeout: 30_000 });
  const after = await quantAcc.textContent();
  expect(after).not.toBe(before);
  await expect(page.getByTestId("accuracy-A")).toContainText(`was ${before}`);
  await shot(page, `flow-${MODEL}-scale-edited`);
  // Undo (Ctrl+Z) restores the calibrated scale and its accuracy.
  await page.locator(".react-flow__pane").click();
  await page.keyboard.press("Control+z");
  await expect(quantAcc).toHaveText(before!, { timeout: 30_000 });

  // Float and quantized predictions side by side, then the proof.
  await expect(page.getByTestId("predictions")).toContainText("same top-1");
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 120_000 });
  await expect(page.getByTestId("meaning")).toHaveText("This proof shows that the committed model produced this output on this input. It does not hide the weights or the input.");
  await expect(page.getByTestId("commitment")).toContainText(/[0-9a-f]{64}/);
  // The page is cross-origin isolated: the prover worker proves on a pool of threads, one track each.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (cores >= 2) await expect(page.getByTestId("threads")).toHaveText(`${Math.min(8, cores)} threads`);
  await page.getByTestId("drawer-timeline").click();
  await expect(page.getByTestId("timeline")).toContainText("layers");
  // A track per pool thread, each with the kernel calls it ran (the proof waits for the pool to start).
  await expect(page.getByTestId("timeline")).toContainText(/thread 0.*kernel calls \(/);
  if (/wasm × [2-9] threads/.test(await page.getByTestId("timeline").textContent() ?? "")) {
    await expect(page.getByTestId("timeline")).toContainText(/thread 1.*kernel calls \(/);
  }
  await shot(page, `flow-${MODEL}-proved`);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-bundle").click()]);
  const zipPath = `test-results/flow-${MODEL}-bundle.zip`;
  await download.saveAs(zipPath);
  const files = unzipSync(new Uint8Array(readFileSync(zipPath)));
  for (const f of ["vk.bin", "proof.bin", "input.pb", "output.json", "README.md", "verifier/verify.mjs", "verifier/zkml-verifier.mjs", "verifier/verifier.html"]) expect(Object.keys(files)).toContain(f);
  const dir = `test-results/flow-${MODEL}-bundle`;
  rmSync(dir, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const ok = runVerifier(dir);
  expect(ok.out).toMatch(/^accepted/);
  expect(ok.code).toBe(0);
  const proof = new Uint8Array(readFileSync(join(dir, "proof.bin")));
  proof[proof.length >> 1]! ^= 0x01;
  writeFileSync(join(dir, "proof.bin"), proof);
  const bad = runVerifier(dir);
  expect(bad.out).toMatch(/^rejected/);
  expect(bad.code).toBe(1);

  // A received bundle dropped in is verified by the same code.
  await dropFile(page, "received.zip", new Uint8Array(readFileSync(zipPath)));
  await expect(page.getByTestId("received")).toContainText("accepted");
  await expect(page.locator(".model-name")).toHaveText(`${MODEL}.onnx`);
});
