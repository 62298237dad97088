// A model whose proofs cannot fit in the kernels' 4 GiB is refused before setup or proving spends
// minutes and gigabytes on it, with a message that says why and what to do.
import { describe, expect, it } from "vitest";
import { compilePlan, CircuitError, type GraphSpec } from "../../src/core/circuit/index.ts";
import { KERNEL_MEMORY_BYTES, pipelinesWitness, proverMemoryFloor, setupMemoryFloor, streamsModel, streamsWitness } from "../../src/core/circuit/memory.ts";
import { fieldBackend, KernelMemoryError } from "../../src/core/kernels/index.ts";
import { setupKeys } from "../../src/core/prover/index.ts";
import { graphOf, tensor } from "./gadget-harness.ts";

// x [rows, 2^14] (public) → requant → y (output): the remainder column alone is rows·2^14 entries.
function wide(rows: number) {
  return graphOf([tensor("x", [rows, 16384], "input", 16), tensor("y", [rows, 16384], "activation", 8)],
    [{ kind: "requant", source: "/shift", inputs: ["x"], output: "y", M: 1, s: 8, lo: -128, hi: 127 }], {}, ["x"], ["y"]);
}

describe("kernel memory", () => {
  it("a plan past the floor is refused by setup at once, naming the size and what to do", () => {
    const big = wide(16384);
    const { consts: _, ...spec } = big;
    expect(proverMemoryFloor(compilePlan(spec as GraphSpec))).toBeGreaterThan(KERNEL_MEMORY_BYTES);
    // Refused from the plan alone (without the check it would run until the kernels' memory ran out).
    expect(() => setupKeys(big)).toThrow(CircuitError);
    expect(() => setupKeys(big)).toThrow(/needs at least \d+\.\d GiB of WebAssembly memory \(its witness has 2\^\d+ entries.*prove a smaller model or smaller inputs/);
  });

  it("a witness whose code would not fit is committed streamed, and its proofs are not refused", () => {
    // 2^29 witness entries: the kept code (4 GiB, held twice while committed) cannot fit, the witness once can.
    const { consts: _, ...spec } = wide(8192);
    const plan = compilePlan(spec as GraphSpec);
    expect(streamsWitness(plan)).toBe(true);
    expect(proverMemoryFloor(plan)).toBeLessThan(KERNEL_MEMORY_BYTES);
    const { consts: __, ...small } = wide(16);
    expect(streamsWitness(compilePlan(small as GraphSpec))).toBe(false);
    expect(pipelinesWitness(plan)).toBe(false);
  });

  it("the witness vector is held in kernel memory (its rows encoded while it is computed) only where it fits beside its kept code", () => {
    // 2^20, 2^25 and 2^26 witness entries: the last one's code alone is 2 GiB.
    const plans = [16, 512, 1024].map((rows) => { const { consts: _, ...spec } = wide(rows); return compilePlan(spec as GraphSpec); });
    expect(plans.map(pipelinesWitness)).toEqual([true, true, false]);
    expect(plans.map(streamsWitness)).toEqual([false, false, true]);
  });

  it("a model whose weights alone are too many for setup is refused by setup, naming the weights", () => {
    // Four layers x [1, 2^14] · w_i [2^14, 2^14]: 2^30 weight entries, 4 GiB as a vector.
    const n = 16384, layers = [1, 2, 3, 4];
    const dense = graphOf([tensor("y0", [1, n], "input", 6), ...layers.flatMap((i) => [
      tensor(`w${i}`, [n, n], "weight", 6), tensor(`acc${i}`, [1, n], "accumulator", 29), tensor(`y${i}`, [1, n], "activation", 8)])], layers.flatMap((i) => [
      { kind: "linear" as const, form: "dense" as const, source: `/fc${i}`, inputs: [`y${i - 1}`, `w${i}`], output: `acc${i}` },
      { kind: "requant" as const, source: `/out${i}`, inputs: [`acc${i}`], output: `y${i}`, M: 1, s: 12, lo: -128, hi: 127 },
    ]), {}, ["y0"], ["y4"]);
    const { consts: _, ...spec } = dense;
    expect(setupMemoryFloor(compilePlan(spec as GraphSpec))).toBeGreaterThanOrEqual(KERNEL_MEMORY_BYTES);
    expect(() => setupKeys(dense)).toThrow(/setting this model up needs at least \d+\.\d GiB .*4 weight tensors fill 2\^30 entries.*use a model with fewer weights/);
  });

  it("weights whose code would not fit are committed streamed at setup (AlexNet's 2^27 entries)", () => {
    const dense = graphOf([tensor("x", [1, 16384], "input", 6), tensor("w", [8192, 16384], "weight", 6), tensor("acc", [1, 8192], "accumulator", 29), tensor("y", [1, 8192], "activation", 8)], [
      { kind: "linear", form: "dense", source: "/fc", inputs: ["x", "w"], output: "acc" },
      { kind: "requant", source: "/out", inputs: ["acc"], output: "y", M: 1, s: 12, lo: -128, hi: 127 },
    ], {}, ["x"], ["y"]);
    const { consts: _, ...spec } = dense;
    const plan = compilePlan(spec as GraphSpec);
    expect(streamsModel(plan)).toBe(true);
    expect(setupMemoryFloor(plan)).toBeLessThan(KERNEL_MEMORY_BYTES);
    expect(proverMemoryFloor(plan)).toBeLessThan(KERNEL_MEMORY_BYTES);
  });

  it("a buffer past what the kernels can address is a KernelMemoryError, and the kernels stay usable", () => {
    const K = fieldBackend();
    expect(() => K.allocFor(2 ** 30 + 1)).toThrow(KernelMemoryError);
    expect(() => K.allocFor(2 ** 30 + 1)).toThrow(/out of WebAssembly memory: a 4097 MiB buffer does not fit .*at most 4096 MiB/);
    const b = K.from(Uint32Array.of(5, 6, 7));
    expect(Array.from(K.read(b))).toEqual([5, 6, 7]);
    K.free(b);
  });

  it("a plan under it is not", () => {
    const { consts: _, ...spec } = wide(16);
    expect(proverMemoryFloor(compilePlan(spec as GraphSpec))).toBeLessThan(KERNEL_MEMORY_BYTES);
    expect(() => setupKeys(wide(16))).not.toThrow();
  });
});
