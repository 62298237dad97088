// Issue 10 (GPU part): proveAsync commits the witness on WebGPU (commitOnGpu) and gives the same
// proof.bin as the synchronous prover, which the verifier accepts; the progress events say which
// backend ran each stage. WebGPU in Node is optional hardware (Dawn through the `webgpu` package):
// without an adapter the GPU proofs are skipped and say why; the wasm path of proveAsync runs always.
import { describe, expect, it } from "vitest";
import { buildOutput, decodeTensorProto, publicInputs } from "../../src/core/artifacts/index.ts";
import { proveWithKey, proveWithKeyAsync } from "../../src/core/prover/keys.ts";
import type { ProgressEvent } from "../../src/core/prover/index.ts";
import { gpuKernelsFor, type GpuKernels } from "../../src/core/kernels/gpu-kernels.ts";
import { nodeGpuDevice } from "../../src/core/kernels/gpu-node.ts";
import { nodePool } from "../../src/core/parallel/index.ts";
import { verifyFiles } from "../../src/core/verifier/files.ts";
import { fixtureFiles } from "./keys-fixture.ts";
import { itShared } from "../shared-data.ts";
import { DIGITS_CNN, digitsCnnKeys } from "./digits-cnn-fixture.ts";

const gpu = await nodeGpuDevice();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const G = (): GpuKernels => gpuKernelsFor((gpu as { device: GPUDevice }).device);

/** The backend each stage reported (every event of a stage must agree). */
function stageBackends(events: ProgressEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) {
    expect(e.backend, `${e.stage}: ${e.detail}`).toBeTruthy();
    expect(out[e.stage] ?? e.backend, `${e.stage} changed backend at ${e.detail}`).toBe(e.backend);
    out[e.stage] = e.backend!;
  }
  return out;
}

describe("proveAsync", () => {
  it("without a GPU: the MLP's proof.bin is prove's, and every stage says wasm (× threads on a pool)", async () => {
    const f = fixtureFiles();
    const inputs = publicInputs(f.key.plan.graph, [decodeTensorProto(f.input)]);
    const events: ProgressEvent[] = [];
    const one = await proveWithKeyAsync(f.key, inputs, { onProgress: (e) => events.push(e) });
    expect(hex(one.proof)).toBe(hex(f.proof));
    expect(stageBackends(events)).toEqual({ witness: "wasm", commit: "wasm", lookups: "wasm", layers: "wasm", openings: "wasm" });
    await nodePool(2).ready;
    const pooled: ProgressEvent[] = [];
    const two = await proveWithKeyAsync(f.key, inputs, { workers: 2, onProgress: (e) => pooled.push(e) });
    expect(hex(two.proof)).toBe(hex(f.proof));
    expect(stageBackends(pooled)).toMatchObject({ commit: "wasm × 2 threads", openings: "wasm × 2 threads" });
  });

  it("GPU kernels whose device cannot bind the encoded matrix: the commitment falls back to wasm and says why", async () => {
    const f = fixtureFiles();
    const inputs = publicInputs(f.key.plan.graph, [decodeTensorProto(f.input)]);
    const tiny = { device: { limits: { maxStorageBufferBindingSize: 64, maxBufferSize: 64 } } } as unknown as GpuKernels;
    const events: ProgressEvent[] = [];
    const r = await proveWithKeyAsync(f.key, inputs, { gpu: tiny, onProgress: (e) => events.push(e) });
    expect(hex(r.proof)).toBe(hex(f.proof));
    expect(stageBackends(events).commit).toBe("wasm");
    expect(events.find((e) => e.stage === "commit")!.detail).toMatch(/^committing the witness \(the encoded 2\^\d+ matrix exceeds the GPU's buffers\)$/);
  });

  describe.skipIf(!gpu.ok)(`on WebGPU in Node${gpu.ok ? ` (${gpu.adapter})` : ` — skipped: ${gpu.ok ? "" : gpu.reason}`}`, () => {
    it("the MLP: the witness committed on the GPU gives prove's proof.bin; the commit stage says webgpu", async () => {
      const f = fixtureFiles();
      const inputs = publicInputs(f.key.plan.graph, [decodeTensorProto(f.input)]);
      const events: ProgressEvent[] = [];
      const r = await proveWithKeyAsync(f.key, inputs, { gpu: G(), onProgress: (e) => events.push(e) });
      expect(hex(r.proof)).toBe(hex(f.proof));
      expect(stageBackends(events)).toEqual({ witness: "wasm", commit: "webgpu", lookups: "wasm", layers: "wasm", openings: "wasm" });
      expect(verifyFiles(f.vk, f.input, f.output, r.proof).ok).toBe(true);
    });

    itShared(DIGITS_CNN, "digits_cnn: the same proof.bin with and without the GPU, accepted by the verifier", async () => {
      const { keys, key, inputBytes, inputs } = digitsCnnKeys();
      const cpu = proveWithKey(key, inputs);
      const events: ProgressEvent[] = [];
      const onGpu = await proveWithKeyAsync(key, inputs, { gpu: G(), onProgress: (e) => events.push(e) });
      expect(stageBackends(events).commit).toBe("webgpu");
      expect(hex(onGpu.proof)).toBe(hex(cpu.proof));
      const output = buildOutput(key.plan.graph, onGpu.outputs, keys.digest);
      expect(verifyFiles(keys.vk, inputBytes, output, onGpu.proof).ok).toBe(true);
      // A flipped byte of the GPU-made proof is rejected.
      const bad = onGpu.proof.slice();
      bad[bad.length >> 1]! ^= 1;
      expect(verifyFiles(keys.vk, inputBytes, output, bad).ok).toBe(false);
    }, 60_000);
  });
});
