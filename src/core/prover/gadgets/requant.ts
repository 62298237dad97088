// Requantization y = clamp(floor((x·M + 2^(s−1)) / 2^s)) (PROTOCOL §4; plan in
// circuit/requant-plan.ts): the lookups prove the quotient's parts and the remainder limbs in
// range; here, at a fresh point ρ, the identity x·M + 2^(s−1) = q·2^s + r turns the committed
// parts' values into the claim x̃(ρ) on the accumulator, and a split quotient's output is
// tied to its parts by y = [hi = 0]·clamp(offset + lo) + sat(hi).
import { padInts, type PlanTensor, type RequantProof } from "../../circuit/index.ts";
import { LABELS, requantInput, splitQuotient, limbSum } from "../../circuit/protocol.ts";
import { LIMB_BITS } from "../../circuit/requant-plan.ts";
import { eqTable } from "../../poly/index.ts";
import { proveProduct } from "../../sumcheck/index.ts";
import type { QOp } from "../../quant/qgraph.ts";
import type { ProverCtx } from "../context.ts";

type Requant = Extract<QOp, { kind: "requant" }>;

function proofOf(ctx: Pick<ProverCtx, "plan">, opIndex: number): RequantProof {
  for (const r of ctx.plan.requants) if (r.op === opIndex) return r;
  throw new Error(`prover: op ${opIndex} has no requant plan`);
}

export function proveRequant(ctx: ProverCtx, opIndex: number, op: Requant): void {
  const rp = proofOf(ctx, opIndex);
  const rho = ctx.tr.squeezeExts(LABELS.requantPoint, ctx.plan.tensors[op.output]!.nVars);
  const q = rp.q
    ? ctx.sendEval(LABELS.requantQ, rp.q, rho)
    : splitQuotient(rp.split!, ctx.sendEval(LABELS.requantHi, rp.split!.hi, rho), ctx.sendEval(LABELS.requantLo, rp.split!.lo, rho));
  const r = rp.r.length ? limbSum(rp.r.map((name) => ctx.sendEval(LABELS.requantR, name, rho))) : undefined;
  ctx.book.add(op.inputs[0]!, rho, requantInput(op, q, r));
  if (!rp.split) return;
  // ỹ(ρ) − sat~(ρ) = Σ_x eq(ρ, x)·zero(x)·low(x).
  const s = rp.split;
  ctx.sendEval(LABELS.requantY, op.output, rho);
  ctx.sendEval(LABELS.requantSat, s.sat, rho);
  const sc = proveProduct(ctx.tr, [{ data: eqTable(rho), ext: true }, { data: ctx.field(s.zero), ext: false }, { data: ctx.field(s.low), ext: false }]);
  for (const round of sc.proof.rounds) ctx.w.words(round);
  ctx.w.send(ctx.tr, LABELS.requantSplitEnds, [sc.evals[1]!, sc.evals[2]!]);
  ctx.book.add(s.zero, sc.point, sc.evals[1]!);
  ctx.book.add(s.low, sc.point, sc.evals[2]!);
}

// 1 on a tensor's live positions, 0 on its padding: made once per plan tensor.
const liveMasks = new WeakMap<PlanTensor, Float64Array>();

function liveMaskOf(t: PlanTensor): Float64Array {
  let m = liveMasks.get(t);
  if (!m) liveMasks.set(t, (m = padInts(new Uint8Array(t.shape.reduce((a, b) => a * b, 1)).fill(1), t.shape, t.logDims)));
  return m;
}

/** A remainder limb's base, and its exact inverse (divisions by it become products: same integers). */
const LIMB = 2 ** LIMB_BITS, INV_LIMB = 2 ** -LIMB_BITS;

/**
 * y (live values, zero padding), the quotient's parts and the remainder limbs over the whole
 * padded accumulator (the identity holds there too). A split's looked-up columns are 0 on
 * padding, so y = zero·low + sat holds everywhere.
 */
export function requantWitness(ctx: Pick<ProverCtx, "plan" | "values">, opIndex: number, op: Requant, ref: Int32Array): Map<string, Float64Array> {
  const rp = proofOf(ctx, opIndex);
  const y = ctx.plan.tensors[op.output]!;
  const acc = ctx.values.get(op.inputs[0]!)!;
  const n = acc.length;
  const q = new Float64Array(n), r = new Float64Array(n);
  // Divisions by powers of two as products with their exact inverses: the same integers (every
  // value is an integer below 2^53), without a division per element.
  const half = op.s > 0 ? 2 ** (op.s - 1) : 0, div = 2 ** op.s, inv = 2 ** -op.s;
  for (let p = 0; p < n; p++) {
    const num = acc[p]! * op.M + half;
    q[p] = Math.floor(num * inv);
    r[p] = num - q[p]! * div;
  }
  const yv = padInts(ref, y.shape, y.logDims);
  const out = new Map<string, Float64Array>([[op.output, yv]]);
  if (rp.q) out.set(rp.q, q);
  if (rp.split) {
    const s = rp.split;
    const hi = new Float64Array(n), lo = new Float64Array(n), sat = new Float64Array(n), zero = new Float64Array(n), low = new Float64Array(n);
    const live = liveMaskOf(y);
    const base = 2 ** s.lowBits, invBase = 2 ** -s.lowBits;
    for (let p = 0; p < n; p++) {
      const t = q[p]! - s.offset;
      hi[p] = Math.floor(t * invBase);
      lo[p] = t - hi[p]! * base;
      if (!live[p]) continue;
      zero[p] = hi[p] === 0 ? 1 : 0;
      sat[p] = hi[p]! > 0 ? op.hi : hi[p]! < 0 ? op.lo : 0;
      const c = s.offset + lo[p]!;
      low[p] = c < op.lo ? op.lo : c > op.hi ? op.hi : c;
    }
    for (const [name, v] of [[s.hi, hi], [s.lo, lo], [s.sat, sat], [s.zero, zero], [s.low, low]] as const) out.set(name, v);
  }
  // Limbs of r, least significant first (a single limb is r itself).
  let rest = r;
  rp.r.forEach((name, j) => {
    if (j === rp.r.length - 1) return out.set(name, rest);
    // r ≥ 0: its limb is r − ⌊r/2^16⌋·2^16, as r % 2^16 is, without a remainder per element.
    const limb = new Float64Array(n), next = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      next[p] = Math.floor(rest[p]! * INV_LIMB);
      limb[p] = rest[p]! - next[p]! * LIMB;
    }
    out.set(name, limb);
    rest = next;
  });
  return out;
}
