// Pointwise products under numpy broadcasting (PROTOCOL §4 "Mul (Hadamard)"): the claim ỹ(r) is
// Σ_x eq(r,x)·g(a(x), b(x)) over the output's hypercube, a degree-3 sumcheck whose last point
// gives claims on a and b. Mul: g = a·b. Select (Where with a constant 0/1 mask m, committed in
// the model): g = x·(1 − m) + fill·m.
import { type Claim, broadcastPoint } from "../../circuit/index.ts";
import { LABELS } from "../../circuit/protocol.ts";
import { type Ext, EXT_ONE, P, extAdd, extFromBase, extMul, extSub } from "../../field/index.ts";
import { eqTable } from "../../poly/index.ts";
import { proveProduct, proveSumOfProducts } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";
import { broadcastIndex, expand } from "./fold.ts";

type Binary = Extract<QOp, { kind: "mul" | "select" }>;

export const fieldConst = (v: number): Ext => extFromBase(((v % P) + P) % P);

/** The select combination x·(1 − m) + fill·m on extension values (shared with the verifier). */
export function selectValue(x: Ext, m: Ext, fill: number): Ext {
  return extAdd(extSub(x, extMul(x, m)), extMul(fieldConst(fill), m));
}

function operands(ctx: Pick<ProverCtx, "plan">, op: Binary) {
  const T = ctx.plan.tensors, out = T[op.output]!;
  const a = T[op.inputs[0]!]!, b = T[op.inputs[1]!]!;
  return { out, a, b, ma: broadcastIndex(out, a), mb: broadcastIndex(out, b) };
}

export function forwardMul(ctx: Pick<ProverCtx, "plan" | "values">, op: Binary): Float64Array {
  const { a, b, ma, mb } = operands(ctx, op);
  const av = ctx.values.get(a.name)!, bv = ctx.values.get(b.name)!;
  const y = new Float64Array(ma.length);
  for (let p = 0; p < y.length; p++) {
    const u = av[ma[p]!]!, v = bv[mb[p]!]!;
    y[p] = op.kind === "mul" ? u * v : v ? op.fill : u;
  }
  return y;
}

export function proveMul(ctx: ProverCtx, op: Binary, claim: Claim): void {
  const { out, a, b, ma, mb } = operands(ctx, op);
  const tables = [
    { data: eqTable(claim.point), ext: true },
    { data: expand(ctx.field(a.name), ma), ext: false },
    { data: expand(ctx.field(b.name), mb), ext: false },
  ];
  // Select's e·(x·(1 − m) + fill·m) is the sum of products e·x − e·x·m + fill·e·m: the same
  // polynomial (so the same messages), on the kernels rather than in TypeScript per element.
  const sc = op.kind === "mul"
    ? proveProduct(ctx.tr, tables)
    : proveSumOfProducts(ctx.tr, tables, [
      { coeff: EXT_ONE, tables: [0, 1] },
      { coeff: fieldConst(-1), tables: [0, 1, 2] },
      { coeff: fieldConst(op.fill), tables: [0, 2] },
    ]);
  for (const r of sc.proof.rounds) ctx.w.words(r);
  ctx.w.send(ctx.tr, LABELS.productEnds, [sc.evals[1]!, sc.evals[2]!]);
  ctx.book.add(a.name, broadcastPoint(sc.point, out.logDims, a.shape, out.shape).slice(), sc.evals[1]!);
  ctx.book.add(b.name, broadcastPoint(sc.point, out.logDims, b.shape, out.shape).slice(), sc.evals[2]!);
}
