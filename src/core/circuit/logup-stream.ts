// LogUp proofs in the proof body: written in a fixed order, read back with shapes the verifier
// derives from the plan (never from the proof).
import type { Ext } from "../field/index.ts";
import type { GkrProof, LogupProof } from "../lookup/index.ts";
import type { StreamReader, StreamWriter } from "./stream.ts";

function writeGkr(w: StreamWriter, g: GkrProof): void {
  const ext = (x: Ext) => w.words(x.subarray(0, 4));
  ext(g.rootP);
  ext(g.rootQ);
  for (const layer of g.layers) {
    for (const round of layer.rounds) round.forEach(ext);
    layer.ends.forEach(ext);
  }
}

function readGkr(r: StreamReader, n: number, what: string): GkrProof {
  const ext = () => r.words(4, what).slice();
  const rootP = ext(), rootQ = ext();
  const layers: GkrProof["layers"] = [];
  for (let k = 0; k < n; k++) {
    const rounds: Ext[][] = [];
    for (let i = 0; i < k; i++) rounds.push([ext(), ext(), ext()]);
    layers.push({ rounds, ends: [ext(), ext(), ext(), ext()] });
  }
  return { rootP, rootQ, layers };
}

export function writeLogup(w: StreamWriter, p: LogupProof): void {
  writeGkr(w, p.witness);
  for (const evals of p.columnEvals) for (const e of evals) w.words(e.subarray(0, 4));
  writeGkr(w, p.table);
  w.words(p.multiplicityEval.subarray(0, 4));
}

export function readLogup(r: StreamReader, witnessVars: number, tableVars: number, uses: number, width: number, what: string): LogupProof {
  const witness = readGkr(r, witnessVars, `${what} witness tree`);
  const columnEvals: Ext[][] = [];
  for (let u = 0; u < uses; u++) columnEvals.push(Array.from({ length: width }, () => r.words(4, `${what} column values`).slice()));
  const table = readGkr(r, tableVars, `${what} table tree`);
  const multiplicityEval = r.words(4, `${what} multiplicity`).slice();
  return { witness, table, columnEvals, multiplicityEval };
}
