// The wasm implementation of FieldBackend (types.ts) over the kernels of assembly/field.ts.
//
// Memory design: one kernel instance per backend; its linear memory above heapBase() is an arena
// managed here (first-fit free list with coalescing, 64-byte aligned blocks). Buffers live in
// that memory, so a sumcheck or an encoding keeps its tables resident across every kernel call:
// nothing big is copied in or out except by an explicit from/read/write. A small scratch block
// carries constants (challenges) in and sums out.

import { oneByOne } from "./batched.ts";
import { FieldError } from "../field/errors.ts";
import { inv, rootOfUnity } from "../field/koalabear.ts";
import type { Ext } from "../field/ext.ts";
import { wasmBase64 } from "./generated/field.wasm.ts";
import { instantiateKernel, type KernelInstance } from "./load.ts";
import type { Buf, FieldBackend, GkrTables, Table } from "./types.ts";
import { checkDenominators } from "./types.ts";
import { countFieldOps } from "./field-ops.ts";

type Ptr = number;
export interface FieldKernelExports {
  heapBase(): number;
  vecAdd(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  vecSub(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  vecMul(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  vecMulRaw(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  vecScale(a: Ptr, c: number, out: Ptr, n: number): void;
  vecDot(a: Ptr, b: Ptr, n: number): number;
  extVecMul(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  extVecMulBase(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  extVecScale(a: Ptr, c: Ptr, out: Ptr, n: number): void;
  baseVecScaleExt(a: Ptr, c: Ptr, out: Ptr, n: number): void;
  lookupDenominators(c0: Ptr, c1: Ptr, c2: Ptr, width: number, consts: Ptr, n: number, out: Ptr): void;
  extDot(a: Ptr, b: Ptr, n: number, out: Ptr): void;
  extDotBase(a: Ptr, b: Ptr, n: number, out: Ptr): void;
  extSum(a: Ptr, n: number, out: Ptr): void;
  combineRows(m: Ptr, rows: number, cols: number, w: Ptr, out: Ptr): void;
  combineRowsExt(m: Ptr, rows: number, cols: number, w: Ptr, out: Ptr): void;
  transpose(a: Ptr, rows: number, cols: number, out: Ptr): void;
  transposeInto(a: Ptr, rows: number, cols: number, out: Ptr, outRows: number): void;
  extOuter(a: Ptr, n: number, b: Ptr, m: number, out: Ptr): void;
  matMulBatch(a: Ptr, aStride: number, b: Ptr, bExt: boolean, bStride: number, M: number, S: number, N: number, batch: number, out: Ptr, oStride: number): void;
  copyWords(src: Ptr, dst: Ptr, n: number): void;
  zeroWords(dst: Ptr, n: number): void;
  combineRowsStrided(m: Ptr, rows: number, cols: number, stride: number, w: Ptr, out: Ptr): void;
  combineRowsExtStrided(m: Ptr, rows: number, cols: number, stride: number, w: Ptr, out: Ptr): void;
  eqTableFrom(r: Ptr, n: number, c: Ptr, out: Ptr): void;
  fillTwiddles(tw: Ptr, logMax: number, root: number): void;
  nttBase(a: Ptr, logN: number, tw: Ptr): void;
  nttExt(a: Ptr, logN: number, tw: Ptr): void;
  rsEncodeRows(inp: Ptr, rows: number, logM: number, logRate: number, out: Ptr, tw: Ptr): void;
  rsEncodeExtRows(inp: Ptr, rows: number, logM: number, logRate: number, out: Ptr, tw: Ptr): void;
  eqTable(r: Ptr, n: number, out: Ptr): void;
  foldBase(inp: Ptr, m: number, r: Ptr, out: Ptr): void;
  foldExt(inp: Ptr, m: number, r: Ptr, out: Ptr): void;
  round2BB(f: Ptr, g: Ptr, m: number, out: Ptr): void;
  round2EB(f: Ptr, g: Ptr, m: number, out: Ptr): void;
  round2EE(f: Ptr, g: Ptr, m: number, out: Ptr): void;
  round3BBB(f: Ptr, g: Ptr, h: Ptr, m: number, out: Ptr): void;
  round3EBB(f: Ptr, g: Ptr, h: Ptr, m: number, out: Ptr): void;
  round3EEB(f: Ptr, g: Ptr, h: Ptr, m: number, out: Ptr): void;
  round3EEE(f: Ptr, g: Ptr, h: Ptr, m: number, out: Ptr): void;
  roundProductN(desc: Ptr, count: number, m: number, out: Ptr): void;
  benchMulMontScalar(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  benchMulBarrettScalar(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  benchMulRemScalar(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  gkrRound(S: Ptr, p0: Ptr, p1: Ptr, q0: Ptr, q1: Ptr, pExt: boolean, m: number, lam: Ptr, withOne: boolean, out: Ptr): void;
  gkrLayer(p0: Ptr, p1: Ptr, q0: Ptr, q1: Ptr, pExt: boolean, h: number, np: Ptr, nq: Ptr): void;
  gkrFoldRound(S: Ptr, p0: Ptr, p1: Ptr, q0: Ptr, q1: Ptr, pExt: boolean, m: number, r: Ptr, lam: Ptr, withOne: boolean,
    oP0: Ptr, oP1: Ptr, oQ0: Ptr, oQ1: Ptr, out: Ptr): void;
  gkrRoundList(list: Ptr, count: number, m: number, lam: Ptr, withOne: boolean, out: Ptr): void;
  gkrFoldRoundList(list: Ptr, count: number, m: number, r: Ptr, lam: Ptr, withOne: boolean, out: Ptr): void;
  foldRound2(f: Ptr, fExt: boolean, g: Ptr, gExt: boolean, m: number, r: Ptr, outF: Ptr, outG: Ptr, evalOut: Ptr): void;
  foldRound3(f: Ptr, fExt: boolean, g: Ptr, gExt: boolean, h: Ptr, hExt: boolean, m: number, r: Ptr,
    outF: Ptr, outG: Ptr, outH: Ptr, evalOut: Ptr): void;
}

const ALIGN = 64;

/** Words a tree takes in a gkr*RoundList list: its descriptor (12), weight (4) and sums scratch (12). */
export const GKR_LIST_WORDS = 28;

/**
 * Lays out the list the gkr*RoundList kernels read, into `words` (GKR_LIST_WORDS per tree) at
 * byte address `at`: per tree S, p0, p1, q0, q1, pExt, the four fold outputs (with `fold`), the
 * address of its weight and of its sums; then the weights; then room for the sums.
 */
export function writeGkrList(words: Uint32Array, at: number, trees: readonly GkrTables[], ptr: (b: Buf) => number, fold: boolean): void {
  const n = trees.length, wAt = at + 48 * n, sAt = wAt + 16 * n;
  for (let i = 0; i < n; i++) {
    const t = trees[i]!, d = 12 * i;
    for (let j = 0; j < 5; j++) words[d + j] = ptr(t.tables[j]!);
    words[d + 5] = t.pExt ? 1 : 0;
    if (fold) for (let j = 0; j < 4; j++) words[d + 6 + j] = ptr(t.outs![j]!);
    words[d + 10] = wAt + 16 * i;
    words[d + 11] = sAt + 48 * i;
    const w = t.weight, e = 12 * n + 4 * i;
    words[e] = w[0]!; words[e + 1] = w[1]!; words[e + 2] = w[2]!; words[e + 3] = w[3]!;
  }
}

/** Most tables in one roundProduct (the scratch holds their descriptors and the sums). */
export const MAX_PRODUCT = 8;
const PAGE = 65536;

/**
 * A buffer in one backend's arena. A plain object made at one site (wbuf), not a class instance:
 * the maps V8 gives a class's instances as the constructor adds fields are held only weakly, so
 * whenever every buffer of the moment had died a full GC dropped them, and with them the
 * optimized code of every function that handles buffers (~30 recompiled per proof, on the core
 * the pool's worker needs).
 */
export interface WBuf extends Buf {
  readonly ptr: number;
  readonly len: number;
  /** Bytes reserved in the arena (0 for a slice, which owns nothing). */
  readonly bytes: number;
  freed: boolean;
  /** The arena it belongs to (buffers of another backend are refused). */
  readonly owner: object;
}

/** The kernels' memory cannot grow to hold a buffer (wasm32: at most 4 GiB; less where the browser says so). */
export class KernelMemoryError extends Error {
  override name = "KernelMemoryError";
  constructor(bytes: number, have: number) {
    const mib = (b: number) => `${Math.ceil(b / 2 ** 20)} MiB`;
    super(`kernels: out of WebAssembly memory: a ${mib(bytes)} buffer does not fit beside the ${mib(have)} in use (a wasm32 module addresses at most 4096 MiB, and the browser or system may allow less); prove a smaller model or smaller inputs, or close other tabs and try again`);
  }
}

/** First-fit allocator over the instance memory above heapBase. */
class Arena {
  private free: { ptr: number; bytes: number }[] = [];
  private top: number;
  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.bytes >= size) {
        const ptr = b.ptr;
        if (b.bytes === size) this.free.splice(i, 1);
        else { b.ptr += size; b.bytes -= size; }
        return ptr;
      }
    }
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow geometrically (at least ×1.25) so that repeated allocations stay cheap.
      const want = Math.max(end, Math.floor(have * 1.25));
      const pages = Math.ceil((want - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(Math.ceil((end - have) / PAGE));
        } catch {
          throw new KernelMemoryError(size, have);
        }
      }
    }
    this.top = end;
    return ptr;
  }
  release(ptr: number, bytes: number): void {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    // insert sorted by address, then coalesce neighbours
    let i = 0;
    while (i < this.free.length && this.free[i]!.ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, bytes: size });
    const prev = this.free[i - 1], cur = this.free[i]!, next = this.free[i + 1];
    if (next && cur.ptr + cur.bytes === next.ptr) { cur.bytes += next.bytes; this.free.splice(i + 1, 1); }
    if (prev && prev.ptr + prev.bytes === cur.ptr) { prev.bytes += cur.bytes; this.free.splice(i, 1); }
    const last = this.free[this.free.length - 1];
    if (last && last.ptr + last.bytes === this.top) { this.top = last.ptr; this.free.pop(); }
  }
  get used(): number {
    return this.top - this.free.reduce((s, b) => s + b.bytes, 0);
  }
}

export interface WasmFieldBackend extends FieldBackend {
  readonly name: "wasm";
  /** The raw kernel exports and memory (benchmarks, and callers that manage pointers themselves). */
  readonly exports: FieldKernelExports;
  readonly memory: WebAssembly.Memory;
  ptr(b: Buf): number;
  /** Bytes currently allocated in the arena. */
  arenaBytes(): number;
  /** Pointer to the (forward or inverse) twiddle table serving NTTs up to 2^logN. */
  twiddles(logN: number, inverse?: boolean): number;
}

/**
 * A backend over its own kernel instance, or over `inst` (the shared-memory build, for a pool).
 * `counted: false` leaves the field-operation count to a wrapper that dispatches the calls.
 */
export function createWasmBackend(inst: KernelInstance<FieldKernelExports> = instantiateKernel<FieldKernelExports>(wasmBase64), counted = true): WasmFieldBackend {
  const k = inst.exports;
  const memory = inst.memory;
  const arena = new Arena(memory, k.heapBase());

  const wbuf = (ptr: number, len: number, bytes: number): WBuf => ({ ptr, len, bytes, freed: false, owner: arena });
  const wb = (b: Buf): WBuf => {
    const w = b as WBuf;
    if (w.owner !== arena) throw new Error("kernels: buffer of another backend");
    if (w.freed) throw new Error("kernels: use of a freed buffer");
    return w;
  };
  const p = (b: Buf): number => wb(b).ptr;

  const alloc = (words: number, zero = true): WBuf => {
    if (!Number.isInteger(words) || words < 0) throw new Error(`kernels: bad allocation size ${words}`);
    const bytes = 4 * words;
    const ptr = arena.alloc(bytes);
    if (zero) k.zeroWords(ptr, words);
    return wbuf(ptr, words, Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN));
  };
  const u32 = (b: WBuf): Uint32Array => new Uint32Array(memory.buffer, b.ptr, b.len);

  // Scratch: 64 words for constants in and small results out.
  const scratch = alloc(64);
  const S_IN = scratch.ptr, S_OUT = scratch.ptr + 128;
  // A view of the whole memory, made again only when the memory grows (a new view per small
  // kernel call was two allocations each).
  let words32 = new Uint32Array(memory.buffer);
  const mem32 = (): Uint32Array => (words32.buffer === memory.buffer ? words32 : (words32 = new Uint32Array(memory.buffer)));
  const putExt = (x: Ext, at = S_IN): number => {
    const m = mem32(), i = at >>> 2;
    m[i] = x[0]!; m[i + 1] = x[1]!; m[i + 2] = x[2]!; m[i + 3] = x[3]!;
    return at;
  };
  const getWords = (at: number, words: number): Uint32Array => mem32().slice(at >>> 2, (at >>> 2) + words);

  // Twiddle tables (forward and inverse), grown on demand to the largest NTT size seen.
  let twLog = -1;
  let twF: WBuf | undefined, twI: WBuf | undefined;
  const twiddles = (logN: number, inverse: boolean): number => {
    if (!Number.isInteger(logN) || logN < 0 || logN > 24) throw new FieldError("bad-size", `NTT of size 2^${logN}`);
    if (logN > twLog) {
      const lg = Math.max(logN, 10);
      if (twF) free(twF);
      if (twI) free(twI);
      twF = alloc(1 << lg, false);
      twI = alloc(1 << lg, false);
      const root = rootOfUnity(lg);
      k.fillTwiddles(twF.ptr, lg, root);
      k.fillTwiddles(twI.ptr, lg, inv(root));
      twLog = lg;
    }
    return inverse ? twI!.ptr : twF!.ptr;
  };

  const free = (b: Buf): void => {
    const w = wb(b);
    if (w.bytes === 0) return; // slices own nothing
    w.freed = true;
    arena.release(w.ptr, w.bytes);
  };

  const need = (b: Buf, words: number, what: string): void => {
    if (b.len < words) throw new Error(`kernels: ${what} buffer has ${b.len} words, needs ${words}`);
  };

  // A GKR round's tables: S (one element per pair of the round it serves), p0, p1 (base unless
  // pExt), q0, q1 over m pairs, and a fold's four outputs.
  const checkGkr = (tables: readonly Buf[], pExt: boolean, m: number, outs?: readonly Buf[]): void => {
    if (tables.length !== 5 || (outs && outs.length !== 4)) throw new Error("kernels: a GKR round takes five tables (S, p0, p1, q0, q1) and a fold four outputs");
    need(tables[0]!, 4 * (outs ? Math.max(1, m >> 1) : m), "S");
    tables.forEach((t, j) => j > 0 && need(t, (pExt || j > 2 ? 8 : 2) * m, "table"));
    outs?.forEach((o) => need(o, 4 * m, "fold output"));
  };

  // Several trees' rounds in one call of the list kernels (gkr*RoundList), weighted in the kernel.
  const gkrList = (trees: readonly GkrTables[], m: number, lambda: Ext, withOne: boolean, r?: Ext): Uint32Array => {
    const n = trees.length;
    for (const t of trees) checkGkr(t.tables, t.pExt, m, r ? t.outs ?? [] : undefined);
    // The list, then the total.
    const mem = alloc(GKR_LIST_WORDS * n + 12, false);
    try {
      const base = mem.ptr, out = base + 4 * GKR_LIST_WORDS * n;
      writeGkrList(new Uint32Array(memory.buffer, base, GKR_LIST_WORDS * n), base, trees, p, r !== undefined);
      if (r) k.gkrFoldRoundList(base, n, m, putExt(r), putExt(lambda, S_IN + 16), withOne, out);
      else k.gkrRoundList(base, n, m, putExt(lambda), withOne, out);
      return getWords(out, 12);
    } finally {
      free(mem);
    }
  };

  const backend: WasmFieldBackend = {
    name: "wasm",
    exports: k,
    memory,
    ptr: p,
    arenaBytes: () => arena.used,
    twiddles: (logN, inverse = false) => twiddles(logN, inverse),
    alloc: (words) => alloc(words),
    allocFor: (words) => alloc(words, false),
    from(data) {
      const b = alloc(data.length, false);
      u32(b).set(data);
      return b;
    },
    slice(b, off, words) {
      const w = wb(b);
      if (off < 0 || words < 0 || off + words > w.len) throw new Error(`kernels: slice [${off}, ${off + words}) outside ${w.len} words`);
      return wbuf(w.ptr + 4 * off, words, 0);
    },
    view: (b) => u32(wb(b)),
    read: (b) => u32(wb(b)).slice(),
    write(b, data, off = 0) {
      const w = wb(b);
      if (off + data.length > w.len) throw new Error(`kernels: write of ${data.length} words at ${off} past ${w.len}`);
      new Uint32Array(memory.buffer, w.ptr + 4 * off, data.length).set(data);
    },
    free,

    add(a, b, out, n) { need(a, n, "a"); need(b, n, "b"); need(out, n, "out"); k.vecAdd(p(a), p(b), p(out), n); },
    sub(a, b, out, n) { need(a, n, "a"); need(b, n, "b"); need(out, n, "out"); k.vecSub(p(a), p(b), p(out), n); },
    mul(a, b, out, n) { need(a, n, "a"); need(b, n, "b"); need(out, n, "out"); k.vecMul(p(a), p(b), p(out), n); },
    scale(a, c, out, n) { need(a, n, "a"); need(out, n, "out"); k.vecScale(p(a), c, p(out), n); },
    dot(a, b, n) { need(a, n, "a"); need(b, n, "b"); return k.vecDot(p(a), p(b), n) >>> 0; },

    extAdd(a, b, out, n) { need(a, 4 * n, "a"); need(b, 4 * n, "b"); need(out, 4 * n, "out"); k.vecAdd(p(a), p(b), p(out), 4 * n); },
    extSub(a, b, out, n) { need(a, 4 * n, "a"); need(b, 4 * n, "b"); need(out, 4 * n, "out"); k.vecSub(p(a), p(b), p(out), 4 * n); },
    extMul(a, b, out, n) { need(a, 4 * n, "a"); need(b, 4 * n, "b"); need(out, 4 * n, "out"); k.extVecMul(p(a), p(b), p(out), n); },
    extMulBase(a, b, out, n) { need(a, 4 * n, "a"); need(b, n, "b"); need(out, 4 * n, "out"); k.extVecMulBase(p(a), p(b), p(out), n); },
    extScale(a, c, out, n) { need(a, 4 * n, "a"); need(out, 4 * n, "out"); k.extVecScale(p(a), putExt(c), p(out), n); },
    baseScaleExt(a, c, out, n) { need(a, n, "a"); need(out, 4 * n, "out"); k.baseVecScaleExt(p(a), putExt(c), p(out), n); },
    lookupDenominators(columns, alpha, coeffs, n, out) {
      const w = checkDenominators(columns, coeffs, n);
      columns.forEach((c) => need(c, n, "column"));
      need(out, 4 * n, "out");
      putExt(alpha, S_IN);
      coeffs.forEach((c, i) => putExt(c, S_IN + 16 * (i + 1)));
      const cp = columns.map(p);
      k.lookupDenominators(cp[0]!, cp[1] ?? 0, cp[2] ?? 0, w, S_IN, n, p(out));
    },
    extDot(a, b, n) { need(a, 4 * n, "a"); need(b, 4 * n, "b"); k.extDot(p(a), p(b), n, S_OUT); return getWords(S_OUT, 4); },
    extDotBase(a, b, n) { need(a, 4 * n, "a"); need(b, n, "b"); k.extDotBase(p(a), p(b), n, S_OUT); return getWords(S_OUT, 4); },
    extSum(a, n) { need(a, 4 * n, "a"); k.extSum(p(a), n, S_OUT); return getWords(S_OUT, 4); },
    combineRows(m, rows, cols, w, out) {
      need(m, rows * cols, "matrix"); need(w, 4 * rows, "weights"); need(out, 4 * cols, "out");
      k.combineRows(p(m), rows, cols, p(w), p(out));
    },
    combineRowsExt(m, rows, cols, w, out) {
      need(m, 4 * rows * cols, "matrix"); need(w, 4 * rows, "weights"); need(out, 4 * cols, "out");
      k.combineRowsExt(p(m), rows, cols, p(w), p(out));
    },
    matMulBatch(a, aStride, b, bExt, bStride, M, S, N, batch, out, oStride) {
      const bw = bExt ? 4 : 1;
      if (batch > 0) {
        need(a, 4 * ((batch - 1) * aStride + M * S), "a"); need(b, bw * ((batch - 1) * bStride + S * N), "b"); need(out, 4 * ((batch - 1) * oStride + M * N), "out");
      }
      k.matMulBatch(p(a), 16 * aStride, p(b), bExt, 4 * bw * bStride, M, S, N, batch, p(out), 16 * oStride);
    },
    extOuter(a, n, b, m, out) {
      need(a, 4 * n, "a"); need(b, 4 * m, "b"); need(out, 4 * n * m, "out");
      k.extOuter(p(a), n, p(b), m, p(out));
    },
    transpose(a, rows, cols, out) {
      need(a, rows * cols, "a"); need(out, rows * cols, "out");
      k.transpose(p(a), rows, cols, p(out));
    },

    ntt(a, logN) { const tw = twiddles(logN, false); need(a, 1 << logN, "ntt"); k.nttBase(p(a), logN, tw); },
    intt(a, logN) {
      const tw = twiddles(logN, true); need(a, 1 << logN, "intt");
      k.nttBase(p(a), logN, tw);
      k.vecScale(p(a), inv(2 ** logN % 2130706433), p(a), 1 << logN);
    },
    extNtt(a, logN) { const tw = twiddles(logN, false); need(a, 4 << logN, "ntt"); k.nttExt(p(a), logN, tw); },
    extIntt(a, logN) {
      const tw = twiddles(logN, true); need(a, 4 << logN, "intt");
      k.nttExt(p(a), logN, tw);
      k.vecScale(p(a), inv(2 ** logN % 2130706433), p(a), 4 << logN);
    },
    rsEncode(rows, rowCount, logM, logRate, out) {
      const tw = twiddles(logM + logRate, false);
      need(rows, rowCount << logM, "rows"); need(out, rowCount << (logM + logRate), "out");
      k.rsEncodeRows(p(rows), rowCount, logM, logRate, p(out), tw);
    },
    rsEncodeExt(rows, rowCount, logM, logRate, out) {
      const tw = twiddles(logM + logRate, false);
      need(rows, 4 * (rowCount << logM), "rows"); need(out, 4 * (rowCount << (logM + logRate)), "out");
      k.rsEncodeExtRows(p(rows), rowCount, logM, logRate, p(out), tw);
    },

    eqTable(r, out, scale) {
      const n = r.length / 4;
      need(out, 4 << n, "eq table");
      const rb = alloc(r.length, false);
      u32(rb).set(r);
      if (scale) k.eqTableFrom(rb.ptr, n, putExt(scale), p(out));
      else k.eqTable(rb.ptr, n, p(out));
      free(rb);
    },
    foldBase(inp, m, r, out) { need(inp, 2 * m, "in"); need(out, 4 * m, "out"); k.foldBase(p(inp), m, putExt(r), p(out)); },
    foldExt(inp, m, r, out) { need(inp, 8 * m, "in"); need(out, 4 * m, "out"); k.foldExt(p(inp), m, putExt(r), p(out)); },
    roundProduct(tables: Table[], m: number) {
      // Extension tables first.
      const ts: Table[] = [];
      for (const t of tables) {
        need(t.buf, (t.ext ? 8 : 2) * m, "table");
        if (t.ext) ts.push(t);
      }
      for (const t of tables) if (!t.ext) ts.push(t);
      const q: number[] = [];
      let kinds = "";
      for (const t of ts) {
        q.push(p(t.buf));
        kinds += t.ext ? "E" : "B";
      }
      if (ts.length === 2) {
        const fn = kinds === "BB" ? k.round2BB : kinds === "EB" ? k.round2EB : k.round2EE;
        fn(q[0]!, q[1]!, m, S_OUT);
        return getWords(S_OUT, 8);
      }
      if (ts.length === 3) {
        const fn = kinds === "BBB" ? k.round3BBB : kinds === "EBB" ? k.round3EBB : kinds === "EEB" ? k.round3EEB : k.round3EEE;
        fn(q[0]!, q[1]!, q[2]!, m, S_OUT);
        return getWords(S_OUT, 12);
      }
      if (ts.length <= MAX_PRODUCT) {
        // Any mix of base and extension tables, described in the scratch (two words each).
        const desc = new Uint32Array(memory.buffer, S_IN, 2 * ts.length);
        for (let j = 0; j < ts.length; j++) { desc[2 * j] = q[j]!; desc[2 * j + 1] = ts[j]!.ext ? 1 : 0; }
        k.roundProductN(S_IN, ts.length, m, S_OUT);
        return getWords(S_OUT, 4 * ts.length);
      }
      throw new Error(`kernels: roundProduct takes 2 to ${MAX_PRODUCT} tables, got ${tables.length}`);
    },
    foldRoundProduct(tables, m, r, outs) {
      if (outs.length !== tables.length) throw new Error("kernels: one output per table");
      for (let j = 0; j < tables.length; j++) { need(tables[j]!.buf, (tables[j]!.ext ? 8 : 2) * m, "table"); need(outs[j]!, 4 * m, "fold output"); }
      const rp = putExt(r);
      const [a, b, c] = tables;
      if (tables.length === 2) {
        k.foldRound2(p(a!.buf), a!.ext, p(b!.buf), b!.ext, m, rp, p(outs[0]!), p(outs[1]!), S_OUT);
        return m < 2 ? new Uint32Array(0) : getWords(S_OUT, 8);
      }
      if (tables.length === 3) {
        k.foldRound3(p(a!.buf), a!.ext, p(b!.buf), b!.ext, p(c!.buf), c!.ext, m, rp, p(outs[0]!), p(outs[1]!), p(outs[2]!), S_OUT);
        return m < 2 ? new Uint32Array(0) : getWords(S_OUT, 12);
      }
      throw new Error(`kernels: foldRoundProduct takes 2 or 3 tables, got ${tables.length}`);
    },
    gkrFoldRound(tables, pExt, m, r, lambda, outs, withOne = false) {
      checkGkr(tables, pExt, m, outs);
      const rp = putExt(r), lp = putExt(lambda, S_IN + 16);
      const [e, a, b, c, d] = tables.map(p);
      k.gkrFoldRound(e!, a!, b!, c!, d!, pExt, m, rp, lp, withOne, p(outs[0]!), p(outs[1]!), p(outs[2]!), p(outs[3]!), S_OUT);
      return m < 2 ? new Uint32Array(0) : getWords(S_OUT, 12);
    },
    gkrLayer(p0, p1, q0, q1, pExt, h, np, nq) {
      for (const b of [q0, q1, np, nq]) need(b, 4 * h, "extension table");
      for (const b of [p0, p1]) need(b, (pExt ? 4 : 1) * h, "numerator table");
      k.gkrLayer(p(p0), p(p1), p(q0), p(q1), pExt, h, p(np), p(nq));
    },
    gkrRound(S, p0, p1, q0, q1, pExt, m, lambda, withOne = false) {
      checkGkr([S, p0, p1, q0, q1], pExt, m);
      k.gkrRound(p(S), p(p0), p(p1), p(q0), p(q1), pExt, m, putExt(lambda), withOne, S_OUT);
      return getWords(S_OUT, 12);
    },
    ...oneByOne(() => backend),
    gkrRounds: (trees, m, lambda, withOne = false) => gkrList(trees, m, lambda, withOne),
    gkrFoldRounds: (trees, m, r, lambda, withOne = false) => gkrList(trees, m, lambda, withOne, r),
  };
  return counted ? countFieldOps(backend) : backend;
}
