// `npm run bench -- [name] [--json]`: runs one benchmark, or all of them in order.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeReporter, type Reporter } from "./report.ts";

type Bench = { run(r: Reporter, args: string[]): Promise<void> };
const benches: Record<string, () => Promise<Bench>> = {
  field: () => import("./field.ts"),
  eval: () => import("./eval.ts"),
  ntt: () => import("./ntt.ts"),
  sumcheck: () => import("./sumcheck.ts"),
  merkle: () => import("./merkle.ts"),
  pcs: () => import("./pcs.ts"),
  quant: () => import("./quant.ts"),
  gpu: () => import("./gpu.ts"),
  prove: () => import("./prove.ts"),
  verify: () => import("./verify.ts"),
  generation: () => import("./generation.ts"),
  parallel: () => import("./parallel.ts"),
  view: () => import("./view.ts"),
};

const args = process.argv.slice(2);
const json = args.includes("--json");
const rest = args.filter((a) => a !== "--json");
const name = rest[0];
const r = makeReporter(json);
if (name && !benches[name]) {
  console.error(`bench: unknown benchmark '${name}'. Benchmarks: ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}
for (const [key, load] of Object.entries(benches)) {
  if (name && key !== name) continue;
  if (!name && key === "parallel") {
    // In a fresh process: the benchmarks before it leave gigabytes of heap behind, which slow
    // the collector inside every proof it times (~5 % lower speed-ups than when run alone); no GPU
    // kernel table there, the gpu benchmark printed it.
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "parallel", "--no-gpu", ...(json ? ["--json"] : [])], { stdio: "inherit" });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
    continue;
  }
  r.note(`${key}`);
  await (await load()).run(r, rest.slice(1));
}
