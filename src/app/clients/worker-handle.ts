// A comlink worker that can be cancelled (terminated) and that reports a crash instead of
// hanging: the next call gets a fresh worker, and the caller shows the error.
import * as Comlink from "comlink";

export class WorkerHandle<T> {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<T> | null = null;
  private crashListeners = new Set<(message: string) => void>();
  /** Why each worker that crashed stopped (calls in flight reject with it, not as cancelled). */
  private crashes = new WeakMap<Worker, string>();

  constructor(private readonly make: () => Worker, readonly name: string) {}

  get api(): Comlink.Remote<T> {
    if (!this.remote) {
      const w = this.make();
      w.addEventListener("error", (e) => {
        const msg = `the ${this.name} worker stopped unexpectedly (${e.message || "no message"}); it was restarted and nothing you had is lost`;
        this.crashes.set(w, msg);
        this.terminate();
        for (const f of this.crashListeners) f(msg);
      });
      this.worker = w;
      this.remote = Comlink.wrap<T>(w);
    }
    return this.remote;
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** Stops the worker at once (a running job never answers); the next call starts a new one. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  /** Tests: behave as if the running worker crashed (the same path as an uncaught error in it). */
  simulateCrash(message: string): boolean {
    if (!this.worker) return false;
    this.worker.dispatchEvent(new ErrorEvent("error", { message }));
    return true;
  }

  /** Calls `f` when the worker crashes; returns the unsubscribe. */
  onCrash(f: (message: string) => void): () => void {
    this.crashListeners.add(f);
    return () => this.crashListeners.delete(f);
  }

  /** Resolves with `call`'s answer, or rejects when the worker is terminated or crashes first. */
  run<R>(call: (api: Comlink.Remote<T>) => Promise<R>): Promise<R> {
    const api = this.api;
    const worker = this.worker!;
    return new Promise<R>((resolve, reject) => {
      let done = false;
      const stop = setInterval(() => {
        if (!done && this.worker !== worker) {
          done = true;
          clearInterval(stop);
          const crash = this.crashes.get(worker);
          reject(crash ? new Error(crash) : new CancelledError(this.name));
        }
      }, 50);
      call(api).then(
        (v) => { if (!done) { done = true; clearInterval(stop); resolve(v); } },
        (e: unknown) => { if (!done) { done = true; clearInterval(stop); reject(e); } },
      );
    });
  }
}

export class CancelledError extends Error {
  override name = "CancelledError";
  constructor(what: string) {
    super(`${what}: cancelled`);
  }
}
