// Merkle hashing throughput: our hash path (src/core/hash, per-size backend choice) next to
// node:crypto on the same data, plus the wasm and noble backends (what browsers can use).
import { createHash } from "node:crypto";
import { availableBackends } from "../src/core/hash/index.ts";
import { buildMerkle, hashLeaves } from "../src/core/pcs/index.ts";
import { timeMs, type Reporter } from "./report.ts";

function nodeTree(data: Uint8Array, leafLen: number): Uint8Array {
  const count = data.length / leafLen;
  let level = new Uint8Array(32 * count);
  for (let i = 0; i < count; i++) level.set(createHash("sha256").update(Uint8Array.of(0)).update(data.subarray(i * leafLen, (i + 1) * leafLen)).digest(), 32 * i);
  while (level.length > 32) {
    const next = new Uint8Array(level.length / 2);
    for (let i = 0; i < next.length / 32; i++) next.set(createHash("sha256").update(Uint8Array.of(1)).update(level.subarray(64 * i, 64 * i + 64)).digest(), 32 * i);
    level = next;
  }
  return level;
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  // Commit-shaped trees: 2^15 leaves of 2 KiB columns (the 2^22 commitment), and 64-byte leaves.
  const shapes = quick ? [{ leafLen: 2048, logLeaves: 10 }] : [{ leafLen: 2048, logLeaves: 15 }, { leafLen: 64, logLeaves: 16 }];
  for (const { leafLen, logLeaves } of shapes) {
    const data = new Uint8Array(leafLen << logLeaves);
    let s = 1;
    for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
    const bytes = data.length + 65 * (2 ** logLeaves - 1); // leaf bytes plus node inputs
    const ours = timeMs(() => buildMerkle(hashLeaves(data, leafLen)), quick ? 1 : 3);
    const ref = timeMs(() => nodeTree(data, leafLen), quick ? 1 : 3);
    const figures: Record<string, number | string> = {
      leaf_bytes: leafLen, leaves: 2 ** logLeaves,
      ours_mbps: bytes / ours / 1e3, node_crypto_mbps: bytes / ref / 1e3, ratio: ref / ours,
    };
    for (const b of availableBackends()) {
      if (b.name === "node") continue;
      const ms = timeMs(() => {
        let level = b.batch(data, leafLen, 0);
        while (level.length > 32) level = b.batch(level, 64, 1);
      }, 1);
      figures[`${b.name}_mbps`] = bytes / ms / 1e3;
    }
    r.result("merkle", figures);
  }
}
