// PCS commit/open/verify at 2^20 and 2^22, next to the commit's own NTTs and hashing measured
// alone (the floor the commit can reach): commit_over_reference = commit_ms / (ntt_ms + hash_ms).
import { Transcript } from "../src/core/transcript/index.ts";
import { buildMerkle, chooseParams, codeLength, commit, hashLeaves, open, verifyOpening, writeOpeningProof } from "../src/core/pcs/index.ts";
import { innerProduct } from "../src/core/pcs/algebra.ts";
import { eqTable } from "../src/core/poly/index.ts";
import { withMatrix } from "../src/core/pcs/rows.ts";
import { rsEncodeBatch } from "../src/core/kernels/index.ts";
import { timeMs, type Reporter } from "./report.ts";

const P = 2130706433;

function random(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % P;
  return out;
}

/** f(z) as ⟨eq(z_row)ᵀM, eq(z_col)⟩, so the benchmark opens a true claim. */
function evaluate(matrix: Uint32Array, logCols: number, point: Uint32Array): Uint32Array {
  const u = withMatrix(matrix, 2 ** logCols, (M) => M.combine(0, eqTable(point.subarray(4 * logCols))));
  return innerProduct(u, eqTable(point.subarray(0, 4 * logCols)));
}

export async function run(r: Reporter, args: string[]): Promise<void> {
  const sizes = args.includes("--quick") ? [16] : [20, 22];
  for (const logN of sizes) {
    const params = chooseParams(logN);
    const evals = random(2 ** logN, logN);
    const reps = logN >= 22 ? 1 : 2;

    let data = commit(params, evals);
    const commitMs = timeMs(() => { data = commit(params, evals); }, reps);
    const point = random(4 * logN, 7);
    const claims = [{ point, value: evaluate(evals, params.logCols, point) }];
    let bytes: Uint8Array = new Uint8Array(0);
    const openMs = timeMs(() => { bytes = writeOpeningProof(open(new Transcript(), data, claims), params); }, reps);
    let ok = false;
    const verifyMs = timeMs(() => { ok = verifyOpening(new Transcript(), params, data.root, claims, bytes).ok; }, 3);

    // Reference: the same NTTs and the same amount of hashing, nothing else.
    const rows = 2 ** params.logRows;
    const nttMs = timeMs(() => rsEncodeBatch(evals, rows, params.logBlowup), reps);
    const leafBytes = new Uint8Array(4 * rows * codeLength(params));
    const hashMs = timeMs(() => buildMerkle(hashLeaves(leafBytes, 4 * rows)), reps);
    r.result("pcs", {
      log_n: logN, log_rows: params.logRows, log_cols: params.logCols,
      commit_ms: commitMs, open_ms: openMs, verify_ms: verifyMs, proof_bytes: bytes.length, verified: ok,
      ntt_ms: nttMs, hash_ms: hashMs, commit_over_reference: commitMs / (nttMs + hashMs),
    });
  }
}
