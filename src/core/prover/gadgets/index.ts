// The prover's gadget per op kind (PROTOCOL §4). A gadget computes its op's padded output
// (`forward`, for virtual outputs), reduces the claim on that output to claims on its inputs
// (`reduce`), or, for ops whose output is committed, proves the op's relation (`check`).
// verifier/gadgets/index.ts holds the mirror of each.
import type { Claim } from "../../circuit/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { forwardLinear, proveLinear } from "./linear.ts";
import { forwardAdd, proveAdd, forwardReshape, proveReshape } from "./elementwise.ts";
import { proveRequant } from "./requant.ts";

export type OpOf<K extends QOp["kind"]> = Extract<QOp, { kind: K }>;

export interface ProverGadget<K extends QOp["kind"]> {
  forward?(ctx: Pick<ProverCtx, "plan" | "values">, op: OpOf<K>): Float64Array;
  reduce?(ctx: ProverCtx, op: OpOf<K>, claim: Claim): void;
  check?(ctx: ProverCtx, opIndex: number, op: OpOf<K>): void;
}

const GADGETS: { [K in QOp["kind"]]?: ProverGadget<K> } = {
  linear: { forward: forwardLinear, reduce: proveLinear },
  add: { forward: forwardAdd, reduce: proveAdd },
  indexmap: { forward: forwardReshape, reduce: proveReshape },
  requant: { check: proveRequant },
  // Lookups are proved by their table's LogUp instance.
  lookup: {},
};

export function proverGadget(op: QOp): ProverGadget<QOp["kind"]> | undefined {
  return GADGETS[op.kind] as ProverGadget<QOp["kind"]> | undefined;
}

export const PROVER_GADGET_KINDS = Object.keys(GADGETS) as QOp["kind"][];
