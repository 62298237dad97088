// The polynomial algebra the PCS needs: eq tables, eq at a point, inner products, RS encoding
// of base and extension rows.
import { P, add, sub, mul, rootOfUnity, extMul, extAdd, extSub, EXT_ONE } from "../field/index.ts";

/** eq(z, x) for every x ∈ {0,1}^k (variable 0 = bit 0 of x), interleaved extension elements. */
export function eqTable(z: Uint32Array): Uint32Array {
  const k = z.length / 4;
  const out = new Uint32Array(4 << k);
  out.set(EXT_ONE, 0);
  for (let v = 0; v < k; v++) {
    const zi = z.subarray(4 * v, 4 * v + 4);
    const half = 1 << v;
    // Entries with bit v set: t·z_v; without: t·(1 − z_v) = t − t·z_v.
    for (let x = half - 1; x >= 0; x--) {
      const t = out.subarray(4 * x, 4 * x + 4);
      const hiPart = extMul(t, zi);
      out.set(extSub(t, hiPart), 4 * x);
      out.set(hiPart, 4 * (x + half));
    }
  }
  return out;
}

/** eq(z, y) = Π_i (z_i·y_i + (1 − z_i)(1 − y_i)) at two extension points, O(k). */
export function eqAt(z: Uint32Array, y: Uint32Array): Uint32Array {
  let acc: Uint32Array = EXT_ONE.slice();
  for (let i = 0; i < z.length / 4; i++) {
    const zi = z.subarray(4 * i, 4 * i + 4), yi = y.subarray(4 * i, 4 * i + 4);
    const zy = extMul(zi, yi);
    // 1 − z − y + 2zy
    const term = extAdd(extSub(extSub(EXT_ONE, zi), yi), extAdd(zy, zy));
    acc = extMul(acc, term);
  }
  return acc;
}

/** ⟨a, b⟩ of two interleaved extension vectors of equal length. */
export function innerProduct(a: Uint32Array, b: Uint32Array): Uint32Array {
  let acc: Uint32Array = new Uint32Array(4);
  for (let i = 0; i < a.length; i += 4) acc = extAdd(acc, extMul(a.subarray(i, i + 4), b.subarray(i, i + 4)));
  return acc;
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

// ---- Reed–Solomon encoding (TS radix-2 NTT; to be replaced by the kernels' rsEncode) ----

function bitReverse(a: Uint32Array): void {
  const n = a.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; }
  }
}

function ntt(a: Uint32Array): void {
  const n = a.length, logN = Math.log2(n);
  bitReverse(a);
  for (let s = 1; s <= logN; s++) {
    const m = 1 << s, h = m >> 1, wm = rootOfUnity(s);
    for (let k = 0; k < n; k += m) {
      let w = 1;
      for (let j = 0; j < h; j++) {
        const u = a[k + j]!, t = mul(w, a[k + j + h]!);
        a[k + j] = add(u, t);
        a[k + j + h] = sub(u, t);
        w = mul(w, wm);
      }
    }
  }
}

/** RS codeword of a row of 2^b coefficients: zero-pad to 2^(b+logBlowup), evaluate at ω^j. */
export function encodeRow(row: Uint32Array, logBlowup: number): Uint32Array {
  const out = new Uint32Array(row.length << logBlowup);
  out.set(row);
  ntt(out);
  return out;
}

/** Encodes an extension row coordinate by coordinate (the code is F_p-linear). */
export function encodeExtRow(row: Uint32Array, logBlowup: number): Uint32Array {
  const n = row.length / 4;
  const out = new Uint32Array(4 * (n << logBlowup));
  const coord = new Uint32Array(n);
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < n; i++) coord[i] = row[4 * i + k]!;
    const enc = encodeRow(coord, logBlowup);
    for (let j = 0; j < enc.length; j++) out[4 * j + k] = enc[j]!;
  }
  return out;
}

export { P };
