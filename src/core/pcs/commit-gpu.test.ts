// The GPU commitment against `commit`, byte for byte, in Node (Dawn through the optional
// `webgpu` package). WebGPU is hardware, not shared data: without an adapter the device tests are
// skipped and say why; the checks that need no device run everywhere.
import { describe, expect, it } from "vitest";
import { P } from "../field/index.ts";
import type { GpuKernels } from "../kernels/gpu-kernels.ts";
import { gpuKernelsFor } from "../kernels/gpu-kernels.ts";
import { nodeGpuDevice } from "../kernels/gpu-node.ts";
import { commit } from "./commit.ts";
import { CHECK_SHAPES, gpuCommitCheck } from "./commit-gpu-check.ts";
import { commitOnGpu, gpuCommitBytes, gpuCommitFits } from "./commit-gpu.ts";
import { chooseParams, DEFAULT_QUERIES, type PcsParams } from "./params.ts";
import { randomFields, rng } from "./test-helpers.ts";

const gpu = await nodeGpuDevice();

const shape = (logRows: number, logCols: number, logBlowup = 2): PcsParams =>
  ({ logN: logRows + logCols, logRows, logCols, logBlowup, queries: DEFAULT_QUERIES });

/** GpuKernels whose device reports the given binding limit (the size check runs before any GPU work). */
function limitedKernels(maxBinding: number): GpuKernels {
  const limits = { maxStorageBufferBindingSize: maxBinding, maxBufferSize: 2 * maxBinding };
  return { device: { limits } } as unknown as GpuKernels;
}

describe("commitOnGpu without a device", () => {
  it("sizes the encoded matrix and refuses one the device cannot bind, saying to commit on the CPU", async () => {
    const p = shape(4, 6);
    expect(gpuCommitBytes(p)).toBe(4 * 16 * 256);
    expect(gpuCommitFits(p, limitedKernels(4 * 16 * 256))).toBe(true);
    expect(gpuCommitFits(p, limitedKernels(4 * 16 * 256 - 4))).toBe(false);
    const evals = randomFields(rng(1), 1 << 10);
    await expect(commitOnGpu(p, evals, limitedKernels(1024))).rejects.toThrow(/pcs: commitOnGpu: .* 16384 bytes .* at most 1024; commit on the CPU/);
  });

  it("checks its input like commit: wrong length, non-canonical values, bad parameters", async () => {
    const K = limitedKernels(1 << 30);
    await expect(commitOnGpu(shape(2, 3), new Uint32Array(31), K)).rejects.toThrow(/pcs: commit: 31 values for a 2\^5 commitment/);
    const bad = new Uint32Array(32);
    bad[7] = P;
    await expect(commitOnGpu(shape(2, 3), bad, K)).rejects.toThrow(/value 2130706433 at index 7 is not a canonical/);
    await expect(commitOnGpu({ ...shape(2, 3), logN: 6 }, new Uint32Array(64), K)).rejects.toThrow(/must equal logN/);
  });
});

describe.skipIf(!gpu.ok)(`commitOnGpu in Node${gpu.ok ? ` (${gpu.adapter})` : ` — skipped: ${gpu.ok ? "" : gpu.reason}`}`, () => {
  const G = () => gpuKernelsFor((gpu as { device: GPUDevice }).device);

  it("gives commit's PcsProverData byte for byte on several shapes and rates", async () => {
    // One row, one column, square, tall, wide, rate 1/2 and 1/8, and the layout chooseParams picks for 2^16.
    const p16 = chooseParams(16);
    const cases = await gpuCommitCheck(G(), [...CHECK_SHAPES, [p16.logRows, p16.logCols, p16.logBlowup]]);
    expect(cases.map((c) => c.name)).toContain("2^9×2^4 rate 2^-2");
    expect(cases).toHaveLength(CHECK_SHAPES.length + 1);
    expect(cases.filter((c) => c.differs.length)).toEqual([]);
  }, 60_000);

  it("different data gives a different root (the GPU path reads the data it is given)", async () => {
    const p = shape(4, 6), a = randomFields(rng(5), 1 << 10), b = a.slice();
    b[1023] = (b[1023]! + 1) % P;
    const [ra, rb] = [await commitOnGpu(p, a, G()), await commitOnGpu(p, b, G())];
    expect(Buffer.from(ra.root).equals(Buffer.from(rb.root))).toBe(false);
    expect(Buffer.from(rb.root).equals(Buffer.from(commit(p, b).root))).toBe(true);
  }, 30_000);
});
