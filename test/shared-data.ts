// Tests that read ../shared: they fail (not skip) when CI is set and the data is missing.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "vitest";

export const SHARED = resolve(join(dirname(fileURLToPath(import.meta.url)), "../../shared"));

export function sharedPath(rel: string): string {
  return join(SHARED, rel);
}

export function hasShared(rel = ""): boolean {
  return existsSync(sharedPath(rel));
}

export function readShared(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(rel)));
}

/**
 * `it` for a test that needs ../shared/<rel>: under CI a missing file is a failure; on a
 * developer machine without the data the test is skipped with the reason in its name.
 */
export function itShared(rel: string, name: string, fn: () => void | Promise<void>, timeout?: number): void {
  if (hasShared(rel) || process.env.CI) {
    it(name, async () => {
      if (!hasShared(rel)) throw new Error(`missing shared data ${sharedPath(rel)} (CI requires ../shared beside the repository)`);
      await fn();
    }, timeout);
  } else {
    it.skip(`${name} (needs ../shared/${rel})`, fn);
  }
}
