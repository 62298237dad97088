// Instantiates a wasm kernel from the base64 module that scripts/build-wasm.mjs generates.
// Base64 (not a URL) so that Node, workers, the app and the single-file verifier load it alike.

export interface KernelInstance<E> {
  exports: E;
  memory: WebAssembly.Memory;
}

export function decodeBase64(b64: string): Uint8Array {
  if (typeof atob === "function") {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  throw new Error("kernels: no base64 decoder in this environment");
}

const moduleCache = new Map<string, WebAssembly.Module>();

/** The compiled module of a kernel (compiled once per thread). */
export function kernelModule(b64: string): WebAssembly.Module {
  let mod = moduleCache.get(b64);
  if (!mod) {
    mod = new WebAssembly.Module(decodeBase64(b64) as BufferSource);
    moduleCache.set(b64, mod);
  }
  return mod;
}

/**
 * Synchronous instantiation: kernels are small, and sync keeps call sites simple. `memory` is
 * for kernels built over an imported (shared) memory.
 */
export function instantiateKernel<E>(b64: string, memory?: WebAssembly.Memory): KernelInstance<E> {
  const inst = new WebAssembly.Instance(kernelModule(b64), { env: { abort: kernelAbort, ...(memory ? { memory } : {}) } });
  const exports = inst.exports as unknown as E & { memory?: WebAssembly.Memory };
  return { exports, memory: memory ?? exports.memory! };
}

function kernelAbort(): never {
  throw new Error("kernels: wasm kernel aborted");
}

/**
 * Ensures the instance's memory holds at least `bytes` bytes past `base`; returns the u32 view
 * (views are invalidated by growth, so callers take a fresh one after every ensure).
 */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): Uint32Array {
  const need = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
  return new Uint32Array(memory.buffer);
}
