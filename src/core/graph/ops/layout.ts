// Ops that move elements: Transpose, Concat, Split, Slice, Gather, GatherElements, GatherND, Tile, Pad,
// DepthToSpace, SpaceToDepth.
import { allocValues, sizeOf, stridesOf, type Tensor, type TensorValues } from "../tensor.ts";
import { axisOf, constInts, fail, num, req, type OpCtx, type OpDef, type OutMeta, type ValueMeta } from "./op.ts";

type AnyCtx = OpCtx<ValueMeta> | OpCtx<Tensor>;
type Writable = { [i: number]: unknown; length: number };

/**
 * Builds a tensor of `shape` whose element at each output position comes from `src` at the
 * offset given by per-axis maps (input offset contribution per output coordinate; -1 = fill).
 */
function gatherByAxisMaps(src: Tensor, shape: number[], maps: Int32Array[], fill: number | string = 0): Tensor {
  const n = sizeOf(shape), r = shape.length;
  const out = allocValues(src.dtype, n) as Writable;
  if (n === 0) return { dtype: src.dtype, shape, data: out as TensorValues };
  const data = src.data as Writable;
  const c = new Array<number>(r).fill(0);
  const inner = r === 0 ? 1 : shape[r - 1]!;
  const lastMap = r === 0 ? Int32Array.of(0) : maps[r - 1]!;
  for (let i = 0; i < n; i += inner) {
    let base = 0, outside = false;
    for (let d = 0; d < r - 1; d++) {
      const m = maps[d]![c[d]!]!;
      if (m < 0) { outside = true; break; }
      base += m;
    }
    for (let j = 0; j < inner; j++) {
      const m = lastMap[j]!;
      out[i + j] = outside || m < 0 ? fill : data[base + m];
    }
    for (let d = r - 2; d >= 0; d--) {
      if (++c[d]! < shape[d]!) break;
      c[d] = 0;
    }
  }
  return { dtype: src.dtype, shape, data: out as TensorValues };
}

/** Copies n contiguous elements (typed arrays by block copy). */
function copyRun(dst: TensorValues, at: number, src: TensorValues, from: number, n: number): void {
  if (Array.isArray(dst) || Array.isArray(src)) {
    for (let j = 0; j < n; j++) (dst as unknown[])[at + j] = (src as unknown[])[from + j];
  } else {
    (dst as Float32Array).set((src as Float32Array).subarray(from, from + n), at);
  }
}

function permOf(ctx: AnyCtx, rank: number): number[] {
  const perm = ctx.attrs.ints("perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => p < 0 || p >= rank)) {
    throw fail(ctx, `perm [${perm.join(",")}] is not a permutation of ${rank} axes`);
  }
  return perm;
}

/** x with its axes in the order `perm`. */
function permuted(x: Tensor, perm: number[]): Tensor {
  const st = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]!);
  return gatherByAxisMaps(x, shape, perm.map((p, d) => Int32Array.from({ length: shape[d]! }, (_, i) => i * st[p]!)));
}

const transpose: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    return [{ dtype: x.dtype, shape: permOf(ctx, x.shape.length).map((p) => x.shape[p]!) }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    return [permuted(x, permOf(ctx, x.shape.length))];
  },
};

function concatPlan(ctx: AnyCtx, ins: { shape: number[] }[]): { axis: number; shape: number[] } {
  const rank = ins[0]!.shape.length;
  const axis = axisOf(ctx, ctx.attrs.int("axis", 0), rank);
  const shape = [...ins[0]!.shape];
  shape[axis] = 0;
  for (const t of ins) {
    if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== shape[i])) {
      throw fail(ctx, `inputs [${ins.map((v) => v.shape.join(",")).join("] [")}] differ outside axis ${axis}`);
    }
    shape[axis]! += t.shape[axis]!;
  }
  return { axis, shape };
}

const concat: OpDef = {
  infer(ctx) {
    const ins = ctx.inputs.filter((v): v is ValueMeta => v !== undefined);
    if (ins.length === 0) throw fail(ctx, "needs at least one input");
    for (const v of ins) if (v.dtype !== ins[0]!.dtype) throw fail(ctx, `inputs mix ${ins[0]!.dtype} and ${v.dtype}`);
    return [{ dtype: ins[0]!.dtype, shape: concatPlan(ctx, ins).shape }];
  },
  run(ctx) {
    const ins = ctx.inputs.filter((v): v is Tensor => v !== undefined);
    const { axis, shape } = concatPlan(ctx, ins);
    const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis + 1));
    const out = allocValues(ins[0]!.dtype, sizeOf(shape));
    const row = shape[axis]! * inner;
    let at = 0;
    for (const t of ins) {
      const chunk = t.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) copyRun(out, o * row + at, t.data, o * chunk, chunk);
      at += chunk;
    }
    return [{ dtype: ins[0]!.dtype, shape, data: out }];
  },
};

function splitSizes(ctx: AnyCtx, shape: number[]): { axis: number; sizes: number[] } {
  const axis = axisOf(ctx, ctx.attrs.int("axis", 0), shape.length);
  const dim = shape[axis]!;
  let sizes = ctx.opset < 13 ? ctx.attrs.ints("split") : constInts(ctx, 1, "split");
  if (!sizes || sizes.length === 0) {
    const parts = ctx.attrs.int("num_outputs", ctx.nOutputs);
    const each = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, dim - i * each)));
    if (!ctx.attrs.has("num_outputs") && dim % parts !== 0) throw fail(ctx, `axis of size ${dim} does not split into ${parts} equal parts`);
  }
  if (sizes.reduce((s, v) => s + v, 0) !== dim || sizes.some((v) => v < 0)) {
    throw fail(ctx, `split sizes [${sizes.join(",")}] do not add up to ${dim}`);
  }
  if (sizes.length !== ctx.nOutputs) throw fail(ctx, `${sizes.length} split sizes for ${ctx.nOutputs} outputs`);
  return { axis, sizes };
}

const split: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    const { axis, sizes } = splitSizes(ctx, x.shape);
    return sizes.map((s): OutMeta => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
  },
  run(ctx) {
    const x = req(ctx, 0);
    const { axis, sizes } = splitSizes(ctx, x.shape);
    let at = 0;
    return sizes.map((s) => {
      const shape = x.shape.map((d, i) => (i === axis ? s : d));
      const maps = shape.map((d, i) => {
        const st = stridesOf(x.shape)[i]!;
        return Int32Array.from({ length: d }, (_, k) => (i === axis ? (k + at) * st : k * st));
      });
      at += s;
      return gatherByAxisMaps(x, shape, maps);
    });
  },
};

interface SliceAxis { start: number; step: number; len: number }

function slicePlan(ctx: AnyCtx, shape: number[]): SliceAxis[] {
  const old = ctx.opset < 10;
  const starts = old ? ctx.attrs.ints("starts") : constInts(ctx, 1, "starts");
  const ends = old ? ctx.attrs.ints("ends") : constInts(ctx, 2, "ends");
  if (!starts || !ends || starts.length !== ends.length) throw fail(ctx, "starts and ends must be given with the same length");
  const axes = (old ? ctx.attrs.ints("axes") : constInts(ctx, 3, "axes")) ?? starts.map((_, i) => i);
  const steps = (old ? undefined : constInts(ctx, 4, "steps")) ?? starts.map(() => 1);
  const plan: SliceAxis[] = shape.map(() => ({ start: 0, step: 1, len: 0 }));
  shape.forEach((d, i) => { plan[i]!.len = d; });
  axes.forEach((a0, k) => {
    const a = axisOf(ctx, a0, shape.length), dim = shape[a]!, step = steps[k]!;
    if (!step) throw fail(ctx, "slice step is zero");
    let s = starts[k]!, e = ends[k]!;
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
    } else {
      s = Math.min(Math.max(s, 0), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
    }
    plan[a] = { start: s, step, len: Math.max(0, Math.ceil((e - s) / step)) };
  });
  return plan;
}

const slice: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    return [{ dtype: x.dtype, shape: slicePlan(ctx, x.shape).map((p) => p.len) }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    const plan = slicePlan(ctx, x.shape), st = stridesOf(x.shape);
    const maps = plan.map((p, d) => Int32Array.from({ length: p.len }, (_, i) => (p.start + i * p.step) * st[d]!));
    return [gatherByAxisMaps(x, plan.map((p) => p.len), maps)];
  },
};

function indexValues(ctx: AnyCtx, t: Tensor, dim: number): Int32Array {
  const src = num(ctx, t).data;
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = wrapIndex(ctx, src[i]!, dim);
  return out;
}

const gather: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0), idx = req(ctx, 1);
    const axis = axisOf(ctx, ctx.attrs.int("axis", 0), x.shape.length);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
  },
  run(ctx) {
    const x = req(ctx, 0), it = req(ctx, 1);
    const axis = axisOf(ctx, ctx.attrs.int("axis", 0), x.shape.length);
    const idx = indexValues(ctx, it, x.shape[axis]!);
    const outer = sizeOf(x.shape.slice(0, axis)), inner = sizeOf(x.shape.slice(axis + 1)), dim = x.shape[axis]!;
    const shape = [...x.shape.slice(0, axis), ...it.shape, ...x.shape.slice(axis + 1)];
    const out = allocValues(x.dtype, sizeOf(shape));
    let o = 0;
    for (let a = 0; a < outer; a++) {
      for (let k = 0; k < idx.length; k++) {
        const from = (a * dim + idx[k]!) * inner;
        copyRun(out, o, x.data, from, inner);
        o += inner;
      }
    }
    return [{ dtype: x.dtype, shape, data: out }];
  },
};

const gatherElements: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0), idx = req(ctx, 1);
    if (idx.shape.length !== x.shape.length) throw fail(ctx, "indices must have the data's rank");
    return [{ dtype: x.dtype, shape: idx.shape }];
  },
  run(ctx) {
    const x = req(ctx, 0), it = req(ctx, 1);
    const offsets = gatherElementsOffsets(ctx, x.shape, it.shape, axisOf(ctx, ctx.attrs.int("axis", 0), x.shape.length), num(ctx, it).data);
    const out = allocValues(x.dtype, offsets.length) as Writable;
    const src = x.data as Writable;
    for (let i = 0; i < offsets.length; i++) out[i] = src[offsets[i]!];
    return [{ dtype: x.dtype, shape: it.shape, data: out as TensorValues }];
  },
};

/** An index along an axis of size `dim`, negative ones from its end; out of range fails naming the node. */
function wrapIndex(ctx: { node: string }, v: number, dim: number): number {
  const i = v < 0 ? v + dim : v;
  if (!(i >= 0 && i < dim)) throw fail(ctx, `index ${v} is out of range for an axis of size ${dim}`);
  return i;
}

/**
 * GatherElements' flat data offset of every output element (row-major over the indices' shape):
 * its own coordinates, but the index at `axis` (normalized). The evaluator reads them, and the
 * quantizer proves the op as a gather at them.
 */
export function gatherElementsOffsets(ctx: { node: string }, data: readonly number[], idxShape: readonly number[], axis: number, indices: ArrayLike<number | bigint>): Float64Array {
  const r = data.length, xs = stridesOf(data), c = new Array<number>(r).fill(0);
  const out = new Float64Array(indices.length);
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < r; d++) off += (d === axis ? wrapIndex(ctx, Number(indices[i]!), data[d]!) : c[d]!) * xs[d]!;
    out[i] = off;
    for (let d = r - 1; d >= 0; d--) {
      if (++c[d]! < idxShape[d]!) break;
      c[d] = 0;
    }
  }
  return out;
}

type Named = { node: string; attrs: { int(name: string, def: number): number } };

/** GatherND's output shape: indices' leading dims, then the data dims its last axis does not address. */
function gatherNdShape(ctx: Named, data: readonly number[], indices: readonly number[]): { b: number; k: number; shape: number[] } {
  const b = ctx.attrs.int("batch_dims", 0), r = data.length, q = indices.length;
  if (q < 1) throw fail(ctx, "indices must have rank 1 or more");
  const k = indices[q - 1]!;
  if (!Number.isInteger(b) || b < 0 || b >= Math.min(r, q)) throw fail(ctx, `batch_dims ${b} must be below the ranks of data (${r}) and indices (${q})`);
  if (!(k >= 1 && k <= r - b)) throw fail(ctx, `the indices' last dimension (${k}) must address 1 to ${r - b} data axes`);
  for (let d = 0; d < b; d++) if (data[d] !== indices[d]) throw fail(ctx, `batch dimension ${d}: data has ${data[d]}, indices ${indices[d]}`);
  return { b, k, shape: [...indices.slice(0, q - 1), ...data.slice(b + k)] };
}

/**
 * GatherND's plan: the output shape, the size of the block each index tuple picks, and each
 * block's flat data offset. The evaluator copies the blocks; the quantizer proves the op as a
 * gather of them.
 */
export function gatherNdPlan(ctx: Named, data: readonly number[], idxShape: readonly number[], indices: ArrayLike<number | bigint>): { shape: number[]; inner: number; offsets: Float64Array } {
  const { b, k, shape } = gatherNdShape(ctx, data, idxShape);
  const xs = stridesOf(data), inner = sizeOf(data.slice(b + k));
  const batch = sizeOf(data.slice(0, b)), batchStride = b === 0 ? 0 : xs[b - 1]!;
  const tuples = sizeOf(idxShape.slice(0, -1)), perBatch = batch === 0 ? 0 : tuples / batch;
  const offsets = new Float64Array(tuples);
  for (let t = 0; t < tuples; t++) {
    let from = Math.floor(t / perBatch) * batchStride;
    for (let j = 0; j < k; j++) from += wrapIndex(ctx, Number(indices[t * k + j]!), data[b + j]!) * xs[b + j]!;
    offsets[t] = from;
  }
  return { shape, inner, offsets };
}

const gatherND: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0), idx = req(ctx, 1);
    return [{ dtype: x.dtype, shape: gatherNdShape(ctx, x.shape, idx.shape).shape }];
  },
  run(ctx) {
    const x = req(ctx, 0), it = req(ctx, 1);
    const { shape, inner, offsets } = gatherNdPlan(ctx, x.shape, it.shape, num(ctx, it).data);
    const out = allocValues(x.dtype, sizeOf(shape));
    offsets.forEach((from, t) => copyRun(out, t * inner, x.data, from, inner));
    return [{ dtype: x.dtype, shape, data: out }];
  },
};

function tileRepeats(ctx: AnyCtx, shape: number[]): number[] {
  const reps = constInts(ctx, 1, "repeats")!;
  if (reps.length !== shape.length || reps.some((v) => v < 0 || !Number.isInteger(v))) {
    throw fail(ctx, `repeats [${reps.join(",")}] must be ${shape.length} non-negative integers`);
  }
  return reps;
}

const tile: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    const reps = tileRepeats(ctx, x.shape);
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => d * reps[i]!) }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    const reps = tileRepeats(ctx, x.shape), st = stridesOf(x.shape);
    const shape = x.shape.map((d, i) => d * reps[i]!);
    const maps = shape.map((d, a) => Int32Array.from({ length: d }, (_, i) => (i % x.shape[a]!) * st[a]!));
    return [gatherByAxisMaps(x, shape, maps)];
  },
};

interface PadPlan { begin: number[]; end: number[]; mode: string; value: number | string }

function padPlan(ctx: AnyCtx, shape: number[]): PadPlan {
  const r = shape.length;
  const old = ctx.opset < 11;
  const pads = old ? ctx.attrs.ints("pads") ?? ctx.attrs.ints("paddings") : constInts(ctx, 1, "pads");
  if (!pads) throw fail(ctx, "needs pads");
  const axes = (old ? undefined : constInts(ctx, 3, "axes"))?.map((a) => axisOf(ctx, a, r)) ?? shape.map((_, i) => i);
  if (pads.length !== 2 * axes.length) throw fail(ctx, `pads has ${pads.length} values for ${axes.length} axes`);
  const begin = new Array<number>(r).fill(0), end = new Array<number>(r).fill(0);
  axes.forEach((a, k) => { begin[a] = pads[k]!; end[a] = pads[k + axes.length]!; });
  shape.forEach((d, i) => {
    if (d + begin[i]! + end[i]! < 0) throw fail(ctx, `pads crop axis ${i} below zero`);
  });
  let value: number | string = old ? ctx.attrs.float("value", 0) : 0;
  const cv = old ? undefined : ctx.inputs[2];
  if (cv && "data" in cv) value = (cv.data as ArrayLike<number | string>)[0] ?? 0;
  return { begin, end, mode: ctx.attrs.string("mode", "constant"), value };
}

/** Where output coordinate o of a padded axis reads from, or -1 for the constant. */
function padSource(o: number, begin: number, dim: number, mode: string): number {
  let i = o - begin;
  if (i >= 0 && i < dim) return i;
  if (mode === "constant") return -1;
  if (mode === "edge") return Math.min(Math.max(i, 0), dim - 1);
  if (mode === "wrap") return ((i % dim) + dim) % dim;
  // reflect (mirror without repeating the edge)
  if (dim === 1) return 0;
  const period = 2 * (dim - 1);
  i = ((i % period) + period) % period;
  return i < dim ? i : period - i;
}

const pad: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    const p = padPlan(ctx, x.shape);
    if (!["constant", "reflect", "edge", "wrap"].includes(p.mode)) throw fail(ctx, `unknown pad mode '${p.mode}'`);
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => d + p.begin[i]! + p.end[i]!) }];
  },
  run(ctx) {
    const x = req(ctx, 0);
    const p = padPlan(ctx, x.shape), st = stridesOf(x.shape);
    const shape = x.shape.map((d, i) => d + p.begin[i]! + p.end[i]!);
    shape.forEach((d, i) => {
      if (d > 0 && x.shape[i] === 0 && p.mode !== "constant") throw fail(ctx, `cannot ${p.mode}-pad an empty axis`);
    });
    const maps = shape.map((d, a) => Int32Array.from({ length: d }, (_, o) => {
      const s = padSource(o, p.begin[a]!, x.shape[a]!, p.mode);
      return s < 0 ? -1 : s * st[a]!;
    }));
    return [gatherByAxisMaps(x, shape, maps, p.value)];
  },
};

/**
 * DepthToSpace and SpaceToDepth as ONNX defines them: a reshape to 6-D, a transpose, a reshape
 * (the quantizer lowers the same three steps to index maps).
 */
export function depthSpacePlan(n: { node: string; attrs: { int(name: string, def: number): number; string(name: string, def: string): string } }, opType: "DepthToSpace" | "SpaceToDepth", x: readonly number[]): { view: number[]; perm: number[]; out: number[] } {
  if (x.length !== 4) throw fail(n, `${opType} takes an [N, C, H, W] input, not rank ${x.length}`);
  const b = n.attrs.int("blocksize", 0);
  const [N, C, H, W] = x as [number, number, number, number];
  if (!Number.isInteger(b) || b < 1) throw fail(n, `blocksize ${b} must be a positive integer`);
  if (opType === "SpaceToDepth") {
    if (H % b !== 0 || W % b !== 0) throw fail(n, `SpaceToDepth of [${x.join(",")}] by ${b}: H and W must be multiples of the block`);
    return { view: [N, C, H / b, b, W / b, b], perm: [0, 3, 5, 1, 2, 4], out: [N, C * b * b, H / b, W / b] };
  }
  if (C % (b * b) !== 0) throw fail(n, `DepthToSpace of [${x.join(",")}] by ${b}: C must be a multiple of ${b * b}`);
  const c = C / (b * b);
  const mode = n.attrs.string("mode", "DCR");
  if (mode === "DCR") return { view: [N, b, b, c, H, W], perm: [0, 3, 4, 1, 5, 2], out: [N, c, H * b, W * b] };
  if (mode === "CRD") return { view: [N, c, b, b, H, W], perm: [0, 1, 4, 2, 5, 3], out: [N, c, H * b, W * b] };
  throw fail(n, `DepthToSpace mode ${mode} is not DCR or CRD`);
}

function depthSpace(opType: "DepthToSpace" | "SpaceToDepth"): OpDef {
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      return [{ dtype: x.dtype, shape: depthSpacePlan(ctx, opType, x.shape).out }];
    },
    run(ctx) {
      const x = req(ctx, 0);
      const { view, perm, out } = depthSpacePlan(ctx, opType, x.shape);
      return [{ ...permuted({ ...x, shape: view }, perm), shape: out }];
    },
  };
}

export const layoutOps: Record<string, OpDef> = {
  DepthToSpace: depthSpace("DepthToSpace"),
  SpaceToDepth: depthSpace("SpaceToDepth"),
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  Tile: tile,
  Pad: pad,
};
