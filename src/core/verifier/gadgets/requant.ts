// Mirror of prover/gadgets/requant.ts.
import { LABELS, limbSum, requantInput, splitQuotient } from "../../circuit/protocol.ts";
import { extEquals, extMul, extSub } from "../../field/index.ts";
import { eqEval } from "../../poly/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

export function verifyRequant(ctx: VerifierCtx, opIndex: number, op: Extract<QOp, { kind: "requant" }>): void {
  const rp = ctx.plan.requants.find((r) => r.op === opIndex);
  if (!rp) throw new Reject(`${op.source}: the plan has no requant proof for this op`);
  const nVars = ctx.plan.tensors[op.output]!.nVars;
  const rho = ctx.tr.squeezeExts(LABELS.requantPoint, nVars);
  const q = rp.q
    ? ctx.recvEval(LABELS.requantQ, rp.q, rho, `${op.source} quotient`)
    : splitQuotient(rp.split!, ctx.recvEval(LABELS.requantHi, rp.split!.hi, rho, `${op.source} quotient high part`), ctx.recvEval(LABELS.requantLo, rp.split!.lo, rho, `${op.source} quotient low part`));
  const r = rp.r.length ? limbSum(rp.r.map((name) => ctx.recvEval(LABELS.requantR, name, rho, `${op.source} remainder`))) : undefined;
  ctx.book.add(op.inputs[0]!, rho, requantInput(op, q, r));
  if (!rp.split) return;
  const s = rp.split;
  const yv = ctx.recvEval(LABELS.requantY, op.output, rho, `${op.source} output`);
  const sv = ctx.recvEval(LABELS.requantSat, s.sat, rho, `${op.source} saturation`);
  const rounds = Array.from({ length: nVars }, () => ctx.r.words(12, `${op.source} clamp sumcheck`).slice());
  const v = verifySumcheck(ctx.tr, extSub(yv, sv), { rounds }, nVars, 3);
  if (!v.ok) throw new Reject(`${op.source}: split clamp sumcheck fails at round ${v.round}: ${v.reason}`);
  const [zv, lv] = ctx.r.recv(ctx.tr, LABELS.requantSplitEnds, 2, `${op.source} clamp parts`);
  if (!extEquals(extMul(eqEval(rho, v.point), extMul(zv!, lv!)), v.claim)) throw new Reject(`${op.source}: the output is not the clamp of its split quotient`);
  ctx.book.add(s.zero, v.point, zv!);
  ctx.book.add(s.low, v.point, lv!);
}
