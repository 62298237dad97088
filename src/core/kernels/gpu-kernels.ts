// The prover's heaviest loops on WebGPU, bit for bit the same as the FieldBackend contract
// (types.ts; checked against the TS reference by gpu-conformance.ts):
//
//   const K = createGpuKernels(device);       // device: gpuDevice() (browser) or nodeGpuDevice()
//   const m = K.upload(rows);                 // data goes to the GPU once…
//   const enc = K.alloc(rows.length << 2);
//   await K.rsEncode(m, rowCount, logM, 2, enc);  // …and stays there, call after call
//   const words = await K.read(enc);          // reads wait for the work before them
//
// Kernels enqueue their work and resolve once it is submitted (not done): chained calls (encode
// → hash, fold → round) run back to back on the device without a round trip. `read`,
// `roundProduct` and `finish` wait, and throw GpuKernelError if the device rejected any kernel.
// Layouts are those of types.ts: base vectors one word per element, extension vectors four
// words per element interleaved; NTTs in place in natural order; rows row-major.

import { inv, mul, rootOfUnity } from "../field/koalabear.ts";
import { EXT_ONE, type Ext, extSub } from "../field/ext.ts";
import { GpuBuf, GpuKernelError, GpuRunner, type Step } from "./gpu-runner.ts";
import { WG, extVecWgsl } from "./wgsl/field.wgsl.ts";
import { localLog, nttLocalWgsl, nttStageWgsl, scaleWgsl, type Width } from "./wgsl/ntt.wgsl.ts";
import { EQ_STEP_WGSL, foldWgsl } from "./wgsl/multilinear.wgsl.ts";
import { kindsTag, reduceWgsl, roundWgsl } from "./wgsl/sumcheck.wgsl.ts";
import { COLUMN_LEAVES_WGSL } from "./wgsl/sha256.wgsl.ts";

export { GpuBuf, GpuKernelError };

export interface GpuTable {
  buf: GpuBuf;
  ext: boolean;
}

export interface GpuKernels {
  readonly device: GPUDevice;
  alloc(words: number): GpuBuf;
  upload(data: Uint32Array): GpuBuf;
  write(b: GpuBuf, data: Uint32Array, offsetWords?: number): void;
  read(b: GpuBuf, offsetWords?: number, words?: number): Promise<Uint32Array>;
  free(b: GpuBuf): void;
  /** Waits for every submitted kernel. */
  finish(): Promise<void>;

  /** Element-wise extension add/sub/mul of n elements (out may alias an input). */
  extVec(op: "add" | "sub" | "mul", a: GpuBuf, b: GpuBuf, out: GpuBuf, n: number): Promise<void>;

  /** In-place NTT of `rows` consecutive rows of 2^logN base elements each. */
  ntt(a: GpuBuf, logN: number, rows?: number): Promise<void>;
  intt(a: GpuBuf, logN: number, rows?: number): Promise<void>;
  extNtt(a: GpuBuf, logN: number, rows?: number): Promise<void>;
  extIntt(a: GpuBuf, logN: number, rows?: number): Promise<void>;
  /** FieldBackend.rsEncode: rows × 2^logM (row-major) → rows × 2^(logM+logRate). No aliasing. */
  rsEncode(rows: GpuBuf, rowCount: number, logM: number, logRate: number, out: GpuBuf): Promise<void>;
  rsEncodeExt(rows: GpuBuf, rowCount: number, logM: number, logRate: number, out: GpuBuf): Promise<void>;

  /** eq(r, x), x_i = bit i; r: n extension elements (4n words); out: 2^n extension elements. */
  eqTable(r: Uint32Array, out: GpuBuf): Promise<void>;
  /** out[i] = in[2i] + r·(in[2i+1] − in[2i]) over m pairs of a base table (out: m ext). */
  foldBase(inp: GpuBuf, m: number, r: Ext, out: GpuBuf): Promise<void>;
  /** Same for an extension table; out may be inp. */
  foldExt(inp: GpuBuf, m: number, r: Ext, out: GpuBuf): Promise<void>;
  /** [s(0), s(2), …, s(d)] of Π_k f_k over m pairs (2 or 3 tables), reduced on the GPU. */
  roundProduct(tables: GpuTable[], m: number): Promise<Uint32Array>;
  /** Folds every table at r into outs[j] (may be tables[j].buf when extension), then the next round over m/2 pairs. */
  foldRoundProduct(tables: GpuTable[], m: number, r: Ext, outs: GpuBuf[]): Promise<Uint32Array>;

  /**
   * Merkle leaves of the columns of a row-major rows × cols matrix (e.g. rsEncode's output):
   * SHA256(prefix ‖ column as u32le words), 8 words per column whose bytes are the digest.
   */
  columnLeaves(m: GpuBuf, rows: number, cols: number, out: GpuBuf, prefix?: number): Promise<void>;
}

/** 2^32 mod p: x·R is x in Montgomery form. */
const R_MOD_P = 33554430;
const mont = (x: number): number => mul(x, R_MOD_P);
const MAX_LOG = 24;
const ROUND_GROUPS = 256;

function twiddleTable(logMax: number, inverse: boolean): Uint32Array {
  const tw = new Uint32Array(Math.max(2, 1 << logMax));
  for (let s = 0; s < logMax; s++) {
    const h = 1 << s, w0 = rootOfUnity(s + 1), w = inverse ? inv(w0) : w0;
    let x = 1;
    for (let j = 0; j < h; j++) { tw[h + j] = mont(x); x = mul(x, w); }
  }
  return tw;
}

export function createGpuKernels(device: GPUDevice): GpuKernels {
  const R = new GpuRunner(device);
  const tw: { fwd?: GpuBuf; inv?: GpuBuf; log: number } = { log: -1 };
  let scratch: GpuBuf | undefined;

  function twiddles(logN: number, inverse: boolean): GpuBuf {
    if (logN > tw.log) {
      const log = Math.max(logN, 12);
      for (const b of [tw.fwd, tw.inv]) if (b) R.free(b);
      tw.fwd = upload(twiddleTable(log, false));
      tw.inv = upload(twiddleTable(log, true));
      tw.log = log;
    }
    return inverse ? tw.inv! : tw.fwd!;
  }

  function scratchOf(words: number): GpuBuf {
    if (!scratch || scratch.len < words) {
      if (scratch) R.free(scratch);
      scratch = R.alloc(words);
    }
    return scratch;
  }

  function upload(data: Uint32Array): GpuBuf {
    const b = R.alloc(data.length);
    R.write(b, data);
    return b;
  }

  function need(b: GpuBuf, words: number, what: string): void {
    R.live(b);
    if (b.len < words) throw new GpuKernelError(`${what} needs ${words} words but its buffer has ${b.len}`);
  }

  function checkLog(logN: number, what: string): void {
    if (!Number.isInteger(logN) || logN < 0 || logN > MAX_LOG) throw new GpuKernelError(`${what} of size 2^${logN}: sizes are 2^0 … 2^${MAX_LOG}`);
  }

  function checkCount(n: number, what: string): void {
    if (!Number.isInteger(n) || n < 0) throw new GpuKernelError(`${what}: count ${n} is not a non-negative integer`);
  }

  /** Steps of a transform of `rows` rows read from src (rows of srcLen elements at srcStride, zero-padded) into dst. */
  async function transformSteps(width: Width, src: GpuBuf, srcStride: number, srcLen: number, dst: GpuBuf, logN: number, rows: number, inverse: boolean): Promise<Step[]> {
    const logB = Math.min(localLog(width), logN);
    // srcLen·2^k = 2^logN: the first k stages only replicate (see ntt.wgsl.ts).
    const skip = Math.min(logB, logN - Math.log2(srcLen));
    const t = twiddles(logN, inverse);
    const local = await R.pipeline(`ntt-local-${width}`, () => nttLocalWgsl(width));
    const stage = await R.pipeline(`ntt-stage-${width}`, () => nttStageWgsl(width, false));
    const stage2 = await R.pipeline(`ntt-stage2-${width}`, () => nttStageWgsl(width, true));
    const steps: Step[] = [{
      kind: "dispatch", pipeline: local, buffers: [src, dst, t],
      params: [logN, logB, srcStride, srcLen, rows, skip], groups: rows << (logN - logB),
    }];
    let s = logB;
    for (; s + 2 <= logN; s += 2) steps.push({ kind: "dispatch", pipeline: stage2, buffers: [dst, t], params: [logN, s, rows], groups: GpuRunner.groups(rows << (logN - 2), WG) });
    if (s < logN) steps.push({ kind: "dispatch", pipeline: stage, buffers: [dst, t], params: [logN, s, rows], groups: GpuRunner.groups(rows << (logN - 1), WG) });
    return steps;
  }

  async function nttInPlace(width: Width, a: GpuBuf, logN: number, rows: number, inverse: boolean): Promise<void> {
    const what = `${width === 4 ? "ext" : ""}${inverse ? "intt" : "ntt"}`;
    checkLog(logN, what); checkCount(rows, what);
    const words = (rows * width) << logN;
    need(a, words, what);
    if (rows === 0) return;
    const tmp = scratchOf(words);
    const n = 2 ** logN;
    const steps = await transformSteps(width, a, n, n, tmp, logN, rows, inverse);
    if (inverse) {
      const scale = await R.pipeline(`scale-${width}`, () => scaleWgsl(width));
      const count = rows << logN;
      steps.push({ kind: "dispatch", pipeline: scale, buffers: [tmp, a], params: [count, mont(inv(1 << logN))], groups: GpuRunner.groups(count, WG) });
    } else {
      steps.push({ kind: "copy", from: tmp, to: a, words });
    }
    R.submit(steps);
  }

  async function encode(width: Width, inp: GpuBuf, rowCount: number, logM: number, logRate: number, out: GpuBuf): Promise<void> {
    const what = width === 4 ? "rsEncodeExt" : "rsEncode";
    checkLog(logM + logRate, what); checkCount(rowCount, what); checkCount(logM, what); checkCount(logRate, what);
    if (inp.buffer === out.buffer) throw new GpuKernelError(`${what}: input and output must be different buffers`);
    need(inp, (rowCount * width) << logM, `${what} input`);
    need(out, (rowCount * width) << (logM + logRate), `${what} output`);
    if (rowCount === 0) return;
    const m = 2 ** logM;
    R.submit(await transformSteps(width, inp, m, m, out, logM + logRate, rowCount, false));
  }

  /** Runs fn writing to out, through a temporary when out aliases an input (WebGPU forbids that binding). */
  async function viaTemp(inputs: GpuBuf[], out: GpuBuf, words: number, fn: (o: GpuBuf) => Promise<Step[]>): Promise<void> {
    const alias = inputs.some((b) => b.buffer === out.buffer);
    const o = alias ? scratchOf(words) : out;
    const steps = await fn(o);
    if (alias) steps.push({ kind: "copy", from: o, to: out, words });
    R.submit(steps);
  }

  async function fold(ext: boolean, inp: GpuBuf, m: number, r: Ext, out: GpuBuf): Promise<void> {
    const what = ext ? "foldExt" : "foldBase";
    checkCount(m, what);
    if (!ext && inp.buffer === out.buffer) throw new GpuKernelError("foldBase: input and output must be different buffers");
    need(inp, (ext ? 8 : 2) * m, `${what} input`);
    need(out, 4 * m, `${what} output`);
    const pipe = await R.pipeline(`fold-${ext ? "E" : "B"}`, () => foldWgsl(ext));
    const rm = Array.from(r.subarray(0, 4), mont);
    await viaTemp([inp], out, 4 * m, async (o) => [{ kind: "dispatch", pipeline: pipe, buffers: [inp, o], params: [m, 0, 0, 0, ...rm], groups: GpuRunner.groups(m, WG) }]);
  }

  async function roundProduct(tables: GpuTable[], m: number): Promise<Uint32Array> {
    const d = tables.length;
    if (d !== 2 && d !== 3) throw new GpuKernelError(`roundProduct takes 2 or 3 tables, not ${d}`);
    checkCount(m, "roundProduct");
    tables.forEach((t, j) => need(t.buf, (t.ext ? 8 : 2) * m, `roundProduct table ${j}`));
    if (m === 0) return new Uint32Array(4 * d);
    const sorted = [...tables.filter((t) => t.ext), ...tables.filter((t) => !t.ext)];
    const kinds = sorted.map((t) => t.ext);
    const [pass1, pass2] = await Promise.all([
      R.pipeline(`round-${kindsTag(kinds)}`, () => roundWgsl(kinds)),
      R.pipeline(`reduce-${d}`, () => reduceWgsl(d)),
    ]);
    const groups = Math.min(ROUND_GROUPS, GpuRunner.groups(m, WG));
    const partials = R.alloc(4 * d * groups), out = R.alloc(4 * d);
    try {
      // d factors carry 2^(-32(d−1)); reduce multiplies by corr·2^-32 with corr = 2^(32d) mod p.
      let corr = 1;
      for (let k = 0; k < d; k++) corr = mul(corr, R_MOD_P);
      R.submit([
        { kind: "dispatch", pipeline: pass1, buffers: [...sorted.map((t) => t.buf), partials], params: [m], groups },
        { kind: "dispatch", pipeline: pass2, buffers: [partials, out], params: [groups, corr], groups: 1 },
      ]);
      return await R.read(out);
    } finally {
      R.free(partials); R.free(out);
    }
  }

  return {
    device,
    alloc: (words) => R.alloc(words),
    upload,
    write: (b, data, off) => R.write(b, data, off),
    read: (b, off, words) => R.read(b, off, words),
    free: (b) => R.free(b),
    finish: () => R.finish(),

    async extVec(op, a, b, out, n) {
      checkCount(n, `ext ${op}`);
      for (const x of [a, b, out]) need(x, 4 * n, `ext ${op}`);
      const pipe = await R.pipeline(`ext-${op}`, () => extVecWgsl(op));
      await viaTemp([a, b], out, 4 * n, async (o) => [{ kind: "dispatch", pipeline: pipe, buffers: [a, b, o], params: [n], groups: GpuRunner.groups(n, WG) }]);
    },

    ntt: (a, logN, rows = 1) => nttInPlace(1, a, logN, rows, false),
    intt: (a, logN, rows = 1) => nttInPlace(1, a, logN, rows, true),
    extNtt: (a, logN, rows = 1) => nttInPlace(4, a, logN, rows, false),
    extIntt: (a, logN, rows = 1) => nttInPlace(4, a, logN, rows, true),
    rsEncode: (inp, rowCount, logM, logRate, out) => encode(1, inp, rowCount, logM, logRate, out),
    rsEncodeExt: (inp, rowCount, logM, logRate, out) => encode(4, inp, rowCount, logM, logRate, out),

    async eqTable(r, out) {
      const n = r.length / 4;
      if (!Number.isInteger(n) || n > MAX_LOG) throw new GpuKernelError(`eqTable: r has ${r.length} words; give n ≤ ${MAX_LOG} extension elements (4n words)`);
      need(out, 4 << n, "eqTable output");
      const pipe = await R.pipeline("eq-step", () => EQ_STEP_WGSL);
      const consts = new Uint32Array(Math.max(4, 8 * n));
      for (let i = 0; i < n; i++) {
        const ri = r.subarray(4 * i, 4 * i + 4);
        consts.set(Array.from(extSub(EXT_ONE, ri), mont), 8 * i);
        consts.set(Array.from(ri, mont), 8 * i + 4);
      }
      const cb = upload(consts);
      R.write(out, EXT_ONE);
      const steps: Step[] = [];
      for (let i = 0; i < n; i++) steps.push({ kind: "dispatch", pipeline: pipe, buffers: [out, cb], params: [i], groups: GpuRunner.groups(1 << i, WG) });
      R.submit(steps);
      R.free(cb);
    },
    foldBase: (inp, m, r, out) => fold(false, inp, m, r, out),
    foldExt: (inp, m, r, out) => fold(true, inp, m, r, out),
    roundProduct,
    async foldRoundProduct(tables, m, r, outs) {
      if (outs.length !== tables.length) throw new GpuKernelError(`foldRoundProduct: ${tables.length} tables but ${outs.length} outputs`);
      for (let j = 0; j < tables.length; j++) await fold(tables[j]!.ext, tables[j]!.buf, m, r, outs[j]!);
      if (m < 2) { await R.check(); return new Uint32Array(0); }
      return roundProduct(outs.map((buf) => ({ buf, ext: true })), m >> 1);
    },
    async columnLeaves(m, rows, cols, out, prefix = 0) {
      checkCount(rows, "columnLeaves"); checkCount(cols, "columnLeaves");
      if (m.buffer === out.buffer) throw new GpuKernelError("columnLeaves: matrix and digests must be different buffers");
      need(m, rows * cols, "columnLeaves matrix");
      need(out, 8 * cols, "columnLeaves output");
      const pipe = await R.pipeline("column-leaves", () => COLUMN_LEAVES_WGSL);
      R.submit([{ kind: "dispatch", pipeline: pipe, buffers: [m, out], params: [rows, cols, prefix & 0xff], groups: GpuRunner.groups(cols, WG) }]);
    },
  };
}

const perDevice = new WeakMap<GPUDevice, GpuKernels>();

/** One kernels instance per device (its pipelines and twiddles are shared by every caller). */
export function gpuKernelsFor(device: GPUDevice): GpuKernels {
  let k = perDevice.get(device);
  if (!k) { k = createGpuKernels(device); perDevice.set(device, k); }
  return k;
}
