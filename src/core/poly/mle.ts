// Multilinear extensions given by their hypercube values (variable i = bit i of the index):
// evaluation at an extension point by folding, variable 0 first (the sumcheck's order).

import type { Ext } from "../field/ext.ts";
import { type FieldBackend, fieldBackend } from "../kernels/index.ts";
import { inKernels } from "../kernels/resident.ts";

/**
 * MLE of `table` (2^n base elements, or 2^n extension elements interleaved when `ext`) at the
 * point r (n extension elements, 4n words), by n folds: O(2^n).
 */
export function evaluateMle(table: Uint32Array, ext: boolean, r: Uint32Array, K: FieldBackend = fieldBackend()): Ext {
  const n = r.length / 4;
  const size = ext ? table.length / 4 : table.length;
  if (size !== 2 ** n) throw new Error(`poly: table of ${size} elements for a point of ${n} variables`);
  if (n === 0) return ext ? table.slice(0, 4) : Uint32Array.of(table[0]!, 0, 0, 0);
  const { buf: inp, owned } = inKernels(K, table);
  // Two work tables, folded into each other in turn (not in place: a pool splits the folds).
  const work = [K.allocFor(4 * (size / 2)), K.allocFor(4 * Math.max(1, size / 4))];
  try {
    let m = size / 2;
    if (ext) K.foldExt(inp, m, r.subarray(0, 4), work[0]!);
    else K.foldBase(inp, m, r.subarray(0, 4), work[0]!);
    for (let i = 1; i < n; i++) {
      m /= 2;
      K.foldExt(work[(i - 1) & 1]!, m, r.subarray(4 * i, 4 * i + 4), work[i & 1]!);
    }
    return K.read(K.slice(work[(n - 1) & 1]!, 0, 4));
  } finally {
    if (owned) K.free(inp);
    for (const w of work) K.free(w);
  }
}
