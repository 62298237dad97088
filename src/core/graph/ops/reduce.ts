// Reductions (ReduceMean/Sum/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp) and ArgMax/ArgMin.
import { allocNumeric, sizeOf, stridesOf, isWideInt, type Tensor } from "../tensor.ts";
import { axisOf, constInts, fail, num, req, type OpCtx, type OpDef, type ValueMeta } from "./op.ts";

interface ReducePlan {
  axes: boolean[];
  out: number[];
}

/** Axes come from an attribute before opset 18 (13 for ReduceSum) and from input 1 after. */
function planReduce(ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, shape: number[], axesFromInput: boolean): ReducePlan | undefined {
  const listed = axesFromInput ? constInts(ctx, 1, "axes") : ctx.attrs.ints("axes");
  const rank = shape.length;
  if (!listed || listed.length === 0) {
    if (ctx.attrs.int("noop_with_empty_axes", 0)) return undefined;
  }
  const axes = new Array<boolean>(rank).fill(!listed || listed.length === 0);
  for (const a of listed ?? []) axes[axisOf(ctx, a, rank)] = true;
  const keep = ctx.attrs.int("keepdims", 1) === 1;
  const out: number[] = [];
  shape.forEach((d, i) => { if (!axes[i]) out.push(d); else if (keep) out.push(1); });
  return { axes, out };
}

/** For each input element, the index of the output element it reduces into. */
function reduceIndex(shape: number[], axes: boolean[]): Int32Array {
  const n = sizeOf(shape);
  const kept = shape.map((d, i) => (axes[i] ? 1 : d));
  const ks = stridesOf(kept).map((s, i) => (axes[i] ? 0 : s));
  const idx = new Int32Array(n);
  const c = new Array<number>(shape.length).fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = o;
    for (let d = shape.length - 1; d >= 0; d--) {
      c[d]!++;
      o += ks[d]!;
      if (c[d]! < shape[d]!) break;
      o -= ks[d]! * c[d]!;
      c[d] = 0;
    }
  }
  return idx;
}

interface Reducer {
  init: number;
  step: (acc: number, v: number) => number;
  finish?: (acc: number, count: number) => number;
}

const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { init: 0, step: (a, v) => a + v },
  ReduceMean: { init: 0, step: (a, v) => a + v, finish: (a, n) => a / n },
  ReduceMax: { init: -Infinity, step: (a, v) => (v > a || v !== v ? v : a) },
  ReduceMin: { init: Infinity, step: (a, v) => (v < a || v !== v ? v : a) },
  ReduceProd: { init: 1, step: (a, v) => a * v },
  ReduceL1: { init: 0, step: (a, v) => a + Math.abs(v) },
  ReduceL2: { init: 0, step: (a, v) => a + v * v, finish: (a) => Math.sqrt(a) },
  ReduceSumSquare: { init: 0, step: (a, v) => a + v * v },
  ReduceLogSum: { init: 0, step: (a, v) => a + v, finish: (a) => Math.log(a) },
  ReduceLogSumExp: { init: 0, step: (a, v) => a + Math.exp(v), finish: (a) => Math.log(a) },
};

function reduceOp(name: string, inputSince: number): OpDef {
  const r = REDUCERS[name]!;
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      const p = planReduce(ctx, x.shape, ctx.opset >= inputSince);
      return [{ dtype: x.dtype, shape: p ? p.out : x.shape }];
    },
    run(ctx) {
      const x = num(ctx, req(ctx, 0));
      const p = planReduce(ctx, x.shape, ctx.opset >= inputSince);
      if (!p) return [x];
      const m = sizeOf(p.out), n = x.data.length;
      const acc = new Float64Array(m).fill(r.init);
      const idx = reduceIndex(x.shape, p.axes);
      for (let i = 0; i < n; i++) acc[idx[i]!] = r.step(acc[idx[i]!]!, x.data[i]!);
      const count = m === 0 ? 0 : n / m;
      const out = allocNumeric(x.dtype, m);
      for (let i = 0; i < m; i++) out[i] = r.finish ? r.finish(acc[i]!, count) : acc[i]!;
      if (isWideInt(x.dtype)) for (let i = 0; i < m; i++) out[i] = Math.trunc(out[i]!);
      return [{ dtype: x.dtype, shape: p.out, data: out }];
    },
  };
}

function argOp(max: boolean): OpDef {
  const plan = (ctx: OpCtx<ValueMeta> | OpCtx<Tensor>, shape: number[]) => {
    const axis = axisOf(ctx, ctx.attrs.int("axis", 0), shape.length);
    const keep = ctx.attrs.int("keepdims", 1) === 1;
    const out = keep ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
    return { axis, out };
  };
  return {
    infer(ctx) {
      return [{ dtype: "int64", shape: plan(ctx, req(ctx, 0).shape).out }];
    },
    run(ctx) {
      const x = num(ctx, req(ctx, 0));
      const { axis, out } = plan(ctx, x.shape);
      const last = ctx.attrs.int("select_last_index", 0) === 1;
      const len = x.shape[axis]!, inner = sizeOf(x.shape.slice(axis + 1)), outer = sizeOf(x.shape.slice(0, axis));
      if (len === 0) throw fail(ctx, "cannot take an arg-extremum over an empty axis");
      const y = new Float64Array(outer * inner);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        let best = x.data[o * len * inner + i]!, at = 0;
        for (let k = 1; k < len; k++) {
          const v = x.data[(o * len + k) * inner + i]!;
          if (max ? v > best || (last && v === best) : v < best || (last && v === best)) { best = v; at = k; }
        }
        y[o * inner + i] = at;
      }
      return [{ dtype: "int64", shape: out, data: y }];
    },
  };
}

export const reduceOps: Record<string, OpDef> = {
  ...Object.fromEntries(Object.keys(REDUCERS).map((n) => [n, reduceOp(n, n === "ReduceSum" ? 13 : 18)])),
  ArgMax: argOp(true),
  ArgMin: argOp(false),
};
