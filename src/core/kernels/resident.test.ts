// Arrays already in kernel memory are used in place: a lent view (the pipelined witness vector)
// gives slices of itself until it is taken back, and anything else is copied.
import { describe, expect, it } from "vitest";
import { wasmBackend } from "./index.ts";
import { inKernels, lendResident } from "./resident.ts";

describe("resident arrays", () => {
  it("a lent vector's subarrays are slices of it until it is taken back; other arrays are copies", () => {
    const K = wasmBackend(), buf = K.alloc(64), view = K.view(buf);
    view.set(Uint32Array.from({ length: 64 }, (_, i) => 3 * i + 1));
    const forget = lendResident(K, view, buf);
    try {
      const part = view.subarray(8, 24);
      const lent = inKernels(K, part);
      expect(lent.owned).toBe(false);
      expect(Array.from(K.read(lent.buf))).toEqual(Array.from(part));
      // Written through the slice: the same memory.
      K.write(lent.buf, Uint32Array.of(7), 0);
      expect(view[8]).toBe(7);
      const other = inKernels(K, part.slice());
      expect(other.owned).toBe(true);
      K.free(other.buf);
    } finally {
      forget();
    }
    const after = inKernels(K, view.subarray(8, 24));
    expect(after.owned).toBe(true);
    K.free(after.buf);
    K.free(buf);
  });
});
