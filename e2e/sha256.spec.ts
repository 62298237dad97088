import { expect, test } from "@playwright/test";
import { createHash } from "node:crypto";

// The wasm SHA-256 kernel in Chromium gives the bytes node:crypto gives (PROTOCOL §2, §6: the
// transcript and the Merkle tree hash the same bytes everywhere).
test("the wasm SHA-256 kernel in Chromium matches node:crypto, alone and batched with a Merkle prefix", async ({ page }) => {
  await page.goto("/?demo=none");
  const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4096];
  const messages = lengths.map((n) => Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff));
  const got = await page.evaluate((msgs) => {
    const z = (globalThis as unknown as { zkml: { sha256: { wasm(b: Uint8Array): Uint8Array; wasmBatch(d: Uint8Array, len: number, prefix?: number): Uint8Array; app(b: Uint8Array): Uint8Array } } }).zkml.sha256;
    const one = msgs.map((m) => Array.from(z.wasm(Uint8Array.from(m))));
    const app = msgs.map((m) => Array.from(z.app(Uint8Array.from(m))));
    // 16 leaves of 96 bytes each, hashed as 0x00 ‖ leaf.
    const leaves = Uint8Array.from({ length: 16 * 96 }, (_, i) => (i * 7) & 0xff);
    return { one, app, batch: Array.from(z.wasmBatch(leaves, 96, 0)) };
  }, messages);
  const want = messages.map((m) => Array.from(createHash("sha256").update(Uint8Array.from(m)).digest()));
  expect(got.one).toEqual(want);
  expect(got.app).toEqual(want);
  const leaves = Uint8Array.from({ length: 16 * 96 }, (_, i) => (i * 7) & 0xff);
  const batch: number[] = [];
  for (let i = 0; i < 16; i++) batch.push(...createHash("sha256").update(Uint8Array.of(0)).update(leaves.subarray(96 * i, 96 * (i + 1))).digest());
  expect(got.batch).toEqual(batch);
});
