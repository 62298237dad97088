// WebGPU access and the field-multiply kernel. Every caller must handle "no adapter": the
// wasm kernels are the fallback, and proofs are the same bytes either way.
import { VEC_MUL_WGSL } from "./wgsl/field.wgsl.ts";

export type GpuStatus =
  /** software: a CPU rasterizer (SwiftShader, llvmpipe…), where the wasm kernels are faster. */
  | { ok: true; device: GPUDevice; adapter: string; software: boolean }
  | { ok: false; reason: string };

let cached: Promise<GpuStatus> | undefined;

/** The shared GPU device, or why there is none. */
export function gpuDevice(): Promise<GpuStatus> {
  cached ??= (async (): Promise<GpuStatus> => {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) return { ok: false, reason: "this environment has no WebGPU (navigator.gpu is missing)" };
    try {
      const adapter = await gpu.requestAdapter();
      if (!adapter) return { ok: false, reason: "WebGPU is present but no adapter is available" };
      const device = await adapter.requestDevice({ requiredLimits: bigBuffers(adapter) });
      const info = adapter.info;
      const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") || "unknown adapter";
      return { ok: true, device, adapter: name, software: isSoftwareAdapter(adapter) };
    } catch (e) {
      return { ok: false, reason: `WebGPU adapter request failed: ${(e as Error).message}` };
    }
  })();
  return cached;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render|software/i;

/** True for a fallback (CPU-emulated) adapter: by the flag where the browser sets it, else by name. */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return !!info.isFallbackAdapter || !!legacy || SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].join(" "));
}

/** Asks for the adapter's largest buffers (the defaults cap bindings at 128 MiB). */
export function bigBuffers(adapter: GPUAdapter): Record<string, number> {
  return {
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

/** Element-wise a·b mod p on the GPU. Inputs must be canonical. */
export async function gpuVecMul(device: GPUDevice, a: Uint32Array, b: Uint32Array): Promise<Uint32Array> {
  if (a.length !== b.length) throw new Error(`kernels: length mismatch ${a.length} vs ${b.length}`);
  const n = a.length;
  if (n === 0) return new Uint32Array(0);
  let pipeline = pipelines.get(device);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      layout: "auto",
      compute: { module: device.createShaderModule({ code: VEC_MUL_WGSL }), entryPoint: "main" },
    });
    pipelines.set(device, pipeline);
  }
  const bytes = n * 4;
  const storage = (data: Uint32Array) => {
    const buf = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buf, 0, data as Uint32Array<ArrayBuffer>);
    return buf;
  };
  const bufA = storage(a), bufB = storage(b);
  const out = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const uni = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uni, 0, new Uint32Array([n, 0, 0, 0]));
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [bufA, bufB, out, uni].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const groups = Math.ceil(n / 64);
  const gx = Math.min(groups, 65535), gy = Math.ceil(groups / gx);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(gx, gy);
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, bytes);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [bufA, bufB, out, read, uni]) b.destroy();
  return result;
}
