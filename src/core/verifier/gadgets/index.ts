// The verifier's gadget per op kind: the mirror of prover/gadgets/index.ts.
import type { Claim } from "../../circuit/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { VerifierCtx } from "../context.ts";
import { verifyLinear } from "./linear.ts";
import { verifyConv } from "./conv.ts";
import { verifyMaxPool, verifySumPool } from "./pool.ts";
import { verifyAdd } from "./elementwise.ts";
import { verifyIndexMap } from "./indexmap.ts";
import { verifyIndexRelation } from "./indexrel.ts";
import { isRelabeling } from "../../circuit/index-relations.ts";
import { verifyMul } from "./product.ts";
import { verifyMatmul2 } from "./matmul2.ts";
import { verifyRowsum } from "./rowsum.ts";
import { verifyEmbed } from "./embed.ts";
import { verifyRequant } from "./requant.ts";
import { verifyMax } from "./reducemax.ts";

type OpOf<K extends QOp["kind"]> = Extract<QOp, { kind: K }>;

export interface VerifierGadget<K extends QOp["kind"]> {
  reduce?(ctx: VerifierCtx, op: OpOf<K>, claim: Claim): void;
  check?(ctx: VerifierCtx, opIndex: number, op: OpOf<K>): void;
}

const GADGETS: { [K in QOp["kind"]]?: VerifierGadget<K> } = {
  linear: { reduce: (ctx, op, claim) => (op.form === "conv" ? verifyConv(ctx, op, claim) : verifyLinear(ctx, op, claim)) },
  add: { reduce: verifyAdd },
  indexmap: { reduce: (ctx, op, claim) => (isRelabeling(ctx.plan.tensors, op) ? verifyIndexMap(ctx, op, claim) : verifyIndexRelation(ctx, op, claim)) },
  mul: { reduce: verifyMul },
  select: { reduce: verifyMul },
  matmul2: { reduce: verifyMatmul2 },
  rowsum: { reduce: verifyRowsum },
  embed: { reduce: (ctx, op, claim) => verifyEmbed(ctx, op, claim, ctx.publicValue(op.inputs[0]!)) },
  requant: { check: verifyRequant },
  reducemax: { check: verifyMax },
  maxpool: { check: verifyMaxPool },
  sumpool: { reduce: verifySumPool },
  lookup: {},
};

export function verifierGadget(op: QOp): VerifierGadget<QOp["kind"]> | undefined {
  return GADGETS[op.kind] as VerifierGadget<QOp["kind"]> | undefined;
}

export const VERIFIER_GADGET_KINDS = Object.keys(GADGETS) as QOp["kind"][];
