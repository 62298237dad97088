// Element-wise ops: unary maths and activations, broadcasting binary/variadic ops,
// comparisons, Where, Clip.
import { allocNumeric, isFloat, isWideInt, type DType, type NumericValues, type Tensor } from "../tensor.ts";
import type { Attrs } from "../attrs.ts";
import { broadcastIndex, broadcastShapes } from "./broadcast.ts";
import { fail, num, req, type OpCtx, type OpDef, type OutMeta, type ValueMeta } from "./op.ts";
import { erf } from "./erf.ts";

type Unary = (x: number) => number;

function unaryOp(make: (a: Attrs) => Unary, floatOnly = true): OpDef {
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      if (floatOnly && !isFloat(x.dtype)) throw fail(ctx, `expects a float tensor, got ${x.dtype}`);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
    run(ctx) {
      const x = num(ctx, req(ctx, 0));
      const f = make(ctx.attrs);
      const src = x.data, n = src.length;
      const out = allocNumeric(x.dtype, n);
      for (let i = 0; i < n; i++) out[i] = f(src[i]!);
      if (isWideInt(x.dtype)) for (let i = 0; i < n; i++) out[i] = Math.trunc(out[i]!);
      return [{ dtype: x.dtype, shape: x.shape, data: out }];
    },
  };
}

const fixed = (f: Unary) => () => f;

const SQRT_HALF = Math.SQRT1_2;

export const unaryOps: Record<string, OpDef> = {
  Abs: unaryOp(fixed(Math.abs), false),
  Neg: unaryOp(fixed((x) => -x), false),
  Sign: unaryOp(fixed((x) => Math.sign(x)), false),
  Sqrt: unaryOp(fixed(Math.sqrt)),
  Reciprocal: unaryOp(fixed((x) => 1 / x)),
  Exp: unaryOp(fixed(Math.exp)),
  Log: unaryOp(fixed(Math.log)),
  Erf: unaryOp(fixed(erf)),
  Tanh: unaryOp(fixed(Math.tanh)),
  Sin: unaryOp(fixed(Math.sin)),
  Cos: unaryOp(fixed(Math.cos)),
  Floor: unaryOp(fixed(Math.floor)),
  Ceil: unaryOp(fixed(Math.ceil)),
  // Round: half to even, as ONNX specifies
  Round: unaryOp(fixed((x) => { const r = Math.round(x); return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; })),
  Sigmoid: unaryOp(fixed((x) => 1 / (1 + Math.exp(-x)))),
  Relu: unaryOp(fixed((x) => (x > 0 ? x : 0)), false),
  LeakyRelu: unaryOp((a) => { const al = a.float("alpha", 0.01); return (x) => (x >= 0 ? x : al * x); }),
  Elu: unaryOp((a) => { const al = a.float("alpha", 1); return (x) => (x >= 0 ? x : al * (Math.exp(x) - 1)); }),
  Selu: unaryOp((a) => {
    const al = a.float("alpha", 1.67326319217681884765625), g = a.float("gamma", 1.05070102214813232421875);
    return (x) => (x > 0 ? g * x : g * al * (Math.exp(x) - 1));
  }),
  HardSigmoid: unaryOp((a) => {
    const al = a.float("alpha", 0.2), b = a.float("beta", 0.5);
    return (x) => Math.max(0, Math.min(1, al * x + b));
  }),
  HardSwish: unaryOp(fixed((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)))),
  Softplus: unaryOp(fixed((x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))))),
  Softsign: unaryOp(fixed((x) => x / (1 + Math.abs(x)))),
  Gelu: unaryOp((a) => {
    if (a.string("approximate", "none") === "tanh") {
      const c = Math.sqrt(2 / Math.PI);
      return (x) => 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x)));
    }
    return (x) => 0.5 * x * (1 + erf(x * SQRT_HALF));
  }),
  Shrink: unaryOp((a) => {
    const bias = a.float("bias", 0), l = a.float("lambd", 0.5);
    return (x) => (x < -l ? x + bias : x > l ? x - bias : 0);
  }, false),
  Not: {
    infer: (ctx) => [{ dtype: "bool", shape: req(ctx, 0).shape }],
    run: (ctx) => {
      const x = num(ctx, req(ctx, 0));
      return [{ dtype: "bool", shape: x.shape, data: Uint8Array.from(x.data, (v) => (v ? 0 : 1)) }];
    },
  },
};

type Binary = (a: number, b: number) => number;

function broadcastMeta(ctx: OpCtx<ValueMeta>, ins: ValueMeta[]): number[] {
  const shape = broadcastShapes(ins.map((v) => v.shape));
  if (!shape) throw fail(ctx, `input shapes ${ins.map((v) => `[${v.shape.join(",")}]`).join(" and ")} do not broadcast; fix the model`);
  return shape;
}

function checkSameType(ctx: OpCtx<ValueMeta>, ins: ValueMeta[]): DType {
  const dt = ins[0]!.dtype;
  for (const v of ins) if (v.dtype !== dt) throw fail(ctx, `inputs mix types ${dt} and ${v.dtype}; insert a Cast`);
  return dt;
}

/** Applies f over broadcast inputs a, b into a fresh array of dtype `out`. */
export function broadcastBinary(a: Tensor, b: Tensor, outShape: number[], outDtype: DType, f: Binary, node: { node: string }): Tensor {
  const x = num(node, a).data, y = num(node, b).data;
  const ia = broadcastIndex(outShape, a.shape), ib = broadcastIndex(outShape, b.shape);
  const n = outShape.reduce((s, d) => s * d, 1);
  const out = allocNumeric(outDtype, n);
  if (!ia && !ib) for (let i = 0; i < n; i++) out[i] = f(x[i]!, y[i]!);
  else if (!ia && ib) for (let i = 0; i < n; i++) out[i] = f(x[i]!, y[ib[i]!]!);
  else if (ia && !ib) for (let i = 0; i < n; i++) out[i] = f(x[ia[i]!]!, y[i]!);
  else for (let i = 0; i < n; i++) out[i] = f(x[ia![i]!]!, y[ib![i]!]!);
  return { dtype: outDtype, shape: outShape, data: out };
}

function binaryOp(f: (dtype: DType) => Binary, opts: { bool?: boolean; mixed?: boolean } = {}): OpDef {
  return {
    infer(ctx) {
      const a = req(ctx, 0), b = req(ctx, 1);
      if (!opts.mixed) checkSameType(ctx, [a, b]);
      return [{ dtype: opts.bool ? "bool" : a.dtype, shape: broadcastMeta(ctx, [a, b]) }];
    },
    run(ctx) {
      const a = req(ctx, 0), b = req(ctx, 1);
      const shape = broadcastShapes([a.shape, b.shape])!;
      return [broadcastBinary(a, b, shape, opts.bool ? "bool" : a.dtype, f(a.dtype), ctx)];
    },
  };
}

/** Integer division truncates toward zero (typed arrays do it on store; wide ints need it here). */
const div = (dt: DType): Binary => (isWideInt(dt) ? (a, b) => Math.trunc(a / b) : (a, b) => a / b);

function intPow(a: number, b: number): number {
  return Math.trunc(Math.pow(a, b));
}

function variadic(f: Binary, finish?: (v: number, count: number) => number): OpDef {
  return {
    infer(ctx) {
      const ins = ctx.inputs.filter((v): v is ValueMeta => v !== undefined);
      if (ins.length === 0) throw fail(ctx, "needs at least one input");
      return [{ dtype: checkSameType(ctx, ins), shape: broadcastMeta(ctx, ins) }];
    },
    run(ctx) {
      const ins = ctx.inputs.filter((v): v is Tensor => v !== undefined);
      const shape = broadcastShapes(ins.map((t) => t.shape))!;
      let acc: Tensor = broadcastBinary(ins[0]!, ins[0]!, shape, ins[0]!.dtype, (a) => a, ctx);
      for (let k = 1; k < ins.length; k++) acc = broadcastBinary(acc, ins[k]!, shape, acc.dtype, f, ctx);
      if (finish) {
        const d = acc.data as NumericValues;
        for (let i = 0; i < d.length; i++) d[i] = finish(d[i]!, ins.length);
      }
      return [acc];
    },
  };
}

export const binaryOps: Record<string, OpDef> = {
  Add: binaryOp(() => (a, b) => a + b),
  Sub: binaryOp(() => (a, b) => a - b),
  Mul: binaryOp(() => (a, b) => a * b),
  Div: binaryOp(div),
  Mod: binaryOp(() => (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; }),
  Pow: binaryOp((dt) => (isFloat(dt) ? Math.pow : intPow), { mixed: true }),
  PRelu: legacyChannelSlope(binaryOp(() => (x, s) => (x < 0 ? s * x : x))),
  Equal: binaryOp(() => (a, b) => (a === b ? 1 : 0), { bool: true }),
  Less: binaryOp(() => (a, b) => (a < b ? 1 : 0), { bool: true }),
  LessOrEqual: binaryOp(() => (a, b) => (a <= b ? 1 : 0), { bool: true }),
  Greater: binaryOp(() => (a, b) => (a > b ? 1 : 0), { bool: true }),
  GreaterOrEqual: binaryOp(() => (a, b) => (a >= b ? 1 : 0), { bool: true }),
  And: binaryOp(() => (a, b) => (a && b ? 1 : 0), { bool: true }),
  Or: binaryOp(() => (a, b) => (a || b ? 1 : 0), { bool: true }),
  Xor: binaryOp(() => (a, b) => ((a ? 1 : 0) ^ (b ? 1 : 0)), { bool: true }),
  Sum: variadic((a, b) => a + b),
  Mean: variadic((a, b) => a + b, (v, n) => v / n),
  // NaN wins, as in numpy's maximum/minimum
  Max: variadic((a, b) => (a !== a || b !== b ? NaN : a > b ? a : b)),
  Min: variadic((a, b) => (a !== a || b !== b ? NaN : a < b ? a : b)),
};

/**
 * Before opset 7, PRelu's 1-D slope of length C applied per channel (axis 1); later opsets
 * broadcast numpy-style. Reshaping the slope to [C,1,…] gives the old meaning.
 */
function legacyChannelSlope(def: OpDef): OpDef {
  const fix = <T extends { shape: number[] }>(ctx: OpCtx<unknown>, x: T | undefined, s: T | undefined): T | undefined => {
    if (!x || !s || ctx.opset >= 7 || s.shape.length !== 1 || x.shape.length < 3 || s.shape[0] !== x.shape[1]) return s;
    return { ...s, shape: [s.shape[0]!, ...x.shape.slice(2).map(() => 1)] };
  };
  return {
    infer: (ctx) => def.infer({ ...ctx, inputs: [ctx.inputs[0], fix(ctx, ctx.inputs[0], ctx.inputs[1])] }),
    run: (ctx) => def.run({ ...ctx, inputs: [ctx.inputs[0], fix(ctx, ctx.inputs[0], ctx.inputs[1])] }),
  };
}

const where: OpDef = {
  infer(ctx) {
    const c = req(ctx, 0), x = req(ctx, 1), y = req(ctx, 2);
    if (x.dtype !== y.dtype) throw fail(ctx, `X is ${x.dtype} but Y is ${y.dtype}; insert a Cast`);
    return [{ dtype: x.dtype, shape: broadcastMeta(ctx, [c, x, y]) }];
  },
  run(ctx) {
    const c = num(ctx, req(ctx, 0)), x = num(ctx, req(ctx, 1)), y = num(ctx, req(ctx, 2));
    const shape = broadcastShapes([c.shape, x.shape, y.shape])!;
    const n = shape.reduce((s, d) => s * d, 1);
    const ic = broadcastIndex(shape, c.shape), ix = broadcastIndex(shape, x.shape), iy = broadcastIndex(shape, y.shape);
    const out = allocNumeric(x.dtype, n);
    for (let i = 0; i < n; i++) {
      out[i] = c.data[ic ? ic[i]! : i] ? x.data[ix ? ix[i]! : i]! : y.data[iy ? iy[i]! : i]!;
    }
    return [{ dtype: x.dtype, shape, data: out }];
  },
};

/** Clip: bounds from attributes before opset 11, from optional inputs after. */
const clip: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = num(ctx, req(ctx, 0));
    let lo = -Infinity, hi = Infinity;
    if (ctx.opset < 11) {
      lo = ctx.attrs.float("min", -Infinity);
      hi = ctx.attrs.float("max", Infinity);
    } else {
      const mn = ctx.inputs[1], mx = ctx.inputs[2];
      if (mn) lo = num(ctx, mn).data[0] ?? lo;
      if (mx) hi = num(ctx, mx).data[0] ?? hi;
    }
    const out = allocNumeric(x.dtype, x.data.length);
    for (let i = 0; i < out.length; i++) {
      const v = x.data[i]!;
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return [{ dtype: x.dtype, shape: x.shape, data: out }];
  },
};

export const otherElementwise: Record<string, OpDef> = { Where: where, Clip: clip };

export type { OutMeta };
