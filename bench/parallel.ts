// Parallel proving benchmark (issue 10): prove time of vgg16_cifar10 and tiny_gpt with 1 and 2
// threads (the pool's workers plus the proving thread) and the speed-up, with the time spent in
// the pooled stages (witness commitment, openings) so the part that can scale is visible.
// `npm run bench -- parallel [--model name] [--workers 1,2,4] [--json]`.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { proveWithKey } from "../src/core/prover/keys.ts";
import type { ProgressEvent } from "../src/core/prover/index.ts";
import { availableCores, nodePool } from "../src/core/parallel/index.ts";
import { SHARED } from "../test/shared-data.ts";
import { prepareModel } from "./prove.ts";
import type { Reporter } from "./report.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;

/** Wall time of the stages that run on the pool (commit and openings), from the progress events. */
function pooledStageMs() {
  let last: ProgressEvent | undefined, ms = 0;
  return {
    onProgress(e: ProgressEvent) {
      if (last && (last.stage === "commit" || last.stage === "openings")) ms += e.elapsedMs - last.elapsedMs;
      last = e;
    },
    get ms() { return ms; },
  };
}

async function measure(r: Reporter, name: string, counts: number[]): Promise<void> {
  const { key, inputs } = prepareModel(name);
  const reps = name === "vgg16_cifar10" ? 3 : 5;
  let base: { ms: number; proof: Uint8Array } | undefined;
  for (const workers of counts) {
    const threads = workers > 1 ? nodePool(workers) : undefined;
    await threads?.ready;
    const pool = threads?.pool ?? 1;
    const first = proveWithKey(key, inputs, { workers: pool }).proof;
    const runs = Array.from({ length: reps }, () => {
      const stages = pooledStageMs();
      const p = proveWithKey(key, inputs, { workers: pool, onProgress: stages.onProgress });
      return { ms: p.proveMs, pooled: stages.ms };
    });
    const ms = median(runs.map((x) => x.ms));
    base ??= { ms, proof: first };
    if (!same(first, base.proof)) throw new Error(`bench parallel: ${name}'s proof with ${workers} workers differs from the first count's`);
    r.result("parallel", {
      model: name, workers, prove_ms: ms, speedup: base.ms / ms,
      pooled_stages_ms: median(runs.map((x) => x.pooled)), identical_proof: true,
    });
  }
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  if (!existsSync(join(SHARED, "models"))) {
    r.note(`parallel: no shared models at ${join(SHARED, "models")}; nothing to measure`);
    return;
  }
  const at = args.indexOf("--model"), wAt = args.indexOf("--workers");
  const names = at >= 0 ? [args[at + 1]!] : ["vgg16_cifar10", "tiny_gpt"];
  const counts = wAt >= 0 ? args[wAt + 1]!.split(",").map(Number) : [1, 2];
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bench parallel: --workers takes thread counts like 1,2,4`);
  r.note(`${availableCores()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes share the cores: speed-ups are only meaningful on an idle machine)`);
  r.note("pooled stages: the witness commitment (RS encoding, leaf and node hashing) and the openings' row combinations; witness, lookups and layers still run on one thread");
  for (const name of names) await measure(r, name, counts);
}
