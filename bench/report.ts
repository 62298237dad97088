// How every benchmark reports: one readable line per result, or with --json one single-line
// JSON object per result. Ratios and efficiencies are fractions (0.42, not 42).

export type Result = Record<string, string | number | boolean | null>;

export interface Reporter {
  json: boolean;
  /** Prints one result. `bench` names the benchmark; the rest are its figures. */
  result(bench: string, figures: Result): void;
  /** Free-form context (skipped in --json mode so stdout stays one JSON object per line). */
  note(line: string): void;
}

export function makeReporter(json: boolean): Reporter {
  return {
    json,
    result(bench, figures) {
      if (json) {
        process.stdout.write(JSON.stringify({ bench, ...figures }) + "\n");
      } else {
        const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === "number" ? fmt(v) : v}`);
        process.stdout.write(`${bench.padEnd(10)} ${parts.join("  ")}\n`);
      }
    },
    note(line) {
      if (!json) process.stdout.write(`# ${line}\n`);
    },
  };
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

/** Median wall time of `reps` runs of fn, in milliseconds (after one warm-up). */
export function timeMs(fn: () => void, reps = 5): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Median wall time of `reps` runs of an async fn, in milliseconds (after one warm-up). */
export async function timeAsyncMs(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Medians of wall time and of process CPU time (user + system) of `reps` runs, after one warm-up. */
export function timeCpuMs(fn: () => void, reps = 5): { wallMs: number; cpuMs: number } {
  fn();
  const walls: number[] = [], cpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
