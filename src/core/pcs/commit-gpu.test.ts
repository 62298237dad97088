// The GPU commitment against `commit`, byte for byte, in Node (Dawn through the optional
// `webgpu` package). WebGPU is hardware, not shared data: without an adapter the device tests are
// skipped and say why; the checks that need no device run everywhere.
import { describe, expect, it } from "vitest";
import { P } from "../field/index.ts";
import type { GpuKernels } from "../kernels/gpu-kernels.ts";
import { gpuKernelsFor } from "../kernels/gpu-kernels.ts";
import { nodeGpuDevice } from "../kernels/gpu-node.ts";
import { commit, type PcsProverData } from "./commit.ts";
import { commitOnGpu, gpuCommitBytes, gpuCommitFits } from "./commit-gpu.ts";
import { chooseParams, DEFAULT_QUERIES, type PcsParams } from "./params.ts";
import { randomFields, rng } from "./test-helpers.ts";

const gpu = await nodeGpuDevice();

const shape = (logRows: number, logCols: number, logBlowup = 2): PcsParams =>
  ({ logN: logRows + logCols, logRows, logCols, logBlowup, queries: DEFAULT_QUERIES });

function expectSame(got: PcsProverData, want: PcsProverData): void {
  expect(got.params).toEqual(want.params);
  expect(Buffer.from(got.root).toString("hex")).toBe(Buffer.from(want.root).toString("hex"));
  expect(got.matrix).toEqual(want.matrix);
  // Column-major encodings and every Merkle level, compared as whole buffers.
  expect(Buffer.compare(Buffer.from(got.columns.buffer, got.columns.byteOffset, got.columns.byteLength),
    Buffer.from(want.columns.buffer, want.columns.byteOffset, want.columns.byteLength))).toBe(0);
  expect(got.tree.depth).toBe(want.tree.depth);
  got.tree.levels.forEach((l, i) => expect(Buffer.compare(Buffer.from(l), Buffer.from(want.tree.levels[i]!))).toBe(0));
}

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
    const r = rng(2026);
    // One row, one column, square, tall, wide, rate 1/2 and 1/8, a chosen layout near 2^16.
    const shapes = [shape(0, 6), shape(5, 0), shape(3, 3), shape(9, 4), shape(2, 11), shape(4, 7, 1), shape(3, 8, 3), chooseParams(16)];
    for (const p of shapes) {
      const evals = randomFields(r, 2 ** p.logN);
      evals[0] = P - 1; // the largest canonical value
      expectSame(await commitOnGpu(p, evals, G()), commit(p, evals));
    }
  }, 60_000);

  it("different data gives a different root (the GPU path reads the data it is given)", async () => {
    const p = shape(4, 6), a = randomFields(rng(5), 1 << 10), b = a.slice();
    b[1023] = (b[1023]! + 1) % P;
    const [ra, rb] = [await commitOnGpu(p, a, G()), await commitOnGpu(p, b, G())];
    expect(Buffer.from(ra.root).equals(Buffer.from(rb.root))).toBe(false);
    expect(Buffer.from(rb.root).equals(Buffer.from(commit(p, b).root))).toBe(true);
  }, 30_000);
});
