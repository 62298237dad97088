// Bit-for-bit conformance of the WebGPU kernels (gpu-kernels.ts) against the TypeScript
// reference backend, on random and edge inputs: extension arithmetic, NTT / inverse NTT (base and
// extension, batched rows, up to 2^20), RS encoding at rates 1/2 and 1/4, eq tables, folding,
// sumcheck rounds of every table mix, a resident chain (eq → fold → round), and the typed
// errors of bad calls. The same function runs in Node (Vitest, through Dawn) and in the browser
// (window.zkml.gpuConformance, Playwright), so both test exactly this code.

import { sha256 } from "@noble/hashes/sha2.js";
import { P } from "../field/koalabear.ts";
import { GpuKernelError, type GpuBuf, type GpuKernels } from "./gpu-kernels.ts";
import { tsBackend } from "./index.ts";
import type { Buf, FieldBackend } from "./types.ts";

export interface GpuCase {
  name: string;
  ok: boolean;
  detail?: string;
  ms?: number;
}

export interface GpuConformanceOptions {
  /** Larger sizes (extension NTT at 2^20, more rows); minutes on a software adapter. */
  full?: boolean;
  /** Only the cases whose name contains this. */
  only?: string;
}

const EDGES = [0, 1, 2, P - 1, P - 2, (P - 1) >>> 1, (P + 1) >>> 1, 1 << 24, (1 << 24) - 1, 0xffff, 0x10000, P - (1 << 24), 3];

/** Deterministic field words: every edge value first (at shifting positions), then mulberry32 draws below p. */
export function fieldWords(count: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let s = (seed * 0x9e3779b1) >>> 0;
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) % P;
    out[i] = i < 3 * EDGES.length ? EDGES[(i + seed) % EDGES.length]! : r;
  }
  return out;
}

function mismatch(got: Uint32Array, want: Uint32Array): string | undefined {
  if (got.length !== want.length) return `got ${got.length} words, want ${want.length}`;
  const i = got.findIndex((v, k) => v !== want[k]);
  return i < 0 ? undefined : `word ${i} of ${got.length}: got ${got[i]}, want ${want[i]}`;
}

/** The TS reference on copies of `inputs`; returns what `op` returns or the written output. */
function reference(inputs: Uint32Array[], outWords: number, op: (T: FieldBackend, ins: Buf[], out: Buf) => Uint32Array | void): Uint32Array {
  const T = tsBackend();
  const ins = inputs.map((x) => T.from(x)), out = T.alloc(outWords);
  return op(T, ins, out) ?? T.read(out);
}

/** The same on the GPU, freeing every buffer afterwards. */
async function onGpu(K: GpuKernels, inputs: Uint32Array[], outWords: number, op: (ins: GpuBuf[], out: GpuBuf) => Promise<Uint32Array | void>): Promise<Uint32Array> {
  const ins = inputs.map((x) => K.upload(x)), out = K.alloc(outWords);
  try {
    return (await op(ins, out)) ?? (await K.read(out));
  } finally {
    [...ins, out].forEach((b) => K.free(b));
  }
}

export async function runGpuConformance(K: GpuKernels, opts: GpuConformanceOptions = {}): Promise<GpuCase[]> {
  const cases: GpuCase[] = [];
  const want = (name: string) => !opts.only || name.includes(opts.only);
  async function check(
    name: string, inputs: Uint32Array[], outWords: number,
    ref: (T: FieldBackend, ins: Buf[], out: Buf) => Uint32Array | void,
    gpu: (ins: GpuBuf[], out: GpuBuf) => Promise<Uint32Array | void>,
  ): Promise<void> {
    if (!want(name)) return;
    const t0 = performance.now();
    try {
      const got = await onGpu(K, inputs, outWords, gpu);
      const ms = performance.now() - t0;
      const d = mismatch(got, reference(inputs, outWords, ref));
      cases.push({ name, ok: !d, detail: d, ms });
    } catch (e) {
      cases.push({ name, ok: false, detail: String(e) });
    }
  }
  async function rejects(name: string, fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
    if (!want(name)) return;
    try {
      await fn();
      cases.push({ name, ok: false, detail: "no error" });
    } catch (e) {
      const ok = e instanceof GpuKernelError && pattern.test(e.message);
      cases.push({ name, ok, detail: ok ? undefined : `wrong error: ${String(e)}` });
    }
  }
  let seed = 1;
  const w = (n: number) => fieldWords(n, seed++);

  // ---- extension arithmetic (and X^4 = 3 through it) ----
  const n = 2 * 13 * 13 + 301;
  const ea = w(4 * n), eb = w(4 * n);
  for (const op of ["add", "sub", "mul"] as const) {
    const ref = (T: FieldBackend, [x, y]: Buf[], o: Buf) => { ({ add: T.extAdd, sub: T.extSub, mul: T.extMul })[op].call(T, x!, y!, o, n); };
    await check(`ext ${op}`, [ea, eb], 4 * n, ref, async ([x, y], o) => K.extVec(op, x!, y!, o, n));
    await check(`ext ${op} in place`, [ea, eb], 4 * n, ref, async ([x, y]) => { await K.extVec(op, x!, y!, x!, n); return K.read(x!); });
  }
  const X = Uint32Array.of(0, 1, 0, 0);
  await check("X^4 = 3", [X], 4, () => Uint32Array.of(3, 0, 0, 0), async ([x], o) => {
    await K.extVec("mul", x!, x!, o, 1);
    await K.extVec("mul", o, o, o, 1);
  });

  // ---- NTT: sizes around the workgroup-local block (2^10 ext, 2^12 base) and odd/even global stage counts ----
  const nttLogs = [0, 1, 2, 3, 5, 9, 10, 11, 12, 13, 14, 15, 17];
  for (const logN of nttLogs) {
    const rows = logN <= 12 ? 3 : 1;
    const v = w(rows << logN), e = w((4 * rows) << logN);
    const tag = `2^${logN}${rows > 1 ? ` ×${rows} rows` : ""}`;
    await check(`ntt ${tag}`, [v], 0, (T, [x]) => { for (let r = 0; r < rows; r++) T.ntt(T.slice(x!, r << logN, 1 << logN), logN); return T.read(x!); },
      async ([x]) => { await K.ntt(x!, logN, rows); return K.read(x!); });
    await check(`intt ${tag}`, [v], 0, (T, [x]) => { for (let r = 0; r < rows; r++) T.intt(T.slice(x!, r << logN, 1 << logN), logN); return T.read(x!); },
      async ([x]) => { await K.intt(x!, logN, rows); return K.read(x!); });
    if (logN > 15 && !opts.full) continue;
    await check(`extNtt ${tag}`, [e], 0, (T, [x]) => { for (let r = 0; r < rows; r++) T.extNtt(T.slice(x!, (4 * r) << logN, 4 << logN), logN); return T.read(x!); },
      async ([x]) => { await K.extNtt(x!, logN, rows); return K.read(x!); });
    await check(`extIntt ${tag}`, [e], 0, (T, [x]) => { for (let r = 0; r < rows; r++) T.extIntt(T.slice(x!, (4 * r) << logN, 4 << logN), logN); return T.read(x!); },
      async ([x]) => { await K.extIntt(x!, logN, rows); return K.read(x!); });
  }
  for (const logN of opts.full ? [20] : [20]) {
    const v = w(1 << logN);
    await check(`ntt 2^${logN}`, [v], 0, (T, [x]) => { T.ntt(x!, logN); return T.read(x!); }, async ([x]) => { await K.ntt(x!, logN); return K.read(x!); });
    await check(`ntt then intt 2^${logN} is the identity`, [v], 0, () => v, async ([x]) => { await K.ntt(x!, logN); await K.intt(x!, logN); return K.read(x!); });
    if (opts.full) {
      const e = w(4 << logN);
      await check(`extNtt 2^${logN}`, [e], 0, (T, [x]) => { T.extNtt(x!, logN); return T.read(x!); }, async ([x]) => { await K.extNtt(x!, logN); return K.read(x!); });
    }
  }

  // ---- Reed–Solomon encoding (rate 1/4 is the PCS's; 1/2 for the padding logic) ----
  const encodings: [number, number, number][] = [[1, 0, 2], [5, 3, 2], [64, 8, 2], [3, 11, 2], [16, 12, 2], [7, 9, 1], [2, 13, 2]];
  if (opts.full) encodings.push([64, 12, 2], [256, 11, 2]);
  for (const [rows, logM, logRate] of encodings) {
    const M = rows << logM, N = rows << (logM + logRate);
    await check(`rsEncode ${rows}×2^${logM} rate 2^-${logRate}`, [w(M)], N, (T, [x], o) => T.rsEncode(x!, rows, logM, logRate, o),
      async ([x], o) => K.rsEncode(x!, rows, logM, logRate, o));
    if (logM > 11) continue;
    await check(`rsEncodeExt ${rows}×2^${logM} rate 2^-${logRate}`, [w(4 * M)], 4 * N, (T, [x], o) => T.rsEncodeExt(x!, rows, logM, logRate, o),
      async ([x], o) => K.rsEncodeExt(x!, rows, logM, logRate, o));
  }

  // ---- eq tables, folding ----
  for (const nv of [0, 1, 2, 7, 12, ...(opts.full ? [16] : [])]) {
    const r = w(4 * nv);
    await check(`eqTable n=${nv}`, [], 4 << nv, (T, _i, o) => T.eqTable(r, o), async (_i, o) => K.eqTable(r, o));
  }
  for (const m of [1, 5, 128, 4099]) {
    const r = w(4), base = w(2 * m), ext = w(8 * m);
    await check(`foldBase m=${m}`, [base], 4 * m, (T, [x], o) => T.foldBase(x!, m, r, o), async ([x], o) => K.foldBase(x!, m, r, o));
    await check(`foldExt m=${m}`, [ext], 4 * m, (T, [x], o) => T.foldExt(x!, m, r, o), async ([x], o) => K.foldExt(x!, m, r, o));
    await check(`foldExt in place m=${m}`, [ext], 4 * m, (T, [x], o) => T.foldExt(x!, m, r, o),
      async ([x]) => { await K.foldExt(x!, m, r, x!); return K.read(x!, 0, 4 * m); });
  }

  // ---- sumcheck rounds: every mix of base/extension tables, in any order ----
  const mixes = ["BB", "EB", "BE", "EE", "BBB", "EBB", "BEB", "EEB", "BEE", "EEE"];
  const sizes = opts.full ? [1, 7, 300, 40000, 1 << 18] : [1, 7, 300, 40000];
  for (const mix of mixes) {
    const kinds = [...mix].map((c) => c === "E");
    for (const m of sizes) {
      if (m > 300 && !["BB", "EB", "EEE", "EEB"].includes(mix)) continue;
      const data = kinds.map((e) => w((e ? 8 : 2) * m));
      await check(`roundProduct ${mix} m=${m}`, data, 0, (T, ins) => T.roundProduct(ins.map((buf, j) => ({ buf, ext: kinds[j]! })), m),
        async (ins) => K.roundProduct(ins.map((buf, j) => ({ buf, ext: kinds[j]! })), m));
    }
    for (const m of [1, 2, 33]) {
      const data = kinds.map((e) => w((e ? 8 : 2) * m)), r = w(4);
      const both = (next: Uint32Array, outs: Uint32Array[]) => Uint32Array.from([...next, ...outs.flatMap((o) => [...o])]);
      await check(`foldRoundProduct ${mix} m=${m}`, data, 0,
        (T, ins) => {
          const outs = ins.map(() => T.alloc(4 * m));
          return both(T.foldRoundProduct(ins.map((buf, j) => ({ buf, ext: kinds[j]! })), m, r, outs), outs.map((o) => T.read(o)));
        },
        async (ins) => {
          // Extension tables fold in place, base ones into fresh buffers.
          const outs = ins.map((b, j) => (kinds[j] ? b : K.alloc(4 * m)));
          const next = await K.foldRoundProduct(ins.map((buf, j) => ({ buf, ext: kinds[j]! })), m, r, outs);
          const res = both(next, await Promise.all(outs.map((o) => K.read(o, 0, 4 * m))));
          outs.forEach((o, j) => { if (!kinds[j]) K.free(o); });
          return res;
        });
    }
  }

  // ---- a resident chain: eq(r) ⊙-folded with a table, then a round, nothing read in between ----
  {
    const nv = 11, r = w(4 * nv), f = w(2 << nv), c = w(4);
    await check("chain eqTable → foldBase → roundProduct", [f], 0,
      (T, [x]) => {
        const eq = T.alloc(4 << nv), g = T.alloc(4 << (nv - 1)), eqf = T.alloc(4 << (nv - 1));
        T.eqTable(r, eq); T.foldBase(x!, 1 << (nv - 1), c, g); T.foldExt(eq, 1 << (nv - 1), c, eqf);
        return T.roundProduct([{ buf: eqf, ext: true }, { buf: g, ext: true }], 1 << (nv - 2));
      },
      async ([x]) => {
        const eq = K.alloc(4 << nv), g = K.alloc(4 << (nv - 1));
        await K.eqTable(r, eq); await K.foldBase(x!, 1 << (nv - 1), c, g); await K.foldExt(eq, 1 << (nv - 1), c, eq);
        const s = await K.roundProduct([{ buf: eq, ext: true }, { buf: g, ext: true }], 1 << (nv - 2));
        K.free(eq); K.free(g);
        return s;
      });
  }

  // ---- Merkle leaves of encoded columns (SHA-256 against @noble/hashes), alone and after encoding ----
  const leafRef = (mat: Uint32Array, rows: number, cols: number): Uint32Array => {
    const out = new Uint8Array(32 * cols), msg = new Uint8Array(1 + 4 * rows);
    const dv = new DataView(msg.buffer);
    for (let c = 0; c < cols; c++) {
      for (let i = 0; i < rows; i++) dv.setUint32(1 + 4 * i, mat[i * cols + c]!, true);
      out.set(sha256(msg), 32 * c);
    }
    return new Uint32Array(out.buffer);
  };
  // Heights whose padding falls on every boundary case (15 = 61 bytes: the length spills into a new block).
  for (const [rows, cols] of [[1, 3], [13, 5], [14, 7], [15, 9], [16, 130], [2048, 33]] as const) {
    const mat = w(rows * cols);
    await check(`columnLeaves ${rows}×${cols}`, [mat], 8 * cols, () => leafRef(mat, rows, cols), async ([x], o) => K.columnLeaves(x!, rows, cols, o));
  }
  {
    const rows = 32, logM = 6, mat = w(rows << logM), cols = 1 << (logM + 2);
    await check("chain rsEncode → columnLeaves", [mat], 8 * cols,
      (T, [x]) => { const e = T.alloc(rows * cols); T.rsEncode(x!, rows, logM, 2, e); return leafRef(T.read(e), rows, cols); },
      async ([x], o) => { const e = K.alloc(rows * cols); await K.rsEncode(x!, rows, logM, 2, e); await K.columnLeaves(e, rows, cols, o); K.free(e); });
  }

  // ---- typed errors at the boundary ----
  const small = K.alloc(8);
  await rejects("rejects an NTT larger than its buffer", () => K.ntt(small, 4), /needs 16 words/);
  await rejects("rejects an NTT size beyond 2^24", () => K.ntt(small, 25), /sizes are 2\^0/);
  await rejects("rejects RS encoding in place", () => K.rsEncode(small, 1, 1, 2, small), /different buffers/);
  await rejects("rejects a round of 4 tables", () => K.roundProduct([1, 2, 3, 4].map(() => ({ buf: small, ext: false })), 1), /2 or 3 tables/);
  await rejects("rejects a short sumcheck table", () => K.roundProduct([{ buf: small, ext: true }, { buf: small, ext: true }], 2), /table 0 needs 16 words/);
  K.free(small);
  await rejects("rejects a freed buffer", () => K.ntt(small, 1), /freed buffer/);
  return cases;
}
