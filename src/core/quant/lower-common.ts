// Helpers every lowering module shares: the unsupported-op error, attributes, operands, constant
// integer inputs, and the index map that writes an ONNX value.
import { Attrs, type GraphNode } from "../graph/index.ts";
import { QuantError } from "./errors.ts";
import type { LowerCtx } from "./lower-context.ts";
import type { IndexMap, QTensor } from "./qgraph.ts";

export function unsupported(node: GraphNode, what: string): QuantError {
  return new QuantError(`node ${node.id} (${node.opType}): ${what} is not supported by the quantizer; re-export the model without it`, { node: node.id });
}

export const attrsOf = (node: GraphNode) => new Attrs(node.attributes, node.id);

/** An operand: the activation for a computed value, or a quantized constant. */
export function operand(ctx: LowerCtx, node: GraphNode, name: string): QTensor {
  const c = ctx.constant(name);
  if (!c) return ctx.input(node, name);
  return ctx.constTensor(ctx.fresh(name), c.shape, c.data as ArrayLike<number>, "const");
}

export function constInts(ctx: LowerCtx, node: GraphNode, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const c = ctx.constant(name);
  if (!c) throw unsupported(node, `a non-constant ${name}`);
  return Array.from(c.data as ArrayLike<number>, Number);
}

/** An op whose output has its input's type: a pure index map. */
export function emitMap(ctx: LowerCtx, node: GraphNode, inputs: QTensor[], map: IndexMap, out: string): QTensor {
  const x = inputs[0]!;
  const y = ctx.tensor(ctx.fresh(out), ctx.shapeOf(out), x, "activation", out);
  ctx.qOf.set(out, y.name);
  ctx.op({ kind: "indexmap", source: node.id, inputs: inputs.map((t) => t.name), output: y.name, map });
  return y;
}

/** x moved by an index map into a fresh internal tensor of `shape` named from `base` (x's type). */
export function mapped(ctx: LowerCtx, node: GraphNode, x: QTensor, shape: number[], map: IndexMap, base: string): QTensor {
  const y = ctx.tensor(ctx.fresh(base), shape, x, "activation");
  ctx.op({ kind: "indexmap", source: node.id, inputs: [x.name], output: y.name, map });
  return y;
}

export function lowerIdentity(ctx: LowerCtx, node: GraphNode): void {
  ctx.qOf.set(node.outputs[0]!, ctx.input(node, node.inputs[0]!).name);
}
