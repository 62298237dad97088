// Float32 GEMM in wasm SIMD (assembly/gemm_f32.ts) behind the same signature as the plain
// TypeScript loop in graph/ops/gemm-kernel.ts: operands are copied into the instance's
// memory, the product is accumulated there and copied back.
import { wasmBase64 } from "./generated/gemm_f32.wasm.ts";
import { instantiateKernel, type KernelInstance } from "./load.ts";

interface GemmExports {
  heapBase(): number;
  gemm(a: number, b: number, out: number, panel: number, M: number, N: number, K: number): void;
}

let kernel: KernelInstance<GemmExports> | undefined;

function instance(): KernelInstance<GemmExports> {
  kernel ??= instantiateKernel<GemmExports>(wasmBase64);
  return kernel;
}

/** Copies a rows×cols block with row stride `ld` from src into dst at `at` (packed). */
export function pack(dst: Float32Array, at: number, src: Float32Array, off: number, rows: number, cols: number, ld: number): void {
  if (ld === cols) {
    dst.set(src.subarray(off, off + rows * cols), at);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(src.subarray(off + r * ld, off + r * ld + cols), at + r * cols);
}

/**
 * out[M×N] += A[M×K] · B[K×N], row strides lda, ldb, ldo (in elements). `keep` names an operand
 * that never changes (a model weight): an implementation may keep it in its own memory.
 */
export type GemmF32 = (
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, out: Float32Array, oOff: number,
  M: number, N: number, K: number, lda?: number, ldb?: number, ldo?: number, keep?: "a" | "b",
) => void;

/** GemmF32 on this thread (operands copied into the instance's memory every call). */
export function wasmGemmF32(
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, out: Float32Array, oOff: number,
  M: number, N: number, K: number, lda = K, ldb = N, ldo = N,
): void {
  if (M === 0 || N === 0) return;
  const { exports, memory } = instance();
  const base = (exports.heapBase() + 15) & ~15;
  const aAt = base, bAt = aAt + 4 * M * K, oAt = bAt + 4 * K * N, pAt = oAt + 4 * M * N;
  const end = pAt + 32 * K;
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.ceil((end - have) / 65536));
  const mem = new Float32Array(memory.buffer);
  pack(mem, aAt >> 2, a, aOff, M, K, lda);
  pack(mem, bAt >> 2, b, bOff, K, N, ldb);
  pack(mem, oAt >> 2, out, oOff, M, N, ldo);
  exports.gemm(aAt, bAt, oAt, pAt, M, N, K);
  const res = mem.subarray(oAt >> 2, (oAt >> 2) + M * N);
  if (ldo === N) out.set(res, oOff);
  else for (let r = 0; r < M; r++) out.set(res.subarray(r * N, (r + 1) * N), oOff + r * ldo);
}
