// Claims "T̃(point) = value" on tensors, routed from the output back to the input. The prover
// and the verifier keep the same book in the same order.
import type { Ext } from "../field/index.ts";

export interface Claim {
  /** One extension element per variable (4 words each), variable 0 first. */
  point: Uint32Array;
  value: Ext;
}

export class ClaimBook {
  private readonly claims = new Map<string, Claim[]>();

  add(tensor: string, point: Uint32Array, value: Ext): void {
    let list = this.claims.get(tensor);
    if (!list) this.claims.set(tensor, (list = []));
    list.push({ point, value });
  }

  /** Removes and returns every claim on a tensor. */
  take(tensor: string): Claim[] {
    const list = this.claims.get(tensor) ?? [];
    this.claims.delete(tensor);
    return list;
  }

  tensors(): string[] {
    return [...this.claims.keys()];
  }
}

/** Splits a point into per-dimension parts (last dimension = lowest variables). */
export function splitPoint(point: Uint32Array, logDims: readonly number[]): Uint32Array[] {
  const parts = new Array<Uint32Array>(logDims.length);
  let off = 0;
  for (let d = logDims.length - 1; d >= 0; d--) {
    parts[d] = point.subarray(4 * off, 4 * (off + logDims[d]!));
    off += logDims[d]!;
  }
  return parts;
}

/** Joins per-dimension parts back into one point (last dimension first in memory). */
export function joinPoint(parts: readonly Uint32Array[]): Uint32Array {
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint32Array(total);
  let off = 0;
  for (let d = parts.length - 1; d >= 0; d--) {
    out.set(parts[d]!, off);
    off += parts[d]!.length;
  }
  return out;
}

/**
 * The point at which a tensor broadcast into `outShape` (numpy rules, aligned on the right) is
 * read: dimensions it has at full size keep their variables; dimensions of size 1 drop theirs.
 */
export function broadcastPoint(point: Uint32Array, outLogDims: readonly number[], inShape: readonly number[], outShape: readonly number[]): Uint32Array {
  const parts = splitPoint(point, outLogDims);
  const shift = outShape.length - inShape.length;
  const kept: Uint32Array[] = [];
  for (let d = 0; d < inShape.length; d++) {
    const od = d + shift;
    kept.push(inShape[d] === outShape[od] ? parts[od]! : new Uint32Array(0));
  }
  return joinPoint(kept);
}

/** The point whose low variables are `low` and high variables `high`. */
export function concatPoint(low: Uint32Array, high: Uint32Array): Uint32Array {
  const out = new Uint32Array(low.length + high.length);
  out.set(low, 0);
  out.set(high, low.length);
  return out;
}
