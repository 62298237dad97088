// The ONNX zoo's large networks in the IDE (ZKML_FULL only: minutes each): dropped, calibrated on
// generated inputs, compiled, set up, proved and verified in the browser's workers within wasm32's
// 4 GiB (ResNet-50: a 2^27-entry witness committed streamed; AlexNet: 2^27 weights).
import { expect, test } from "@playwright/test";
import { existsSync, readFileSync } from "node:fs";
import { dropAndCalibrate, shot } from "./helpers.ts";

const LIGHT = "../shared/onnx-backend-tests/light";

for (const name of ["light_bvlc_alexnet", "light_resnet50"]) {
  test(`${name}: dropped, calibrated, proved and verified in the browser`, async ({ page }) => {
    test.skip(!process.env.ZKML_FULL, "ZKML_FULL only (npm run test:full)");
    const path = `${LIGHT}/${name}.onnx`;
    if (!existsSync(path)) {
      if (process.env.CI) throw new Error(`${path} is missing: the shared data must sit beside the repository`);
      test.skip(true, "the shared data is not here");
    }
    test.setTimeout(900_000);
    await dropAndCalibrate(page, `${name}.onnx`, new Uint8Array(readFileSync(path)), 120_000);
    await expect(page.getByTestId("fig-cosine_similarity")).toHaveText(/\d\.\d{4}/, { timeout: 400_000 });
    await page.getByTestId("prove-button").click();
    await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 400_000 });
    await shot(page, `zoo-${name}`);
  });
}
