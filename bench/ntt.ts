// NTT of 2^20 base elements (and its inverse, and an extension NTT), with efficiency =
// (multiplications the radix-2 transform must do: (N/2)·log N) / (time × wasm multiply rate),
// the rate measured in alternation with the transform (bench/field.ts efficiencyOf).
// Also Reed–Solomon encoding of 2^22 elements as 2^11 rows at rate 1/4 (the PCS commit's NTTs).
import { wasmBackend } from "../src/core/kernels/index.ts";
import { efficiencyOf, randomWords } from "./field.ts";
import type { Reporter } from "./report.ts";

export async function run(r: Reporter): Promise<void> {
  const K = wasmBackend();
  const logN = 20, n = 1 << logN;
  const a = K.from(randomWords(n, 11));
  const mults = (n / 2) * logN;
  const fwd = efficiencyOf(() => K.ntt(a, logN), mults);
  const inv = efficiencyOf(() => K.intt(a, logN), mults + n);
  r.result("ntt", {
    log_n: logN, ms: fwd.ms, best_ms: fwd.bestMs, inverse_ms: inv.ms,
    mults, mul_rate_mops: fwd.rate / 1e6, efficiency: fwd.efficiency,
  });
  K.free(a);

  const e = K.from(randomWords(4 * (1 << 18), 12));
  const ext = efficiencyOf(() => K.extNtt(e, 18), 4 * (1 << 17) * 18); // 4 coordinates
  r.result("ntt", { op: "ext", log_n: 18, ms: ext.ms, efficiency: ext.efficiency });
  K.free(e);

  // RS encoding: 2^11 rows of 2^11 at rate 1/4 → 2^11 × 2^13. Each row is a 2^13-point transform
  // whose first two stages only copy: (N/2)·(log N − 2) multiplications.
  const rows = 1 << 11, logM = 11;
  const mat = K.from(randomWords(rows << logM, 13));
  const enc = K.alloc(rows << (logM + 2));
  const rs = efficiencyOf(() => K.rsEncode(mat, rows, logM, 2, enc), rows * (1 << 12) * logM, 5);
  r.result("ntt", { op: "rs_encode", log_n: 22, rows, rate: 0.25, ms: rs.ms, efficiency: rs.efficiency });
  K.free(mat); K.free(enc);
}
