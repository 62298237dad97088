// KoalaBear (p = 2^31 - 2^24 + 1) element-wise kernels over u32 arrays in linear memory.
// Values are canonical in [0, p). Products are reduced with a 64-bit multiply and
// Barrett-free modulo (i64 rem is a single wasm instruction).

const P: u64 = 2130706433;

// @ts-ignore: decorator
@inline function mulmod(a: u32, b: u32): u32 {
  return <u32>((<u64>a * <u64>b) % P);
}

// @ts-ignore: decorator
@inline function addmod(a: u32, b: u32): u32 {
  const s = a + b; // < 2^32: both < 2^31
  return s >= <u32>P ? s - <u32>P : s;
}

/** out[i] = a[i] + b[i] mod p, for n elements at byte offsets a, b, out. */
export function vecAdd(a: usize, b: usize, out: usize, n: u32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    store<u32>(out + o, addmod(load<u32>(a + o), load<u32>(b + o)));
  }
}

/** out[i] = a[i] * b[i] mod p. */
export function vecMul(a: usize, b: usize, out: usize, n: u32): void {
  for (let i: usize = 0; i < <usize>n; i++) {
    const o = i << 2;
    store<u32>(out + o, mulmod(load<u32>(a + o), load<u32>(b + o)));
  }
}
