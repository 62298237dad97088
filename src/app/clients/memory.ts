// The prover's memory as the browser measures it: performance.measureUserAgentSpecificMemory()
// (Chromium, cross-origin-isolated pages only; not offered inside workers, so the page asks). Its
// breakdown attributes bytes to each dedicated worker by script URL; we add up the prove worker's
// and its pool sub-workers'. The browser takes the measurement at its next garbage collection, so
// the answer arrives seconds later; and Chromium leaves out a worker that is inside a long task
// when asked — the whole proof is one synchronous task, so the prover shows up only once idle,
// after the proof: what its workers hold then (keys, caches), not the peak while proving.

interface MemoryBreakdown {
  bytes: number;
  attribution: { url: string; scope: string }[];
}
type Measure = () => Promise<{ bytes: number; breakdown: MemoryBreakdown[] }>;

const PROVER_SCRIPTS = /(prove|pool)\.worker/;

/** Whether this page can measure its workers' memory. */
export function canMeasureWorkers(): boolean {
  return globalThis.crossOriginIsolated === true && typeof (performance as { measureUserAgentSpecificMemory?: Measure }).measureUserAgentSpecificMemory === "function";
}

/** Bytes attributed only to the prover's workers in one breakdown (shared and page memory left out). */
export function proverBytes(breakdown: readonly MemoryBreakdown[]): number {
  return breakdown
    .filter((b) => b.attribution.length > 0 && b.attribution.every((a) => a.scope === "DedicatedWorkerGlobalScope" && PROVER_SCRIPTS.test(a.url)))
    .reduce((s, b) => s + b.bytes, 0);
}

/**
 * One measurement of the prover's workers: bytes, 0 when the breakdown left them out (busy), or
 * undefined where the browser offers no measurement (or it failed).
 */
export async function measureProverMemory(): Promise<number | undefined> {
  if (!canMeasureWorkers()) return undefined;
  try {
    const m = await (performance as unknown as { measureUserAgentSpecificMemory: Measure }).measureUserAgentSpecificMemory();
    return proverBytes(m.breakdown);
  } catch {
    return undefined; // e.g. SecurityError when isolation is lost: "not reported"
  }
}
