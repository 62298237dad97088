// The built site on a static host that sends no COOP/COEP headers: the service worker supplies
// them, the page reloads once and is cross-origin isolated (SharedArrayBuffer works).
import { expect, test } from "@playwright/test";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".wasm": "application/wasm",
  ".json": "application/json", ".onnx": "application/octet-stream", ".pb": "application/octet-stream", ".svg": "image/svg+xml",
};

let server: Server;
const PORT = 4181;

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join("dist", path));
    if (!file.startsWith("dist") || !existsSync(file) || statSync(file).isDirectory()) file = "dist/index.html";
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }); // no COOP/COEP
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(PORT, "127.0.0.1", r));
});

test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

test("on a host without COOP/COEP the service worker makes the page cross-origin isolated", async ({ page }) => {
  await page.goto(`http://127.0.0.1:${PORT}/?demo=digits_mlp`);
  // The service worker reloads the page once: an evaluate that races the navigation counts as "not yet".
  await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 20_000 }).toBe(true);
  await page.waitForLoadState("load");
  expect(await page.evaluate(() => new Int32Array(new SharedArrayBuffer(8)).length)).toBe(2);
  await expect(page.locator(".model-name")).toHaveText("digits_mlp.onnx");
});
