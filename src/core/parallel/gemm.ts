// The integer evaluator's f32 GEMM on a prover pool: the output's rows split across the threads
// (kernels/assembly/gemm_f32.ts gemmStrided). Each output element sums its products in the same
// order as on one thread, so the floats are the same. A constant operand (a model weight) is copied
// into the pool's memory once and kept there for as long as the array lives.
import { pack, type GemmF32 } from "../kernels/gemm-f32.ts";
import { wasmGemmF32, type Buf } from "../kernels/index.ts";
import { poolBackendOf } from "./backend.ts";
import type { WorkerPool } from "./pool.ts";

/** Below this many multiply-adds a product stays on one thread (a batch costs tens of µs). */
const MIN_POOLED_MACS = 1 << 18;

const gemms = new WeakMap<WorkerPool, GemmF32>();

/** The pool's GemmF32 (made once per pool). */
export function poolGemm(pool: WorkerPool): GemmF32 {
  let g = gemms.get(pool);
  if (!g) gemms.set(pool, (g = makePoolGemm(pool)));
  return g;
}

function makePoolGemm(pool: WorkerPool): GemmF32 {
  const L = poolBackendOf(pool).local;
  const kept = new WeakMap<Float32Array, Buf>();
  const release = new FinalizationRegistry<Buf>((buf) => L.free(buf));
  const floats = (b: Buf) => {
    const v = L.view(b);
    return new Float32Array(v.buffer, v.byteOffset, v.length);
  };
  const resident = (x: Float32Array): Buf => {
    let buf = kept.get(x);
    if (!buf) {
      buf = L.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
      kept.set(x, buf);
      release.register(x, buf);
    }
    return buf;
  };
  return (a, aOff, b, bOff, out, oOff, M, N, K, lda = K, ldb = N, ldo = N, keep) => {
    if (M === 0 || N === 0) return;
    if (pool.size < 2 || M < 8 || M * N * K < MIN_POOLED_MACS) return wasmGemmF32(a, aOff, b, bOff, out, oOff, M, N, K, lda, ldb, ldo);
    const temp: Buf[] = [];
    // [pointer, row stride] of an operand in the pool's memory: a kept one where it lies, any
    // other packed into scratch.
    const place = (x: Float32Array, off: number, rows: number, cols: number, ld: number, constant: boolean): [number, number] => {
      if (constant) return [L.ptr(resident(x)) + 4 * off, ld];
      const buf = L.allocFor(rows * cols);
      temp.push(buf);
      pack(floats(buf), 0, x, off, rows, cols, ld);
      return [L.ptr(buf), cols];
    };
    try {
      const [ap, as] = place(a, aOff, M, K, lda, keep === "a");
      const [bp, bs] = place(b, bOff, K, N, ldb, keep === "b");
      const o = L.allocFor(M * N);
      temp.push(o);
      pack(floats(o), 0, out, oOff, M, N, ldo);
      const op = L.ptr(o);
      // Blocks of rows, a multiple of 4 (the kernel's register tile), two per thread.
      const per = 4 * Math.ceil(M / (2 * pool.size) / 4), jobs = Math.ceil(M / per);
      const panels = L.allocFor(8 * K * jobs);
      temp.push(panels);
      pool.run(Array.from({ length: jobs }, (_, j) => {
        const f = j * per, rows = Math.min(per, M - f);
        return { fn: "gemmStrided" as const, args: [ap + 4 * f * as, as, bp, bs, op + 4 * f * N, N, L.ptr(panels) + 32 * K * j, rows, N, K] };
      }));
      const res = floats(o);
      if (ldo === N) out.set(res, oOff);
      else for (let r = 0; r < M; r++) out.set(res.subarray(r * N, (r + 1) * N), oOff + r * ldo);
    } finally {
      for (const buf of temp) L.free(buf);
    }
  };
}
