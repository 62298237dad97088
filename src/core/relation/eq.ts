// eq(r, ·) over the hypercube (LSB-first variables), plain reference used by the relation
// tables; the bulk kernels in ../kernels have the fast version.
import { type Ext, EXT_ONE, extMul, extSub } from "../field/index.ts";

export function eqTableRef(r: Ext[]): Uint32Array {
  let table = EXT_ONE.slice();
  for (let i = 0; i < r.length; i++) {
    const size = 2 ** i;
    const next = new Uint32Array(8 * size);
    const ri = r[i]!, one = extSub(EXT_ONE, ri);
    for (let x = 0; x < size; x++) {
      const e = table.subarray(4 * x, 4 * x + 4);
      next.set(extMul(e, one), 4 * x);
      next.set(extMul(e, ri), 4 * (x + size));
    }
    table = next;
  }
  return table;
}
