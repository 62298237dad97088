// The small algebra the PCS does outside the bulk kernels: eq at a point, powers, and thin
// copy-in/copy-out wrappers over the kernels for the verifier's vectors.
import { extAdd, extMul, extSub, EXT_ONE } from "../field/index.ts";
import { fieldBackend, eqTable as kernelEqTable, rsEncodeExt } from "../kernels/index.ts";

/** eq(z, x) for every x ∈ {0,1}^k (variable 0 = bit 0 of x), interleaved extension elements. */
export const eqTable = (z: Uint32Array): Uint32Array => kernelEqTable(z);

/** RS codeword of an extension row at rate 2^-logBlowup (each coordinate encoded). */
export const encodeExtRow = (row: Uint32Array, logBlowup: number): Uint32Array => rsEncodeExt(row, logBlowup);

/** eq(z, y) = Π_i (z_i·y_i + (1 − z_i)(1 − y_i)) at two extension points, O(k). */
export function eqAt(z: Uint32Array, y: Uint32Array): Uint32Array {
  let acc: Uint32Array = EXT_ONE.slice();
  for (let i = 0; i < z.length / 4; i++) {
    const zi = z.subarray(4 * i, 4 * i + 4), yi = y.subarray(4 * i, 4 * i + 4);
    const zy = extMul(zi, yi);
    acc = extMul(acc, extAdd(extSub(extSub(EXT_ONE, zi), yi), extAdd(zy, zy))); // 1 − z − y + 2zy
  }
  return acc;
}

/** ⟨a, b⟩ of two interleaved extension vectors of equal length. */
export function innerProduct(a: Uint32Array, b: Uint32Array): Uint32Array {
  const K = fieldBackend();
  const x = K.from(a), y = K.from(b);
  try {
    return K.extDot(x, y, a.length / 4);
  } finally {
    K.free(x);
    K.free(y);
  }
}

/** Powers 1, x, x², … (n extension elements, interleaved). */
export function extPowers(x: Uint32Array, n: number): Uint32Array {
  const out = new Uint32Array(4 * n);
  let acc: Uint32Array = EXT_ONE.slice();
  for (let i = 0; i < n; i++) {
    out.set(acc, 4 * i);
    acc = extMul(acc, x);
  }
  return out;
}
