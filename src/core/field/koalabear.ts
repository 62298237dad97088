// KoalaBear base field, plain TypeScript reference (PROTOCOL.md §1). Canonical u32 in [0, p).

export const P = 2130706433; // 2^31 - 2^24 + 1
const P_BIG = 2130706433n;

export function add(a: number, b: number): number {
  const s = a + b;
  return s >= P ? s - P : s;
}

export function sub(a: number, b: number): number {
  const d = a - b;
  return d < 0 ? d + P : d;
}

/** a·b mod p without BigInt: split b into 16-bit halves so every partial product is < 2^53. */
export function mul(a: number, b: number): number {
  const bh = b >>> 16, bl = b & 0xffff;
  return ((a * bh) % P * 65536 + a * bl) % P;
}

export function mulBig(a: number, b: number): number {
  return Number((BigInt(a) * BigInt(b)) % P_BIG);
}

export function vecAdd(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = add(a[i]!, b[i]!);
  return out;
}

export function vecMul(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = mul(a[i]!, b[i]!);
  return out;
}
