// Small extension-vector helpers the PCS needs beyond field/, poly/ and the kernels.
import { extMul, EXT_ONE } from "../field/index.ts";
import { fieldBackend } from "../kernels/index.ts";

/** ⟨a, b⟩ of two interleaved extension vectors of equal length (on the kernels). */
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
