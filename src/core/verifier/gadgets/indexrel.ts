// Mirror of prover/gadgets/indexrel.ts: the relations are evaluated here, in O(bits) per axis
// (O(#indices·bits) for a gather).
import { type Claim, splitPoint } from "../../circuit/index.ts";
import { LABELS, pointToExts } from "../../circuit/protocol.ts";
import { axisMapRelation, relationsOf, type MapRelation } from "../../circuit/index-relations.ts";
import { type Ext, EXT_ONE, EXT_ZERO, extAdd, extEquals, extMul } from "../../field/index.ts";
import { eqAtIndex } from "../../poly/index.ts";
import { relationMle } from "../../relation/index.ts";
import { verifySumcheck } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import { Reject, type VerifierCtx } from "../context.ts";

function relationAt(rel: MapRelation, r: Uint32Array[], rho: Uint32Array[]): Ext {
  const exts = (p: Uint32Array) => pointToExts(p);
  if (rel.kind === "flat") {
    let acc = rel.rel.vars.length ? relationMle(rel.rel, [...rel.outDims.map((d) => exts(r[d]!)), ...rel.inDims.map((d) => exts(rho[d]!))]) : EXT_ONE;
    for (const s of rel.same) acc = extMul(acc, relationMle(axisMapRelation(s.axis), [exts(r[s.out]!), exts(rho[s.in]!)]));
    return acc;
  }
  let acc: Ext = EXT_ONE;
  rel.axes.forEach((a, d) => {
    if (rel.kind === "gather" && d === rel.axis) {
      let g: Ext = EXT_ZERO.slice();
      rel.indices.forEach((src, t) => (g = extAdd(g, extMul(eqAtIndex(r[d]!, t), eqAtIndex(rho[d]!, src)))));
      acc = extMul(acc, g);
    } else acc = extMul(acc, relationMle(axisMapRelation(a), [exts(r[d]!), exts(rho[d]!)]));
  });
  return acc;
}

export function verifyIndexRelation(ctx: VerifierCtx, op: Extract<QOp, { kind: "indexmap" }>, claim: Claim): void {
  const T = ctx.plan.tensors, y = T[op.output]!;
  const rels = relationsOf(T, op);
  const r = splitPoint(claim.point, y.logDims);
  let shares = [claim.value];
  if (rels.length > 1) {
    shares = ctx.r.recv(ctx.tr, LABELS.indexParts, rels.length, `${op.source} input shares`);
    if (!extEquals(shares.reduce((a, b) => extAdd(a, b), EXT_ZERO.slice()), claim.value)) throw new Reject(`${op.source}: the inputs' shares do not add up to the output`);
  }
  rels.forEach((rel, j) => {
    const x = T[op.inputs[j]!]!;
    const rounds = Array.from({ length: x.nVars }, () => ctx.r.words(8, `${op.source} sumcheck`).slice());
    const v = verifySumcheck(ctx.tr, shares[j]!, { rounds }, x.nVars, 2);
    if (!v.ok) throw new Reject(`${op.source}: ${op.map.type} sumcheck fails at round ${v.round}: ${v.reason}`);
    const [xv] = ctx.r.recv(ctx.tr, LABELS.indexEnd, 1, `${op.source} input value`);
    if (!extEquals(extMul(relationAt(rel, r, splitPoint(v.point, x.logDims)), xv!), v.claim)) throw new Reject(`${op.source}: the ${op.map.type} does not match its input`);
    ctx.book.add(x.name, v.point, xv!);
  });
}
