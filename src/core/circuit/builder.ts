// What the compiler's per-op planners share: tensor entries and the lookup uses they add.
import type { QTensor } from "../quant/qgraph.ts";
import { log2Ceil } from "./log.ts";
import type { PlanLookupUse, PlanTable, PlanTensor, TensorKind } from "./plan.ts";

export function planTensor(t: Pick<QTensor, "name" | "shape" | "k" | "bits" | "signed">, kind: TensorKind): PlanTensor {
  const logDims = t.shape.map(log2Ceil);
  return { name: t.name, shape: [...t.shape], logDims, nVars: logDims.reduce((a, b) => a + b, 0), k: t.k, bits: t.bits, signed: t.signed, kind };
}

export interface PlanBuilder {
  tensors: Record<string, PlanTensor>;
  /** Witness tensors in commitment order. */
  witness: string[];
  addUse(table: PlanTable, use: PlanLookupUse): void;
}

/** Adds an auxiliary tensor of `shape` (committed when kind is "witness"). */
export function auxTensor(b: PlanBuilder, name: string, shape: number[], bits: number, signed: boolean, kind: TensorKind = "witness"): PlanTensor {
  const t = planTensor({ name, shape, k: 0, bits, signed }, kind);
  b.tensors[name] = t;
  if (kind === "witness") b.witness.push(name);
  return t;
}
