// Mirror of prover/gadgets/embed.ts: the verifier weighs the public ids itself.
import { type Claim, concatPoint, forEachLive } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { type Ext, extAdd, extEquals, extMul } from "../../field/index.ts";
import { eqAtIndex } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyEmbed(ctx: VerifierCtx, op: Extract<QOp, { kind: "embed" }>, claim: Claim, ids: ArrayLike<number>): void {
  const T = ctx.plan.tensors, idsT = T[op.inputs[0]!]!, table = T[op.inputs[1]!]!;
  const logD = table.logDims[1]!, logV = table.logDims[0]!, V = table.shape[0]!;
  const rD = claim.point.subarray(0, 4 * logD), rT = claim.point.subarray(4 * logD);
  const rounds = Array.from({ length: logV }, () => ctx.r.words(8, `${op.source} sumcheck`).slice());
  const v = verifySumcheck(ctx.tr, claim.value, { rounds }, logV, 2);
  if (!v.ok) throw new Reject(`${op.source}: embedding sumcheck fails at round ${v.round}: ${v.reason}`);
  const [ev] = ctx.r.recv(ctx.tr, LABELS.embedEnd, 1, `${op.source} table value`);
  // w̃(ρ) = Σ_t eq(r_t, t)·eq(ρ, ids_t), over live positions in the ids' padded layout.
  let w: Ext = new Uint32Array(4);
  forEachLive(idsT.shape, idsT.logDims, (i, pos) => {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new Reject(`${op.source}: token id ${id} at position ${i} is outside the vocabulary [0, ${V})`);
    w = extAdd(w, extMul(eqAtIndex(rT, pos), eqAtIndex(v.point, id)));
  });
  if (!extEquals(extMul(w, ev!), v.claim)) throw new Reject(`${op.source}: embedding does not match the table`);
  ctx.book.add(table.name, concatPoint(rD, v.point), ev!);
}
