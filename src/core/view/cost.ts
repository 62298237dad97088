// What each ONNX node costs to prove, per node of the original graph (the inspector's Cost tab
// and the "proving cost" overlay). With a compiled proof plan the witness and lookup counts
// are exact (committed elements after padding, looked-up rows); without one (a model that
// does not compile yet) they are estimated from the quantized graph the same way.
import type { ProofPlan } from "../circuit/index.ts";
import type { QGraph, QType } from "../quant/index.ts";

export interface NodeCost {
  /** Committed witness elements (padded to powers of two). */
  witness: number;
  /** Rows looked up (activation lookups and range checks). */
  lookups: number;
  /** Sumcheck rounds of the node's ops. */
  rounds: number;
  /** Rows of the lookup tables the node reads. */
  tableRows: number;
  exact: boolean;
}

const elems = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const log2c = (n: number) => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

type Spec = Pick<QGraph, "ops" | "tensors" | "tables">;

/** Per-node costs, keyed by the ONNX node id each quantized op came from. */
export function nodeCosts(g: Spec, plan?: ProofPlan): Map<string, NodeCost> {
  const out = new Map<string, NodeCost>();
  const at = (node: string) => {
    let c = out.get(node);
    if (!c) out.set(node, (c = { witness: 0, lookups: 0, rounds: 0, tableRows: 0, exact: plan !== undefined }));
    return c;
  };
  for (const op of g.ops) {
    const c = at(op.source);
    const y = g.tensors[op.output]!;
    const n = elems(y.shape);
    c.rounds += log2c(n);
    if (op.kind === "linear" || op.kind === "matmul2") {
      const x = g.tensors[op.inputs[0]!]!;
      c.rounds += log2c(op.kind === "linear" && op.form === "conv" ? elems(g.tensors[op.inputs[1]!]!.shape.slice(1)) : x.shape.at(-1) ?? 1);
    }
    if (op.kind === "lookup") c.tableRows += g.tables[op.table]?.values.length ?? 0;
    if (!plan) {
      if (y.role === "activation") c.witness += 2 ** log2c(n);
      if (op.kind === "requant") c.witness += (op.s > 0 ? 2 : 1) * 2 ** log2c(n);
      if (op.kind === "lookup" || op.kind === "requant") c.lookups += n;
    }
  }
  if (plan) {
    const sourceOf = (t: string) => {
      const i = plan.producer[t];
      return i === undefined ? undefined : plan.graph.ops[i]?.source;
    };
    for (const t of plan.witness) {
      const s = sourceOf(t);
      if (s !== undefined) at(s).witness += 2 ** plan.tensors[t]!.nVars;
    }
    for (const l of plan.lookups) {
      for (const u of l.uses) {
        const s = sourceOf(u.shapeOf);
        if (s !== undefined) at(s).lookups += elems(plan.tensors[u.shapeOf]!.shape);
      }
    }
  }
  return out;
}

/** "[1,64,16,16] · 2^-6 · i8": an edge's shape, then its fixed-point type once calibrated. */
export function edgeLabel(shape: string, type?: QType): string {
  if (!type) return shape;
  return `${shape} · 2^${-type.k} · ${type.signed ? "i" : "u"}${type.bits}`;
}
