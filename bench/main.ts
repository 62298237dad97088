// `npm run bench -- [name] [--json]`: runs one benchmark, or all of them in order.
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
  r.note(`${key}`);
  // A full run has the gpu benchmark's kernel table already: parallel need not print it again.
  await (await load()).run(r, [...rest.slice(1), ...(!name && key === "parallel" ? ["--no-gpu"] : [])]);
}
