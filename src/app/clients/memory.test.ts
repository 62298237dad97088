// The prover's share of a browser memory breakdown: only entries attributed to the prove worker
// and its pool workers alone count (the page, shared memory and other workers do not).
import { describe, expect, it } from "vitest";
import { canMeasureWorkers, measureProverMemory, proverBytes } from "./memory.ts";

const worker = (url: string) => ({ url, scope: "DedicatedWorkerGlobalScope" });

describe("prover memory from measureUserAgentSpecificMemory's breakdown", () => {
  it("adds the prove worker and pool workers, built or dev URLs, and nothing else", () => {
    expect(proverBytes([
      { bytes: 100, attribution: [worker("http://h/assets/prove.worker-Ab12.js")] },
      { bytes: 20, attribution: [worker("http://h/assets/pool.worker-Cd34.js")] },
      { bytes: 3, attribution: [worker("http://h/workers/pool.worker.ts?worker_file&type=module")] },
      { bytes: 7000, attribution: [{ url: "http://h/", scope: "Window" }] },
      { bytes: 500, attribution: [worker("http://h/assets/quant.worker-Ef56.js")] },
      { bytes: 60, attribution: [] },
      { bytes: 80, attribution: [worker("http://h/assets/prove.worker-Ab12.js"), { url: "http://h/", scope: "Window" }] },
    ])).toBe(123);
    expect(proverBytes([])).toBe(0);
  });

  it("is undefined (not reported) where the page cannot measure (Node: no isolation, no API)", async () => {
    expect(canMeasureWorkers()).toBe(false);
    expect(await measureProverMemory()).toBeUndefined();
  });
});
