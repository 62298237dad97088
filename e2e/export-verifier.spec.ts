import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// The exported verifier page opened from disk (file://, no server, no headers, no network): it
// verifies digits_mlp's proof from files the user picks, and rejects the proof after a byte flip.
const SHARED = resolve("../shared/models/digits_mlp");

function zkml(...args: string[]): void {
  const r = spawnSync(process.execPath, ["bin/zkml.js", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`zkml ${args[0]} failed: ${r.stderr}`);
}

test("the exported verifier page verifies picked files from file://", async ({ page }) => {
  if (!existsSync(SHARED)) {
    if (process.env.CI) throw new Error(`missing shared data ${SHARED}`);
    test.skip(true, "needs ../shared/models/digits_mlp");
  }
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "zkml-page-"));
  zkml("export-verifier", "-o", join(dir, "export"));
  zkml("setup", join(SHARED, "model.onnx"), "-o", join(dir, "keys"));
  const input = join(SHARED, "test_data_set_0/input_0.pb");
  zkml("prove", join(SHARED, "model.onnx"), "--keys", join(dir, "keys"), "--input", input, "-o", join(dir, "out"));
  // The page alone, in a directory of its own.
  copyFileSync(join(dir, "export", "verifier.html"), join(dir, "verifier.html"));
  const proof = readFileSync(join(dir, "out", "proof.bin"));
  const bad = Buffer.from(proof);
  bad[Math.floor(bad.length / 2)]! ^= 0x08;
  writeFileSync(join(dir, "bad.bin"), bad);

  const remote: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    remote.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(dir, "verifier.html")).href);
  await expect(page.getByText("integrity proof — weights and input are not hidden").first()).toBeVisible();

  await page.setInputFiles("#vk", join(dir, "keys", "vk.bin"));
  await page.setInputFiles("#input", input);
  await page.setInputFiles("#output", join(dir, "out", "output.json"));
  await page.setInputFiles("#proof", join(dir, "out", "proof.bin"));
  await page.click("#verify");
  await expect(page.locator("#result")).toHaveText(/^accepted: .*integrity proof — weights and input are not hidden/, { timeout: 60_000 });
  await expect(page.locator("#result")).toHaveClass(/accepted/);

  await page.setInputFiles("#proof", join(dir, "bad.bin"));
  await page.click("#verify");
  await expect(page.locator("#result")).toHaveText(/^rejected: /, { timeout: 60_000 });
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
  expect(remote).toEqual([]);
  expect(errors).toEqual([]);
});
