// Normalizations and softmax: BatchNormalization (inference and training mode),
// LayerNormalization, InstanceNormalization, Softmax, LogSoftmax.
import { sizeOf, type Tensor } from "../tensor.ts";
import { asF32, floatResult } from "./linalg.ts";
import { axisOf, fail, req, type OpDef, type OutMeta } from "./op.ts";

function perChannel(ctx: { node: string }, name: string, t: { shape: number[] } | undefined, C: number): void {
  if (!t || sizeOf(t.shape) !== C) throw fail(ctx, `${name} should hold ${C} values (one per channel), got [${t?.shape.join(",") ?? ""}]`);
}

const batchNorm: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    if (x.shape.length < 2) throw fail(ctx, "input must be [N,C,...]");
    const C = x.shape[1]!;
    ["scale", "B", "mean", "var"].forEach((n, i) => perChannel(ctx, n, ctx.inputs[i + 1], C));
    const outs: OutMeta[] = [{ dtype: x.dtype, shape: x.shape }];
    for (let i = 1; i < ctx.nOutputs; i++) outs.push({ dtype: x.dtype, shape: [C] });
    return outs;
  },
  run(ctx) {
    const x = req(ctx, 0), xd = asF32(x);
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => asF32(req(ctx, i)));
    const eps = ctx.attrs.float("epsilon", 1e-5), momentum = ctx.attrs.float("momentum", 0.9);
    const N = x.shape[0]!, C = x.shape[1]!, S = sizeOf(x.shape.slice(2));
    const training = ctx.attrs.int("training_mode", 0) === 1;
    let m = mean!, v = variance!;
    if (training) {
      m = new Float32Array(C);
      v = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        let s = 0, s2 = 0;
        for (let n = 0; n < N; n++) for (let i = 0; i < S; i++) s += xd[(n * C + c) * S + i]!;
        const mu = s / (N * S);
        for (let n = 0; n < N; n++) for (let i = 0; i < S; i++) { const d = xd[(n * C + c) * S + i]! - mu; s2 += d * d; }
        m[c] = mu;
        v[c] = s2 / (N * S);
      }
    }
    const y = new Float32Array(xd.length);
    for (let c = 0; c < C; c++) {
      const k = scale![c]! / Math.sqrt(v[c]! + eps), b = bias![c]! - m[c]! * k;
      for (let n = 0; n < N; n++) {
        const o = (n * C + c) * S;
        for (let i = 0; i < S; i++) y[o + i] = xd[o + i]! * k + b;
      }
    }
    const outs: Tensor[] = [floatResult(x.dtype, x.shape, y)];
    if (training && ctx.nOutputs > 1) {
      const rm = mean!.map((r, c) => r * momentum + m[c]! * (1 - momentum));
      const rv = variance!.map((r, c) => r * momentum + v[c]! * (1 - momentum));
      outs.push(floatResult(x.dtype, [C], rm), floatResult(x.dtype, [C], rv));
    }
    return outs;
  },
};

/** Normalizes each row of `rows` × `len` values; returns y and the per-row mean and 1/σ. */
function normalizeRows(xd: Float32Array, rows: number, len: number, eps: number): { y: Float32Array; mean: Float32Array; inv: Float32Array } {
  const y = new Float32Array(rows * len), mean = new Float32Array(rows), inv = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * len;
    let s = 0;
    for (let i = 0; i < len; i++) s += xd[o + i]!;
    const mu = s / len;
    let s2 = 0;
    for (let i = 0; i < len; i++) { const d = xd[o + i]! - mu; s2 += d * d; }
    const k = 1 / Math.sqrt(s2 / len + eps);
    for (let i = 0; i < len; i++) y[o + i] = (xd[o + i]! - mu) * k;
    mean[r] = mu;
    inv[r] = k;
  }
  return { y, mean, inv };
}

const layerNorm: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    const axis = axisOf(ctx, ctx.attrs.int("axis", -1), x.shape.length);
    const statShape = x.shape.map((d, i) => (i < axis ? d : 1));
    const outs: OutMeta[] = [{ dtype: x.dtype, shape: x.shape }];
    for (let i = 1; i < ctx.nOutputs; i++) outs.push({ dtype: "float32", shape: statShape });
    return outs;
  },
  run(ctx) {
    const x = req(ctx, 0), scale = asF32(req(ctx, 1)), b = ctx.inputs[2];
    const axis = axisOf(ctx, ctx.attrs.int("axis", -1), x.shape.length);
    const len = sizeOf(x.shape.slice(axis)), rows = sizeOf(x.shape.slice(0, axis));
    const { y, mean, inv } = normalizeRows(asF32(x), rows, len, ctx.attrs.float("epsilon", 1e-5));
    const bd = b ? asF32(b) : undefined;
    // scale and bias broadcast over the normalized trailing block
    const sl = scale.length, bl = bd?.length ?? 1;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < len; i++) {
        const k = r * len + i;
        y[k] = y[k]! * scale[i % sl]! + (bd ? bd[i % bl]! : 0);
      }
    }
    const statShape = x.shape.map((d, i) => (i < axis ? d : 1));
    const outs: Tensor[] = [floatResult(x.dtype, x.shape, y)];
    if (ctx.nOutputs > 1) outs.push({ dtype: "float32", shape: statShape, data: mean });
    if (ctx.nOutputs > 2) outs.push({ dtype: "float32", shape: statShape, data: inv });
    return outs;
  },
};

const instanceNorm: OpDef = {
  infer(ctx) {
    const x = req(ctx, 0);
    if (x.shape.length < 3) throw fail(ctx, "input must be [N,C,...spatial]");
    perChannel(ctx, "scale", ctx.inputs[1], x.shape[1]!);
    perChannel(ctx, "B", ctx.inputs[2], x.shape[1]!);
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  run(ctx) {
    const x = req(ctx, 0), scale = asF32(req(ctx, 1)), bias = asF32(req(ctx, 2));
    const C = x.shape[1]!, S = sizeOf(x.shape.slice(2)), rows = x.shape[0]! * C;
    const { y } = normalizeRows(asF32(x), rows, S, ctx.attrs.float("epsilon", 1e-5));
    for (let r = 0; r < rows; r++) {
      const c = r % C;
      for (let i = r * S; i < (r + 1) * S; i++) y[i] = y[i]! * scale[c]! + bias[c]!;
    }
    return [floatResult(x.dtype, x.shape, y)];
  },
};

/**
 * Softmax-like ops: opset < 13 flattens to 2-D at `axis` (default 1); later opsets normalize
 * along the one axis (default -1).
 */
function softmaxOp(log: boolean): OpDef {
  return {
    infer(ctx) {
      const x = req(ctx, 0);
      axisOf(ctx, ctx.attrs.int("axis", ctx.opset < 13 ? 1 : -1), x.shape.length);
      return [{ dtype: x.dtype, shape: x.shape }];
    },
    run(ctx) {
      const x = req(ctx, 0), xd = asF32(x);
      const axis = axisOf(ctx, ctx.attrs.int("axis", ctx.opset < 13 ? 1 : -1), x.shape.length);
      const outer = sizeOf(x.shape.slice(0, axis));
      const len = ctx.opset < 13 ? sizeOf(x.shape.slice(axis)) : x.shape[axis] ?? 1;
      const inner = ctx.opset < 13 ? 1 : sizeOf(x.shape.slice(axis + 1));
      const y = new Float32Array(xd.length);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * len * inner + i;
          let mx = -Infinity;
          for (let k = 0; k < len; k++) mx = Math.max(mx, xd[base + k * inner]!);
          let s = 0;
          for (let k = 0; k < len; k++) s += Math.exp(xd[base + k * inner]! - mx);
          const ls = Math.log(s);
          for (let k = 0; k < len; k++) {
            const z = xd[base + k * inner]! - mx;
            y[base + k * inner] = log ? z - ls : Math.exp(z) / s;
          }
        }
      }
      return [floatResult(x.dtype, x.shape, y)];
    },
  };
}

export const normOps: Record<string, OpDef> = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  InstanceNormalization: instanceNorm,
  Softmax: softmaxOp(false),
  LogSoftmax: softmaxOp(true),
};
