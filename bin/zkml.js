#!/usr/bin/env node
// The `zkml` command. The CLI is TypeScript run through tsx, so it needs no build step
// beyond the wasm kernels, which `npm ci` builds in the prepare script.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// The proving commands run under a larger young generation: V8's default 16 MB semi-spaces
// scavenge every few MB of a proof's short-lived values and promote enough to force major GCs,
// after which V8 recompiles the optimized code it dropped — on the core the prover's worker
// thread needs (README, "Threads"). A flag V8 reads only at start-up, hence one re-run. The
// kernels are compiled optimized from the start (--no-liftoff): a single proof otherwise runs
// much of itself in V8's baseline wasm code while the optimizing compiler, on the busy cores,
// catches up (vgg16's `zkml prove` ~0.2 s sooner; small models the same). One V8 platform
// thread instead of four (--v8-pool-size=1): those threads run at the lowest priority beside a
// pool (node-threads.ts), and a collection that spread its parallel tasks over four of them
// waited for whichever the scheduler had set aside; with one, two-thread proofs of vgg16 and
// tiny_gpt ran ~4 % faster in alternating runs, one-thread proofs the same.
const PROVING = new Set(["prove", "setup", "prove-generation"]);
const FLAGS = ["--max-semi-space-size=32", "--no-liftoff", "--v8-pool-size=1"];
if (PROVING.has(process.argv[2]) && !process.execArgv.some((a) => a.startsWith("--max-semi-space-size"))) {
  const r = spawnSync(process.execPath, [...FLAGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  if (r.error) throw r.error;
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
}

// Output piped into a reader that stops early (`zkml inspect m.onnx | head`): stop quietly, as
// Unix tools do, instead of an unhandled EPIPE with a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
