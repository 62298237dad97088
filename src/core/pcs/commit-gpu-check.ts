// commitOnGpu against commit on seeded data per shape, every output buffer compared: one check
// for Node (commit-gpu.test.ts) and the page's own device (window.zkml.pcsGpu, e2e/gpu-kernels.spec.ts).
import { P } from "../field/index.ts";
import { gpuDevice } from "../kernels/gpu.ts";
import { gpuKernelsFor, type GpuKernels } from "../kernels/gpu-kernels.ts";
import { commit, type KeptPcsData } from "./commit.ts";
import { commitOnGpu } from "./commit-gpu.ts";
import { DEFAULT_QUERIES } from "./params.ts";

export interface GpuCommitCase {
  /** "2^logRows×2^logCols rate 2^-logBlowup" */
  name: string;
  /** Which parts differ from commit's ([] when byte for byte the same). */
  differs: string[];
  gpuMs: number;
  cpuMs: number;
}

const sameWords = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);

function differences(got: KeptPcsData, want: KeptPcsData): string[] {
  const out: string[] = [];
  if (!sameWords(got.root, want.root)) out.push("root");
  if (!sameWords(got.matrix, want.matrix)) out.push("matrix");
  if (!sameWords(got.columns, want.columns)) out.push("columns");
  if (got.tree.depth !== want.tree.depth) out.push("depth");
  got.tree.levels.forEach((l, i) => { if (!want.tree.levels[i] || !sameWords(l, want.tree.levels[i])) out.push(`tree level ${i}`); });
  return out;
}

/** Default shapes: one row, one column, square, tall, wide, rates 1/2 and 1/8, and 2^16. */
export const CHECK_SHAPES: readonly (readonly [number, number, number])[] = [[0, 6, 2], [5, 0, 2], [3, 3, 2], [9, 4, 2], [2, 11, 2], [4, 7, 1], [3, 8, 3], [6, 10, 2]];

/** Runs commitOnGpu and commit on seeded data of each [logRows, logCols, logBlowup] shape. */
export async function gpuCommitCheck(G: GpuKernels, shapes = CHECK_SHAPES): Promise<GpuCommitCase[]> {
  let s = 0x2545f491;
  const cases: GpuCommitCase[] = [];
  for (const [logRows, logCols, logBlowup] of shapes) {
    const params = { logN: logRows + logCols, logRows, logCols, logBlowup, queries: DEFAULT_QUERIES };
    const evals = new Uint32Array(2 ** params.logN);
    for (let i = 0; i < evals.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; evals[i] = s % P; }
    evals[0] = P - 1;
    const t0 = performance.now();
    const got = await commitOnGpu(params, evals, G);
    const t1 = performance.now();
    const want = commit(params, evals);
    cases.push({ name: `2^${logRows}×2^${logCols} rate 2^-${logBlowup}`, differs: differences(got, want), gpuMs: t1 - t0, cpuMs: performance.now() - t1 });
  }
  return cases;
}

/** The check on the page's device (window.zkml.pcsGpu.check). */
export async function pageGpuCommitCheck(shapes = CHECK_SHAPES): Promise<{ adapter: string; cases: GpuCommitCase[] }> {
  const g = await gpuDevice();
  if (!g.ok) throw new Error(`pcs: no WebGPU here for commitOnGpu: ${g.reason}`);
  return { adapter: g.adapter, cases: await gpuCommitCheck(gpuKernelsFor(g.device), shapes) };
}
