// Degree-2 sumcheck Σ_x f(x)·g(x) over 2^20 base elements (tables resident in kernel memory), with
// efficiency = (multiplications it must do) / (time × wasm multiply rate). Count model, in base
// products as the kernels execute them: base×base 1, extension×base 4, extension×extension 16.
//   round 1 (base): 2 products per pair; fold both tables base→ext: 4 per element pair each;
//   rounds ≥ 2 (ext): 2 ext products per pair for s(0), s(2); fold: 1 ext product per pair per table.
import { Transcript } from "../src/core/transcript/index.ts";
import { proveProduct } from "../src/core/sumcheck/index.ts";
import { wasmBackend } from "../src/core/kernels/index.ts";
import { efficiencyOf, randomWords } from "./field.ts";
import type { Reporter } from "./report.ts";

export function sumcheckMults(logN: number, tables: number, degree: number): number {
  let total = 0;
  for (let i = 0; i < logN; i++) {
    const m = 2 ** (logN - 1 - i); // pairs this round
    if (i === 0) total += m * degree * (tables - 1) + tables * m * 4;
    else total += m * degree * (tables - 1) * 16 + tables * m * 16;
  }
  return total;
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  const K = wasmBackend();
  for (const logN of args.includes("--quick") ? [16] : [20]) {
    const f = K.from(randomWords(1 << logN, 21)), g = K.from(randomWords(1 << logN, 22));
    const tables = [{ buf: f, ext: false }, { buf: g, ext: false }];
    const mults = sumcheckMults(logN, 2, 2);
    const d2 = efficiencyOf(() => proveProduct(new Transcript(), tables), mults);
    r.result("sumcheck", {
      degree: 2, log_n: logN, ms: d2.ms, best_ms: d2.bestMs, mults, mul_rate_mops: d2.rate / 1e6,
      efficiency: d2.efficiency,
    });
    // degree 3 (eq·a·b, the Hadamard shape) for reference
    const e = K.alloc(4 << logN);
    K.eqTable(randomWords(4 * logN, 23), e);
    const t3 = [{ buf: e, ext: true }, { buf: f, ext: false }, { buf: g, ext: false }];
    let mults3 = 0;
    for (let i = 0; i < logN; i++) {
      const m = 2 ** (logN - 1 - i);
      // round 1: per point: g·h base (1) then ext×base (4); folds: eq ext×ext 16, two base→ext 4
      if (i === 0) mults3 += m * 3 * 5 + m * (16 + 8);
      else mults3 += m * 3 * 32 + m * 3 * 16;
    }
    const d3 = efficiencyOf(() => proveProduct(new Transcript(), t3), mults3, 5);
    r.result("sumcheck", { degree: 3, log_n: logN, ms: d3.ms, mults: mults3, efficiency: d3.efficiency });
    [f, g, e].forEach((x) => K.free(x));
  }
}
