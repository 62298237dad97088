// How a requantization y = clamp(floor((acc·M + 2^(s−1)) / 2^s), lo, hi) is proved (PROTOCOL §4).
// The identity acc·M + 2^(s−1) = q·2^s + r holds at a random point; r is committed in 16-bit
// limbs (the top one s mod 16 wide), each in its range table. A quotient whose static range fits
// one table is committed and (q, y) looked up in the clamp table. A wider one is split:
// q = offset + 2^L·hi + lo with offset = lo of the clamp, (lo, clamp(offset + lo)) looked up in
// one table (which proves lo ∈ [0, 2^L)) and (hi, sat(hi), [hi = 0]) in a table over hi's static
// domain; then y = [hi = 0]·clamp(offset + lo) + sat(hi) everywhere (one sumcheck). Since the
// clamp window [lo, hi] sits inside [offset, offset + 2^L), every q with hi ≠ 0 saturates. L is
// at most 16 and at least the window's width (splitLayout picks the fewest table rows).
import { FIELD_P, signedBitsFor } from "../quant/fixed.ts";
import type { Interval } from "../quant/bounds.ts";
import type { QOp } from "../quant/qgraph.ts";
import { auxTensor, type PlanBuilder } from "./builder.ts";
import { CircuitError } from "./errors.ts";
import type { RequantProof } from "./plan.ts";
import { clampTable, highTable, lowClampTable, rangeTable } from "./tables.ts";

/** Width of a remainder limb and of the low part of a split quotient. */
export const LIMB_BITS = 16;

type Requant = Extract<QOp, { kind: "requant" }>;

/** The quotient floor((v·M + 2^(s−1)) / 2^s) (v·M when s = 0). */
export function quotientOf(op: Pick<Requant, "M" | "s">, v: number): number {
  return op.s === 0 ? v * op.M : Math.floor((v * op.M + 2 ** (op.s - 1)) / 2 ** op.s);
}

/** Bit widths of the remainder limbs, least significant first. */
export function limbWidths(s: number): number[] {
  const out: number[] = [];
  for (let left = s; left > 0; left -= LIMB_BITS) out.push(Math.min(LIMB_BITS, left));
  return out;
}

export function planRequant(b: PlanBuilder, op: Requant, opIndex: number, acc: Interval): RequantProof {
  const y = b.tensors[op.output]!;
  const shape = y.shape;
  const qLo = quotientOf(op, acc.lo), qHi = quotientOf(op, acc.hi);
  const qBits = Math.max(1, signedBitsFor(qLo, qHi));
  const fail = (why: string) => new CircuitError(`${op.source}: requant of ${op.output}: ${why}`, op.source);
  const proof: RequantProof = { op: opIndex, r: [] };
  const use = (columns: string[], what: string) => ({ columns, shapeOf: op.output, label: `${op.source}: ${what} of ${op.output}` });

  if (qBits <= LIMB_BITS) {
    // The table proves q ∈ [−2^(qBits−1), 2^(qBits−1)): that range times 2^s must be unique mod p.
    if (2 ** (qBits + op.s) > FIELD_P) throw fail(`a ${qBits}-bit quotient at shift ${op.s} is not unique in the field; lower the shift or the accumulator's width`);
    proof.q = auxTensor(b, `${op.output}#q`, shape, qBits, true).name;
    b.addUse(clampTable(qBits, op.lo, op.hi), use([proof.q, op.output], "requant"));
  } else {
    if (op.hi - op.lo + 1 > 2 ** LIMB_BITS) throw fail(`its clamp [${op.lo}, ${op.hi}] is wider than 2^${LIMB_BITS}; narrow the output type`);
    const offset = op.lo;
    const { lowBits, hMin, hMax } = splitLayout(op, qLo, qHi, fail);
    const outBits = y.bits, outSigned = y.signed;
    const split = {
      hi: auxTensor(b, `${op.output}#hi`, shape, signedBitsFor(hMin, hMax), true).name,
      lo: auxTensor(b, `${op.output}#lo`, shape, lowBits, false).name,
      sat: auxTensor(b, `${op.output}#sat`, shape, outBits, outSigned).name,
      zero: auxTensor(b, `${op.output}#zero`, shape, 1, false).name,
      low: auxTensor(b, `${op.output}#low`, shape, outBits, outSigned).name,
      offset,
      lowBits,
    };
    proof.split = split;
    b.addUse(lowClampTable(lowBits, offset, op.lo, op.hi), use([split.lo, split.low], "quotient low part"));
    b.addUse(highTable(hMin, hMax, op.lo, op.hi), use([split.hi, split.sat, split.zero], "quotient high part"));
  }
  const widths = limbWidths(op.s);
  widths.forEach((bits, j) => {
    const name = widths.length === 1 ? `${op.output}#r` : `${op.output}#r${j}`;
    proof.r.push(auxTensor(b, name, shape, bits, false).name);
    b.addUse(rangeTable(bits), use([name], widths.length === 1 ? "remainder" : `remainder limb ${j}`));
  });
  return proof;
}

/**
 * The low part's width L of a split quotient q = offset + 2^L·hi + lo: any L from the clamp
 * window's width up to LIMB_BITS is sound (the window [lo, hi] fits in [offset, offset + 2^L), so
 * every q with hi ≠ 0 saturates); the one with the fewest table rows (2^L low-part rows plus the
 * high part's span) is chosen, so a 12-bit output's quotient is split over a 2^12-row table and
 * not a 2^16-row one. The high part's span must fit a table, and the quotient range be unique mod p.
 */
function splitLayout(op: Requant, qLo: number, qHi: number, fail: (why: string) => CircuitError): { lowBits: number; hMin: number; hMax: number } {
  const offset = op.lo;
  let window = 1;
  while (2 ** window < op.hi - op.lo + 1) window++;
  const at = (L: number) => {
    const hMin = Math.floor((qLo - offset) / 2 ** L), hMax = Math.floor((qHi - offset) / 2 ** L);
    return { lowBits: L, hMin, hMax, span: hMax - hMin + 1 };
  };
  let best: ReturnType<typeof at> | undefined, bestRows = Infinity;
  for (let L = window; L <= LIMB_BITS; L++) {
    const c = at(L);
    if (c.span > 2 ** LIMB_BITS || c.span * 2 ** (L + op.s) > FIELD_P) continue;
    let spanBits = 1;
    while (2 ** spanBits < c.span) spanBits++;
    const rows = 2 ** L + 2 ** spanBits;
    if (rows < bestRows) [best, bestRows] = [c, rows];
  }
  if (best) return best;
  const widest = at(LIMB_BITS);
  if (widest.span > 2 ** LIMB_BITS) throw fail(`the quotient's high part spans ${widest.span} values, over a 2^${LIMB_BITS}-row table; raise the shift or narrow the inputs`);
  throw fail(`a quotient range of ${widest.span}·2^${LIMB_BITS} values at shift ${op.s} is not unique in the field; lower the shift or the accumulator's width`);
}
