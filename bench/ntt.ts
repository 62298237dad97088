// NTT of 2^20 base elements (and its inverse, and an extension NTT), with efficiency =
// (multiplications the radix-2 transform must do: (N/2)·log N) / (time × wasm multiply rate).
// Also Reed–Solomon encoding of 2^22 elements as 2^11 rows at rate 1/4 (the PCS commit's NTTs).
import { wasmBackend } from "../src/core/kernels/index.ts";
import { measureMulRate, randomWords } from "./field.ts";
import { timeMs, type Reporter } from "./report.ts";

export async function run(r: Reporter): Promise<void> {
  const K = wasmBackend();
  const rate = measureMulRate();
  const logN = 20, n = 1 << logN;
  const a = K.from(randomWords(n, 11));
  K.ntt(a, logN); // warm the twiddle tables
  const fwdMs = timeMs(() => K.ntt(a, logN), 7);
  const invMs = timeMs(() => K.intt(a, logN), 7);
  const mults = (n / 2) * logN;
  r.result("ntt", {
    log_n: logN, ms: fwdMs, inverse_ms: invMs,
    mults, mul_rate_mops: rate / 1e6,
    efficiency: mults / ((fwdMs / 1e3) * rate),
  });
  K.free(a);

  const e = K.from(randomWords(4 * (1 << 18), 12));
  const extMs = timeMs(() => K.extNtt(e, 18), 5);
  const extMults = 4 * (1 << 17) * 18; // 4 coordinates
  r.result("ntt", { op: "ext", log_n: 18, ms: extMs, efficiency: extMults / ((extMs / 1e3) * rate) });
  K.free(e);

  // RS encoding: 2^11 rows of 2^11 at rate 1/4 → 2^11 × 2^13
  const rows = 1 << 11, logM = 11;
  const mat = K.from(randomWords(rows << logM, 13));
  const enc = K.alloc(rows << (logM + 2));
  const rsMs = timeMs(() => K.rsEncode(mat, rows, logM, 2, enc), 3);
  // each row: a 2^13-point transform whose first two stages are copies: (N/2)·(log N − 2)
  const rsMults = rows * (1 << 12) * (logM);
  r.result("ntt", { op: "rs_encode", log_n: 22, rows, rate: 0.25, ms: rsMs, efficiency: rsMults / ((rsMs / 1e3) * rate) });
  K.free(mat); K.free(enc);
}
