import { vecMul } from "../src/core/field/koalabear.ts";
import { wasmVecMul } from "../src/core/kernels/field-vec.ts";
import { timeMs, type Reporter } from "./report.ts";

/** Base-field multiplications per second: wasm kernel vs the TypeScript reference. */
export async function run(r: Reporter): Promise<void> {
  const n = 1 << 20;
  const a = new Uint32Array(n), b = new Uint32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0; a[i] = s % 2130706433;
    s = (s * 1103515245 + 12345) >>> 0; b[i] = s % 2130706433;
  }
  const tsMs = timeMs(() => vecMul(a, b), 3);
  const wasmMs = timeMs(() => wasmVecMul(a, b), 5);
  r.result("field", {
    op: "base_mul", n, ts_mops: n / tsMs / 1e3, wasm_mops: n / wasmMs / 1e3, wasm_over_ts: tsMs / wasmMs,
  });
}
