import type { Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const SHOTS = "e2e/screenshots";

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** Drops a file on the page the way a user's drag from the desktop does. */
export async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ({ name, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name));
      for (const type of ["dragenter", "dragover", "drop"]) {
        window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { name, data: Array.from(bytes) },
  );
}

/** Opens a demo and calibrates plan A with what the demo brings (its data, or generated inputs). */
export async function openCalibrated(page: Page, demo: string): Promise<void> {
  const { expect } = await import("@playwright/test");
  await page.goto(`/?demo=${demo}`);
  await expect(page.locator(".model-name")).toHaveText(`${demo}.onnx`);
  await page.getByTestId("calibrate-button").click();
  await expect(page.getByTestId("fig-top1_agreement")).toHaveText(/\d+\.\d %/, { timeout: 60_000 });
}

/** Drops a model file on an empty IDE, waits until it is open, and starts calibrating plan A. */
export async function dropAndCalibrate(page: Page, name: string, bytes: Uint8Array, openTimeout?: number): Promise<void> {
  const { expect } = await import("@playwright/test");
  await page.goto("/?demo=none");
  await dropFile(page, name, bytes);
  await expect(page.locator(".model-name")).toHaveText(name, { timeout: openTimeout });
  await page.getByTestId("calibrate-button").click();
}

/**
 * Sets a tensor's k or bits in the Quant tab of `node` (as a user types it) and waits for the
 * accuracy card of `plan` to show the figures from before the edit beside the new ones.
 */
export async function editTensor(page: Page, node: string, tensor: string, field: "k" | "bits", value: number, plan = "A"): Promise<void> {
  const { expect } = await import("@playwright/test");
  await page.locator(".react-flow__node", { hasText: node }).click();
  await page.getByRole("tab", { name: "Quant" }).click();
  const input = page.getByTestId(`quant-${tensor}`).getByTestId(`${field}-number`);
  await input.fill(String(value));
  await input.press("Enter");
  await expect(page.getByTestId(`accuracy-${plan}`).locator(".prev").first()).toBeVisible({ timeout: 30_000 });
}
