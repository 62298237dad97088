// Bulk field kernels (PROTOCOL.md §1, §3, §6): one interface (FieldBackend, types.ts), two
// implementations that agree bit for bit — the wasm kernels (fast; the default) and the plain
// TypeScript reference (for tests, and where wasm is unavailable).
//
//   import { fieldBackend, tsBackend } from "../kernels/index.ts";
//   const K = fieldBackend();            // wasm, one shared instance
//   const buf = K.from(values);          // copy into kernel memory once…
//   K.ntt(buf, logN);                    // …then work on it in place, call after call
//   const out = K.read(buf); K.free(buf);
//
// Array helpers below (ntt, rsEncode, eqTable, …) copy in and out: convenient for small work and
// tests; hot paths keep Bufs resident instead.
//
// fieldOpsCount(): field operations the kernels performed on this thread (field-ops.ts says how
// each call counts), for throughput figures.

import type { Ext } from "../field/ext.ts";
import { createTsBackend } from "./ts-backend.ts";
import { createWasmBackend, GKR_LIST_WORDS, MAX_PRODUCT, writeGkrList, type WasmFieldBackend } from "./wasm-backend.ts";
import type { FieldBackend } from "./types.ts";

export type { Buf, Table, FieldBackend, GkrLayerArgs, GkrTables } from "./types.ts";
export type { WasmFieldBackend, FieldKernelExports } from "./wasm-backend.ts";
export { KernelMemoryError } from "./wasm-backend.ts";
export { createTsBackend, createWasmBackend, GKR_LIST_WORDS, MAX_PRODUCT, writeGkrList };
export { checkDenominators } from "./types.ts";
export { wasmGemmF32, type GemmF32 } from "./gemm-f32.ts";
export { fieldOpsCount } from "./field-ops.ts";

let wasmInst: WasmFieldBackend | undefined;
let tsInst: FieldBackend | undefined;

/** The shared wasm backend (created on first use). */
export function wasmBackend(): WasmFieldBackend {
  wasmInst ??= createWasmBackend();
  return wasmInst;
}

/** The shared TypeScript reference backend. */
export function tsBackend(): FieldBackend {
  tsInst ??= createTsBackend();
  return tsInst;
}

let scoped: FieldBackend | undefined;

/** The backend for bulk work: wasm, or the one `withKernels` put in place (a pool's). */
export function fieldBackend(): FieldBackend {
  return scoped ?? wasmBackend();
}

/**
 * Runs `fn` with `K` as every fieldBackend() caller's backend (a pool's, so that the prover's
 * kernels run on every thread). Buffers of one backend must not reach another: keep them inside.
 */
export function withKernels<T>(K: FieldBackend | undefined, fn: () => T): T {
  const prev = scoped;
  scoped = K ?? prev;
  try {
    return fn();
  } finally {
    scoped = prev;
  }
}

/** Both implementations, for conformance suites. */
export function allBackends(): FieldBackend[] {
  return [tsBackend(), wasmBackend()];
}

function withBuf<T>(K: FieldBackend, data: Uint32Array, words: number, fn: (b: ReturnType<FieldBackend["alloc"]>) => T): T {
  const b = K.alloc(words);
  try {
    K.write(b, data);
    return fn(b);
  } finally {
    K.free(b);
  }
}

/** NTT of a base vector of 2^logN elements (a copy; natural order). */
export function ntt(a: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  const logN = Math.log2(a.length);
  return withBuf(K, a, a.length, (b) => { K.ntt(b, logN); return K.read(b); });
}

export function intt(a: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  const logN = Math.log2(a.length);
  return withBuf(K, a, a.length, (b) => { K.intt(b, logN); return K.read(b); });
}

/** RS encoding of one base row of 2^b elements at rate 2^-logRate (default 1/4): 2^(b+logRate) words. */
export function rsEncode(row: Uint32Array, logRate = 2, K: FieldBackend = fieldBackend()): Uint32Array {
  return rsEncodeBatch(row, 1, logRate, K);
}

/** RS encoding of many rows (row-major, `rows` × 2^logM) at once. */
export function rsEncodeBatch(matrix: Uint32Array, rows: number, logRate = 2, K: FieldBackend = fieldBackend()): Uint32Array {
  const logM = Math.log2(matrix.length / rows);
  const inp = K.from(matrix), out = K.alloc(matrix.length << logRate);
  try {
    K.rsEncode(inp, rows, logM, logRate, out);
    return K.read(out);
  } finally {
    K.free(inp); K.free(out);
  }
}

/** RS encoding of one extension row (2^b elements, 4·2^b words): each coordinate encoded. */
export function rsEncodeExt(row: Uint32Array, logRate = 2, K: FieldBackend = fieldBackend()): Uint32Array {
  const logM = Math.log2(row.length / 4);
  const inp = K.from(row), out = K.alloc(row.length << logRate);
  try {
    K.rsEncodeExt(inp, 1, logM, logRate, out);
    return K.read(out);
  } finally {
    K.free(inp); K.free(out);
  }
}

/** eq(r, ·) over {0,1}^n for r of n extension elements: 2^n extension elements. */
export function eqTable(r: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  const out = K.alloc(4 << (r.length / 4));
  try {
    K.eqTable(r, out);
    return K.read(out);
  } finally {
    K.free(out);
  }
}

/** Fix variable 0 of a base (ext = false) or extension table to r: half as many extension elements. */
export function fold(table: Uint32Array, ext: boolean, r: Ext, K: FieldBackend = fieldBackend()): Uint32Array {
  const m = (ext ? table.length / 4 : table.length) / 2;
  const inp = K.from(table), out = K.alloc(4 * m);
  try {
    if (ext) K.foldExt(inp, m, r, out);
    else K.foldBase(inp, m, r, out);
    return K.read(out);
  } finally {
    K.free(inp); K.free(out);
  }
}
