// The WebGPU plumbing under the GPU kernels: buffers that stay on the device across calls,
// pipelines compiled once per device (lazily, asynchronously), and "programs" — a list of
// dispatches and copies encoded into one command buffer with their parameters in one uniform
// buffer. Validation errors are collected per submission and thrown at the next read or sync.

export class GpuKernelError extends Error {
  override readonly name = "GpuKernelError";
  constructor(message: string) {
    super(`kernels/gpu: ${message}`);
  }
}

/** A device buffer of `len` u32 words (STORAGE, COPY_SRC, COPY_DST). */
export class GpuBuf {
  freed = false;
  constructor(
    readonly buffer: GPUBuffer,
    readonly len: number,
  ) {}
}

export type Step =
  | { kind: "dispatch"; pipeline: GPUComputePipeline; buffers: GpuBuf[]; params: ArrayLike<number>; groups: number }
  | { kind: "copy"; from: GpuBuf; to: GpuBuf; words: number; fromOffset?: number; toOffset?: number };

const MAX_GROUPS_X = 65535;

/**
 * Keeps the JS event loop alive until p settles. Dawn's Node binding does not: a process whose
 * only pending work is a GPU promise exits mid-compile (and aborts in Dawn's threads).
 */
export function hold<T>(p: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1000);
  return p.finally(() => clearInterval(timer));
}
const PARAM_BYTES = 64;

export class GpuRunner {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private pending: Promise<GPUError | null>[] = [];
  private compiling: Promise<void> = Promise.resolve();
  private readonly slot: number;

  constructor(readonly device: GPUDevice) {
    this.slot = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
  }

  alloc(words: number): GpuBuf {
    if (!Number.isInteger(words) || words < 0) throw new GpuKernelError(`cannot allocate ${words} words: give a non-negative integer`);
    const bytes = Math.max(16, Math.ceil(words / 4) * 16);
    if (bytes > this.device.limits.maxBufferSize) {
      throw new GpuKernelError(`a buffer of ${words} words exceeds the device's maxBufferSize (${this.device.limits.maxBufferSize} bytes): split the work`);
    }
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    return new GpuBuf(this.device.createBuffer({ size: bytes, usage }), words);
  }

  write(b: GpuBuf, data: Uint32Array, offsetWords = 0): void {
    this.live(b);
    if (offsetWords + data.length > b.len) throw new GpuKernelError(`write of ${data.length} words at ${offsetWords} overruns a buffer of ${b.len}`);
    if (data.length) this.device.queue.writeBuffer(b.buffer, offsetWords * 4, data as Uint32Array<ArrayBuffer>, 0, data.length);
  }

  free(b: GpuBuf): void {
    if (b.freed) return;
    b.freed = true;
    b.buffer.destroy();
  }

  live(b: GpuBuf): void {
    if (b.freed) throw new GpuKernelError("use of a freed buffer");
  }

  /** Compiles `code` once per name; a WGSL error becomes a GpuKernelError with the compiler's messages. */
  pipeline(name: string, code: () => string): Promise<GPUComputePipeline> {
    let p = this.pipelines.get(name);
    if (!p) {
      // One compilation at a time keeps a cold start from spiking memory on software adapters.
      p = this.compiling.then(async () => {
        const module = this.device.createShaderModule({ code: code(), label: name });
        try {
          return await hold(this.device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint: "main" }, label: name }));
        } catch (e) {
          const info = await hold(module.getCompilationInfo());
          const msgs = info.messages.filter((m) => m.type === "error").map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
          throw new GpuKernelError(`pipeline ${name} failed: ${msgs.join("; ") || (e as Error).message}`);
        }
      });
      this.compiling = p.then(() => undefined, () => undefined);
      this.pipelines.set(name, p);
    }
    return p;
  }

  /** Encodes the steps into one command buffer and submits it (does not wait for the GPU). */
  submit(steps: Step[]): void {
    const device = this.device;
    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    const dispatches = steps.filter((s) => s.kind === "dispatch");
    const uni = dispatches.length
      ? device.createBuffer({ size: dispatches.length * this.slot, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST })
      : undefined;
    if (uni) {
      const words = new Uint32Array((dispatches.length * this.slot) / 4);
      dispatches.forEach((s, i) => words.set(Array.from(s.params), (i * this.slot) / 4));
      device.queue.writeBuffer(uni, 0, words);
    }
    const enc = device.createCommandEncoder();
    let di = 0;
    for (const s of steps) {
      if (s.kind === "copy") {
        this.live(s.from); this.live(s.to);
        if (s.words > 0) enc.copyBufferToBuffer(s.from.buffer, 4 * (s.fromOffset ?? 0), s.to.buffer, 4 * (s.toOffset ?? 0), 4 * s.words);
        continue;
      }
      const at = di++;
      if (s.groups === 0) continue;
      s.buffers.forEach((b) => this.live(b));
      const entries: GPUBindGroupEntry[] = s.buffers.map((b, binding) => ({ binding, resource: { buffer: b.buffer } }));
      entries.push({ binding: s.buffers.length, resource: { buffer: uni!, offset: at * this.slot, size: PARAM_BYTES } });
      const bind = device.createBindGroup({ layout: s.pipeline.getBindGroupLayout(0), entries });
      const pass = enc.beginComputePass();
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, bind);
      const gx = Math.min(s.groups, MAX_GROUPS_X);
      pass.dispatchWorkgroups(gx, Math.ceil(s.groups / gx));
      pass.end();
    }
    device.queue.submit([enc.finish()]);
    uni?.destroy(); // freed once the submitted work is done
    this.pending.push(hold(device.popErrorScope()), hold(device.popErrorScope()));
  }

  /** Throws the first error any earlier submission raised. */
  async check(): Promise<void> {
    const errs = await Promise.all(this.pending.splice(0));
    const e = errs.find((x) => x);
    if (e) throw new GpuKernelError(`the device rejected a kernel: ${e.message}`);
  }

  /** Waits until every submitted kernel has run; throws what any of them raised. */
  async finish(): Promise<void> {
    await hold(this.device.queue.onSubmittedWorkDone());
    await this.check();
  }

  /** Copies `words` words at `offsetWords` out of a buffer (waits for the work before it). */
  async read(b: GpuBuf, offsetWords = 0, words = b.len - offsetWords): Promise<Uint32Array> {
    this.live(b);
    if (offsetWords < 0 || words < 0 || offsetWords + words > b.len) throw new GpuKernelError(`read of ${words} words at ${offsetWords} overruns a buffer of ${b.len}`);
    if (words === 0) { await this.check(); return new Uint32Array(0); }
    const bytes = Math.ceil(words / 4) * 16;
    const staging = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(b.buffer, offsetWords * 4, staging, 0, words * 4);
    this.device.queue.submit([enc.finish()]);
    try {
      await hold(staging.mapAsync(GPUMapMode.READ));
      const out = new Uint32Array(staging.getMappedRange().slice(0, words * 4));
      staging.unmap();
      await this.check();
      return out;
    } finally {
      staging.destroy();
    }
  }

  /** Workgroups for `threads` invocations of WG each. */
  static groups(threads: number, wg: number): number {
    return Math.ceil(threads / wg);
  }
}
