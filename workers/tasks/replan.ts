// A plan after per-tensor edits: the edited scales and widths stand, every requant and table
// follows from them (the lowering recomputes requants; tables are rebuilt from their specs),
// and the static bound is checked. This is what the inspector's sliders and the plan editor
// change: the plan is the one document, the quantized graph is derived.
import type { Graph } from "../../src/core/graph/index.ts";
import { buildTable, checkBounds, exponentFor, lower, QuantError, type QGraph, type QuantPlan } from "../../src/core/quant/index.ts";
import type { ScaleSource, TypeRequest } from "../../src/core/quant/index.ts";
import type { QTable, QType } from "../../src/core/quant/qgraph.ts";
import type { TableSpec } from "../../src/core/quant/tables.ts";
import { planOf, type PlanTensor } from "../../src/core/quant/plan.ts";

export interface TensorEdit {
  /** Fractional bits: the scale is 2^−k. */
  k?: number;
  bits?: number;
}

class EditedSource implements ScaleSource {
  readonly chosen = new Map<string, { role: PlanTensor["role"]; type: QType }>();
  readonly weightBits: number;
  /** Per-tensor scales only: per-channel weight scales are not edited here. */
  readonly perChannel = false;
  constructor(private readonly plan: QuantPlan, private readonly edits: Readonly<Record<string, TensorEdit>>) {
    this.weightBits = plan.calibration.weightBits;
  }
  type(req: TypeRequest): QType {
    const t = Object.hasOwn(this.plan.tensors, req.name) ? this.plan.tensors[req.name] : undefined;
    if (!t) throw new QuantError(`the plan has no type for ${req.name}; recalibrate for this model`, { tensor: req.name });
    const e = this.edits[req.name] ?? {};
    const bits = e.bits ?? t.bits;
    let k = e.k ?? t.k;
    if (e.k === undefined && bits !== t.bits) {
      // A new width keeps the range: weights re-fit their values, activations refine the grid.
      k = req.values ? exponentFor(absMax(req.values), bits, true) : t.k + (bits - t.bits);
    }
    if (!Number.isInteger(bits) || bits < 2 || bits > 24) throw new QuantError(`bits of ${req.name} must be an integer from 2 to 24 (got ${bits})`, { tensor: req.name });
    if (!Number.isInteger(k) || Math.abs(k) > 40) throw new QuantError(`k of ${req.name} must be an integer within ±40 (got ${k})`, { tensor: req.name });
    const type = { k, bits, signed: t.signed };
    this.chosen.set(req.name, { role: req.role, type });
    return type;
  }
  channelScales(req: TypeRequest): number[] {
    throw new QuantError(`per-channel scales of ${req.name} cannot be edited per tensor; recalibrate`, { tensor: req.name });
  }
  table(id: string, spec: TableSpec, where: string): QTable {
    return buildTable(spec, this.plan.tables[id]?.maxRows, `table ${id} of ${where}`);
  }
}

function absMax(v: ArrayLike<number>): number {
  let a = 0;
  for (let i = 0; i < v.length; i++) a = Math.max(a, Math.abs(v[i]!));
  return a;
}

/** The plan with `edits` applied and everything that depends on them recomputed. */
export function replan(graph: Graph, plan: QuantPlan, edits: Readonly<Record<string, TensorEdit>>): { plan: QuantPlan; qgraph: QGraph } {
  for (const name of Object.keys(edits)) {
    if (!Object.hasOwn(plan.tensors, name)) throw new QuantError(`${name} is not a tensor of this plan`, { tensor: name });
  }
  if ((plan.calibration as { perChannel?: boolean }).perChannel) {
    throw new QuantError("a per-channel plan cannot be edited per tensor here yet; recalibrate without per-channel scales to edit");
  }
  const src = new EditedSource(plan, edits);
  const qgraph = lower(graph, src);
  checkBounds(qgraph);
  // planOf takes the lowered graph (with its per-channel multipliers, none here): this value
  // reads as either form, so the call holds while quant's lowering API settles.
  const lowered = { ...qgraph, qgraph, channelMultipliers: new Map<string, string>() } as unknown as Parameters<typeof planOf>[1];
  return { plan: planOf(graph, lowered, src.chosen, plan.calibration, plan.report.tensors), qgraph };
}
