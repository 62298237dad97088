// lower(graph, source): the float graph becomes the quantized graph, op by op, asking the
// scale source for every type that is a choice.
import { Attrs, isFloat, type Graph, type GraphNode } from "../graph/index.ts";
import { QuantError } from "./errors.ts";
import { unsignedBitsFor } from "./fixed.ts";
import { LowerCtx, MAX_ACTIVATION_BITS } from "./lower-context.ts";
import { lowerConv, lowerConvTranspose, lowerGemm, lowerMatMul } from "./lower-linear.ts";
import { BASIC_LOWERINGS } from "./lower-ops.ts";
import { lowerGeluPattern, lowerInstanceNorm, lowerLayerNorm, lowerLogSoftmax, lowerSoftmax } from "./lower-transformer.ts";
import { lowerLrn } from "./lower-lrn.ts";
import type { QGraph } from "./qgraph.ts";
import type { ScaleSource } from "./scale-source.ts";

const LOWERINGS: Readonly<Record<string, (ctx: LowerCtx, node: GraphNode) => void>> = {
  ...BASIC_LOWERINGS,
  Gemm: lowerGemm, MatMul: lowerMatMul, Conv: lowerConv, ConvTranspose: lowerConvTranspose,
  Softmax: lowerSoftmax, LogSoftmax: lowerLogSoftmax, LayerNormalization: lowerLayerNorm, InstanceNormalization: lowerInstanceNorm, LRN: lowerLrn,
};

/** ONNX ops the quantizer lowers. */
export function quantizableOps(): string[] {
  return Object.keys(LOWERINGS).sort();
}

/** Ops whose output has the input's type: width limits flow back through them. */
const PASS_THROUGH = new Set([
  "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Transpose", "Slice", "Split",
  "Pad", "Gather", "GatherND", "GatherElements", "Where", "MaxPool", "GlobalMaxPool", "Relu",
]);

/**
 * The widest type each computed value may take so its consumers stay under 2^29: a linear op
 * of depth K over w-bit weights takes 29 − w − ⌈log2 K⌉ bits, a product of two activations
 * half of 28 − ⌈log2 K⌉ each, LayerNormalization, InstanceNormalization and LRN 13 (their
 * squares), a Mul or Div of two activations 14 each, everything else 16.
 */
export function widthLimits(graph: Graph, weightBits: number): Map<string, number> {
  const lim = new Map<string, number>();
  const clog = (k: number) => Math.ceil(Math.log2(Math.max(k, 1)));
  const set = (name: string, bits: number) => {
    if (name && !graph.constants.has(name)) lim.set(name, Math.min(lim.get(name) ?? MAX_ACTIVATION_BITS, bits));
  };
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    const [a, b] = n.inputs as [string, string | undefined];
    const cb = b ? graph.constants.get(b) : undefined;
    switch (n.opType) {
      case "Gemm": case "MatMul": case "Conv": {
        if (cb && (n.opType !== "MatMul" || cb.shape.length === 2)) {
          const K = n.opType === "Conv" ? cb.shape.slice(1).reduce((p, d) => p * d, 1)
            : n.opType === "MatMul" ? cb.shape[0]! : graph.tensors.get(a)!.shape.at(-1)!;
          set(a, 29 - weightBits - clog(K));
        } else {
          const K = graph.tensors.get(a)!.shape.at(-1)!;
          const each = Math.floor((28 - clog(K)) / 2);
          set(a, each);
          if (b) set(b, each);
        }
        break;
      }
      case "ConvTranspose":
        // The conv after the upsampling sums C/group input channels over the kernel.
        if (cb) set(a, 29 - weightBits - clog((cb.shape[0]! / new Attrs(n.attributes, n.id).int("group", 1)) * cb.shape.slice(2).reduce((p, d) => p * d, 1)));
        break;
      case "Resize": case "Upsample": {
        // Linear mode blends along each axis by a dense op over the whole axis (10-bit weights).
        const x = graph.tensors.get(a);
        if (x && new Attrs(n.attributes, n.id).string("mode", "nearest") === "linear") set(a, 29 - 10 - clog(Math.max(...x.shape)));
        break;
      }
      case "LayerNormalization": case "InstanceNormalization": case "LRN":
        set(a, 13);
        break;
      case "Div":
      case "Mul":
        if (b && !cb && !graph.constants.has(a)) {
          set(a, 14);
          set(b, 14);
        }
        break;
      default:
        if (PASS_THROUGH.has(n.opType)) {
          const outs = n.outputs.filter(Boolean).map((o) => lim.get(o) ?? MAX_ACTIVATION_BITS);
          for (const x of n.inputs) set(x, Math.min(...outs));
        }
    }
  }
  return lim;
}

/** Lowers a loaded graph; every type choice goes through `src`. */
export function lower(graph: Graph, src: ScaleSource): QGraph {
  return lowerForPlan(graph, src).qgraph;
}

/** A lowering and what its plan records beyond the graph: the per-channel requants' multipliers. */
export interface Lowered {
  qgraph: QGraph;
  /** Requant output → the [C, 1, …] multiplier constant its accumulator is scaled by. */
  channelMultipliers: ReadonlyMap<string, string>;
}

export function lowerForPlan(graph: Graph, src: ScaleSource): Lowered {
  const ctx = new LowerCtx(graph, src, widthLimits(graph, src.weightBits));
  for (const inp of graph.inputs) {
    if (isFloat(inp.dtype)) {
      const t = ctx.tensor(inp.name, inp.shape, ctx.type({ name: inp.name, role: "input", shape: inp.shape, signed: true, stat: inp.name, maxBits: ctx.limits.get(inp.name) }), "input", inp.name);
      ctx.qOf.set(inp.name, t.name);
    } else {
      const t = ctx.tensor(inp.name, inp.shape, ctx.type({ name: inp.name, role: "input", shape: inp.shape, signed: false, fixed: { k: 0, bits: idBits(graph, inp.name), signed: false } }), "input", inp.name);
      ctx.qOf.set(inp.name, t.name);
    }
    ctx.q.inputs.push(inp.name);
  }
  for (const node of graph.nodes) {
    if (ctx.done.has(node)) continue;
    if (lowerGeluPattern(ctx, node)) continue;
    const fn = LOWERINGS[node.opType];
    if (!fn || (node.domain !== "" && node.domain !== "ai.onnx")) {
      throw new QuantError(`node ${node.id}: op ${node.opType} has no integer lowering; supported: ${quantizableOps().join(", ")}`, { node: node.id });
    }
    fn(ctx, node);
  }
  for (const o of graph.outputs) {
    const q = ctx.qOf.get(o.name);
    if (q === undefined) throw new QuantError(`output ${o.name} is a constant or was not lowered; a proof needs a computed output`, { tensor: o.name });
    ctx.q.outputs.push(q);
  }
  return { qgraph: ctx.q, channelMultipliers: ctx.channelMultipliers };
}

/** Integer inputs are ids: as wide as the tables they index (16 bits when unknown). */
function idBits(graph: Graph, input: string): number {
  let rows = 0;
  for (const n of graph.nodes) {
    if (n.opType === "Gather" && n.inputs[1] === input) rows = Math.max(rows, graph.constants.get(n.inputs[0]!)?.shape[0] ?? 0);
  }
  return rows > 0 ? unsignedBitsFor(rows - 1) : 16;
}
