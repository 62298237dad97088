// LogUp proofs in the proof body: written in a fixed order, read back with shapes the verifier
// derives from the plan (never from the proof).
import type { Ext } from "../field/index.ts";
import type { LogupProof } from "../lookup/index.ts";
import type { StreamReader, StreamWriter } from "./stream.ts";

/** What the verifier knows of an instance before reading it. */
export interface LogupShape {
  /** Leaf variables of the witness tree and of the table tree. */
  witnessVars: number;
  tableVars: number;
  uses: number;
  width: number;
}

export function writeLogup(w: StreamWriter, p: LogupProof): void {
  for (const root of p.gkr.roots) writeExts(w, root);
  for (const layer of p.gkr.layers) {
    for (const round of layer.rounds) writeExts(w, round);
    for (const ends of layer.ends) writeExts(w, ends);
  }
  for (const inst of p.columnEvals) for (const use of inst) writeExts(w, use);
  writeExts(w, p.multiplicityEvals);
}

function writeExts(w: StreamWriter, xs: readonly Ext[]): void {
  for (const x of xs) w.ext(x);
}

export function readLogup(r: StreamReader, shapes: LogupShape[], what: string): LogupProof {
  const ext = (part: string) => r.words(4, `${what} ${part}`).slice();
  const ns = shapes.flatMap((s) => [s.witnessVars, s.tableVars]);
  const roots = ns.map((): [Ext, Ext] => [ext("roots"), ext("roots")]);
  const layers: LogupProof["gkr"]["layers"] = [];
  for (let k = 0, depth = Math.max(0, ...ns); k < depth; k++) {
    const rounds: Ext[][] = [];
    for (let i = 0; i < k; i++) rounds.push([ext("rounds"), ext("rounds"), ext("rounds")]);
    const ends = ns.filter((n) => n > k).map((): [Ext, Ext, Ext, Ext] => [ext("layer ends"), ext("layer ends"), ext("layer ends"), ext("layer ends")]);
    layers.push({ rounds, ends });
  }
  const columnEvals = shapes.map((s) => Array.from({ length: s.uses }, () => Array.from({ length: s.width }, () => ext("column values"))));
  const multiplicityEvals = shapes.map(() => ext("multiplicities"));
  return { gkr: { roots, layers }, columnEvals, multiplicityEvals };
}
