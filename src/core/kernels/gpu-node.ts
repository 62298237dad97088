// WebGPU in Node through the optional `webgpu` package (Dawn). On a machine without a GPU driver
// it works only through Mesa's OpenGL (llvmpipe) with EGL_PLATFORM=surfaceless and a
// compatibility-mode adapter (workgroups ≤ 128, 4 storage buffers per stage — every kernel here
// fits). Anything missing gives { ok: false, reason } and the callers fall back to wasm.
import { bigBuffers, isSoftwareAdapter, type GpuStatus } from "./gpu.ts";

let cached: Promise<GpuStatus> | undefined;
// Every Dawn instance made while probing stays referenced: collecting one (even a failed probe)
// hangs or aborts the process later, at whatever moment the garbage collector picks.
const instances: GPU[] = [];

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

export function nodeGpuDevice(): Promise<GpuStatus> {
  cached ??= (async (): Promise<GpuStatus> => {
    // Mesa reads this when the first EGL display opens, i.e. after this line.
    process.env.EGL_PLATFORM ??= "surfaceless";
    let dawn: DawnModule;
    try {
      dawn = (await import(/* @vite-ignore */ "webgpu" as string)) as DawnModule;
    } catch (e) {
      return { ok: false, reason: `the optional 'webgpu' package is not installed or does not load here (${(e as Error).message.split("\n")[0]})` };
    }
    Object.assign(globalThis, dawn.globals);
    const tried: string[] = [];
    for (const backend of ["vulkan", "opengl", "opengles"]) {
      try {
        const gpu = dawn.create([`backend=${backend}`]);
        instances.push(gpu);
        for (const featureLevel of ["core", "compatibility"] as const) {
          const adapter = await gpu.requestAdapter({ featureLevel });
          if (!adapter) { tried.push(`${backend}/${featureLevel}`); continue; }
          const device = await adapter.requestDevice({ requiredLimits: bigBuffers(adapter) });
          const info = adapter.info;
          const name = [backend, featureLevel, info.vendor, info.architecture, info.description, info.device].filter(Boolean).join(" ");
          return { ok: true, device, adapter: name, software: isSoftwareAdapter(adapter) };
        }
      } catch (e) {
        tried.push(`${backend}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    return { ok: false, reason: `the 'webgpu' package found no adapter (tried ${tried.join(", ")}; EGL_PLATFORM=${process.env.EGL_PLATFORM})` };
  })();
  return cached;
}

