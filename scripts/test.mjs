// The README's test command: type-check, unit + CLI tests (Vitest), build the app, browser
// tests (Playwright in Debian's Chromium). Ends with one line "N passed, N failed" that adds
// up every suite, and exits non-zero if anything failed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, mkdirSync } from "node:fs";

const results = { passed: 0, failed: 0, skipped: 0 };
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
const readJson = (p) => (existsSync(p) ? JSON.parse(readFileSync(p, "utf8")) : null);
const step = (name) => console.log(`\n=== ${name} ===`);

function ensureChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  if (candidates.some((p) => existsSync(p))) return true;
  if (process.getuid?.() === 0) {
    step("installing Debian's chromium (browser tests need it)");
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "chromium"], { DEBIAN_FRONTEND: "noninteractive" });
    if (existsSync("/usr/bin/chromium")) return true;
  }
  console.error("Browser tests need Chromium: run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH) and try again.");
  return false;
}

rmSync("test-results", { recursive: true, force: true });
mkdirSync("test-results", { recursive: true });

step("type-check");
if (run("npx", ["tsc", "--noEmit", "-p", "."]) === 0) results.passed += 1;
else results.failed += 1;

step("unit and CLI tests (vitest)");
run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/unit.json"]);
const unit = readJson("test-results/unit.json");
if (unit) {
  results.passed += unit.numPassedTests;
  results.failed += unit.numFailedTests + (unit.numFailedTestSuites ?? 0);
  results.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
} else results.failed += 1;

step("build the app");
const built = run("npx", ["vite", "build", "--logLevel", "warn"]) === 0;
if (!built) results.failed += 1;

if (built && ensureChromium()) {
  step("browser tests (playwright, Debian chromium)");
  run("npx", ["playwright", "test"]);
  const e2e = readJson("test-results/e2e.json");
  if (e2e) {
    results.passed += e2e.stats.expected + e2e.stats.flaky;
    results.failed += e2e.stats.unexpected;
    results.skipped += e2e.stats.skipped;
  } else results.failed += 1;
} else if (built) results.failed += 1;

console.log(`\nScreenshots of what the browser tests checked: e2e/screenshots/`);
console.log(`${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ""}`);
process.exit(results.failed > 0 ? 1 : 0);
