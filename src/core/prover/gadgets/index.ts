// The prover's gadget per op kind (PROTOCOL §4). A gadget computes its op's padded output
// (`forward`, for virtual outputs), reduces the claim on that output to claims on its inputs
// (`reduce`), or, for ops whose output is committed, proves the op's relation (`check`).
// verifier/gadgets/index.ts holds the mirror of each.
import type { Claim } from "../../circuit/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { forwardLinear, proveLinear } from "./linear.ts";
import { forwardConv, proveConv } from "./conv.ts";
import { forwardSumPool, maxPoolWitness, proveMaxPool, proveSumPool } from "./pool.ts";
import { forwardAdd, proveAdd } from "./elementwise.ts";
import { forwardIndexMap, proveIndexMap } from "./indexmap.ts";
import { forwardIndexRelation, proveIndexRelation } from "./indexrel.ts";
import { isRelabeling } from "../../circuit/index-relations.ts";
import { forwardMul, proveMul } from "./product.ts";
import { forwardMatmul2, proveMatmul2 } from "./matmul2.ts";
import { forwardRowsum, proveRowsum } from "./rowsum.ts";
import { forwardEmbed, proveEmbed } from "./embed.ts";
import { proveRequant, requantWitness } from "./requant.ts";
import { proveMax, maxWitness } from "./reducemax.ts";

export type OpOf<K extends QOp["kind"]> = Extract<QOp, { kind: K }>;

export interface ProverGadget<K extends QOp["kind"]> {
  /** `ref`: the integer evaluator's live values of the output (a gadget may build on them). */
  forward?(ctx: Pick<ProverCtx, "plan" | "values">, op: OpOf<K>, ref: Int32Array): Float64Array;
  /**
   * For ops with a committed output: the output over the whole padded layout (its live part
   * is the integer evaluator's `ref`) and any auxiliary witness tensors, by name.
   */
  witness?(ctx: Pick<ProverCtx, "plan" | "values">, opIndex: number, op: OpOf<K>, ref: Int32Array): Map<string, Float64Array>;
  reduce?(ctx: ProverCtx, op: OpOf<K>, claim: Claim): void;
  check?(ctx: ProverCtx, opIndex: number, op: OpOf<K>): void;
}

const GADGETS: { [K in QOp["kind"]]?: ProverGadget<K> } = {
  linear: {
    forward: (ctx, op, ref) => (op.form === "conv" ? forwardConv(ctx, op, ref) : forwardLinear(ctx, op, ref)),
    reduce: (ctx, op, claim) => (op.form === "conv" ? proveConv(ctx, op, claim) : proveLinear(ctx, op, claim)),
  },
  add: { forward: forwardAdd, reduce: proveAdd },
  indexmap: {
    forward: (ctx, op) => (isRelabeling(ctx.plan.tensors, op) ? forwardIndexMap(ctx, op) : forwardIndexRelation(ctx, op)),
    reduce: (ctx, op, claim) => (isRelabeling(ctx.plan.tensors, op) ? proveIndexMap(ctx, op, claim) : proveIndexRelation(ctx, op, claim)),
  },
  mul: { forward: forwardMul, reduce: proveMul },
  select: { forward: forwardMul, reduce: proveMul },
  matmul2: { forward: forwardMatmul2, reduce: proveMatmul2 },
  rowsum: { forward: forwardRowsum, reduce: proveRowsum },
  embed: { forward: forwardEmbed, reduce: proveEmbed },
  requant: { witness: requantWitness, check: proveRequant },
  reducemax: { witness: maxWitness, check: proveMax },
  maxpool: { witness: maxPoolWitness, check: proveMaxPool },
  sumpool: { forward: forwardSumPool, reduce: proveSumPool },
  // Lookups are proved by their table's LogUp instance.
  lookup: {},
};

export function proverGadget(op: QOp): ProverGadget<QOp["kind"]> | undefined {
  return GADGETS[op.kind] as ProverGadget<QOp["kind"]> | undefined;
}

export const PROVER_GADGET_KINDS = Object.keys(GADGETS) as QOp["kind"][];
