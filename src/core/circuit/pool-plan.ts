// How a max pool is proved (PROTOCOL §4 MaxPool): m is committed; every candidate difference
// d_k = m − x_k (x_k the window's k-th input, or the input type's minimum where the window reads
// padding) is range-checked ≥ 0 by lookup on live positions, and Π_k d_k = 0 everywhere by a
// zero-check. d_k is virtual: a claim on it is m̃ minus a claim on x through the window relation.
import type { Interval } from "../quant/bounds.ts";
import { unsignedBitsFor } from "../quant/fixed.ts";
import type { QOp } from "../quant/qgraph.ts";
import { auxTensor, type PlanBuilder } from "./builder.ts";
import { CircuitError } from "./errors.ts";
import { rangeTable } from "./tables.ts";
import { poolCandidates } from "./windows.ts";
import type { PoolProof } from "./plan.ts";

export const MAX_RANGE_BITS = 16;

export function planMaxPool(b: PlanBuilder, op: Extract<QOp, { kind: "maxpool" }>, opIndex: number, x: Interval): PoolProof {
  const bits = unsignedBitsFor(x.hi - x.lo);
  if (bits > MAX_RANGE_BITS) throw new CircuitError(`${op.source}: the values of ${op.inputs[0]} span 2^${bits}, over the 2^${MAX_RANGE_BITS}-row range table; narrow its type`, op.source);
  const y = b.tensors[op.output]!;
  const count = op.window.kernel.reduce((a, c) => a * c, 1);
  const candidates = poolCandidates(op.output, count);
  for (const name of candidates) {
    auxTensor(b, name, y.shape, bits, false, "virtual");
    b.addUse(rangeTable(bits), { columns: [name], shapeOf: op.output, label: `${op.source}: max pool candidate ${name}` });
  }
  return { op: opIndex, candidates, fill: x.lo };
}
