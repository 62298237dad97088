// WCAG AA: every text in the panels, top bar and inspector has a contrast ratio of at least
// 4.5:1 against what is behind it, in the light and the dark theme; focus is visible.
import { expect, test, type Page } from "@playwright/test";
import { editTensor, openCalibrated, shot } from "./helpers.ts";

async function lowContrast(page: Page): Promise<{ bad: string[]; checked: number }> {
  return page.evaluate(() => {
    const parse = (c: string) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1]!.split(",").map((x) => Number.parseFloat(x));
      return { r: r!, g: g!, b: b!, a };
    };
    const lum = (c: { r: number; g: number; b: number }) => {
      const f = (v: number) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const background = (el: Element | null): { r: number; g: number; b: number } => {
      while (el) {
        const c = parse(getComputedStyle(el).backgroundColor);
        if (c && c.a > 0.9) return c;
        el = el.parentElement;
      }
      return { r: 255, g: 255, b: 255 };
    };
    const bad: string[] = [];
    let checked = 0;
    const roots = document.querySelectorAll(".topbar, .steps, .inspector, .drawer, .legend, .search-box");
    for (const root of roots) {
      for (const el of root.querySelectorAll<HTMLElement>("*")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim().length > 0);
        if (!own || el.offsetParent === null) continue;
        const st = getComputedStyle(el);
        if (st.visibility === "hidden" || Number(st.opacity) < 0.99 || (el as HTMLButtonElement).disabled) continue;
        const fg = parse(st.color);
        if (!fg) continue;
        const bg = background(el);
        const l1 = lum(fg), l2 = lum(bg);
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        checked++;
        if (ratio < 4.5) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent!.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
      }
    }
    return { bad, checked };
  });
}

test("text contrast passes WCAG AA in both themes; keyboard focus is visible", async ({ page }) => {
  test.setTimeout(90_000);
  await openCalibrated(page, "digits_mlp");
  // Everything on screen at once: an edit (previous figures), a proof, the timeline, an overlay.
  await editTensor(page, "/fc1/Gemm", "fc1.weight", "k", 4);
  await page.getByTestId("prove-button").click();
  await expect(page.getByTestId("verdict")).toHaveText(/verified/, { timeout: 90_000 });
  await page.getByTestId("overlay").selectOption("cost");
  await page.getByTestId("drawer-timeline").click();
  await expect(page.getByTestId("timeline")).toBeVisible();
  const light = await lowContrast(page);
  expect(light.checked).toBeGreaterThan(60);
  expect(light.bad).toEqual([]);
  await page.keyboard.press("Control+k");
  await page.getByTestId("palette-input").fill("theme");
  await page.getByTestId("palette-input").press("Enter");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await shot(page, "a11y-dark-proved");
  const dark = await lowContrast(page);
  expect(dark.checked).toBeGreaterThan(60);
  expect(dark.bad).toEqual([]);
  // A node is reachable from the keyboard: focused, Enter selects it for the inspector.
  await page.locator(".react-flow__node", { hasText: "/fc2/Gemm" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("inspector")).toContainText("/fc2/Gemm");
  // Tab reaches the controls, and the focused one shows an outline.
  await page.getByTestId("calibrate-button").focus();
  await page.keyboard.press("Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe("none");
});
