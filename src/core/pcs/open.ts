// The prover's side of an opening (PROTOCOL.md §6), step for step the mirror of verify.ts.
import type { Transcript } from "../transcript/index.ts";
import { eqTable } from "../poly/index.ts";
import { proveBatch } from "./batch.ts";
import { checkClaim, claimLayout, rowWeights, type PcsClaim } from "./claims.ts";
import { columnLeaves, type ColumnStore, type PcsProverData } from "./commit.ts";
import { PcsError } from "./errors.ts";
import { distinctSorted, equalBytes, openMulti } from "./merkle.ts";
import type { OpeningProof } from "./proof.ts";
import { bindStatement, LABEL, squeezeGamma, squeezeQueries } from "./protocol.ts";
import { withMatrix } from "./rows.ts";
import { reencodedColumns } from "./stream.ts";
export interface OpenOptions {
  /**
   * false: no proximity row. Only for a commitment whose proximity was proven once already (the
   * model commitment, by the setup proof): closeness to the code is a property of the committed
   * matrix, so fresh column queries against the evaluation row alone stay sound.
   */
  proximity?: boolean;
  /** Keep the matrix in kernel memory between openings (the model's: never mutate it). */
  resident?: boolean;
  /** Row combinations already made (by rowKey), e.g. by a gadget that folded a model tensor's rows at a claim's point. */
  knownRows?: ReadonlyMap<string, Uint32Array>;
}

/** Opens the commitment at every claim (one claim: direct; several: row-side batching). */
export function open(t: Transcript, data: PcsProverData, claims: readonly PcsClaim[], opts: OpenOptions = {}): OpeningProof {
  const proximity = opts.proximity ?? true;
  const { params } = data;
  if (claims.length === 0) throw new PcsError("open: no claims to open");
  for (let i = 0; i < claims.length; i++) checkClaim(params, claims[i]!, i);
  const rows = 2 ** params.logRows;
  bindStatement(t, params, data.root, claims);

  const { proximityRow, evalRow, batch } = withMatrix(data.matrix, 2 ** params.logCols, (M) => {
    let proximityRow: Uint32Array | undefined;
    if (proximity) {
      proximityRow = M.combine(0, eqTable(squeezeGamma(t, params)));
      t.absorbFields(LABEL.proximityRow, proximityRow);
    }
    if (claims.length === 1) {
      const l = claimLayout(params, claims[0]!);
      return { proximityRow, evalRow: M.combine(l.rowStart, rowWeights(l)), batch: undefined };
    }
    const b = proveBatch(t, params, M, claims);
    return { proximityRow, evalRow: b.evalRow, batch: { rounds: b.rounds, rowValues: b.rowValues } };
  }, opts.resident, opts.knownRows);
  t.absorbFields(LABEL.evalRow, evalRow);

  const indices = distinctSorted(squeezeQueries(t, params));
  const columns = data.columns ? keptColumns(data.columns, rows, indices) : reencodedColumns(params, data.matrix, indices);
  // Nothing is squeezed after this inside the opening, but the caller's protocol may go on: the
  // opened leaves are absorbed too, so every prover message is in the transcript.
  const leaves = data.tree.levels[0]!;
  const opened = new Uint8Array(32 * indices.length);
  for (let k = 0; k < indices.length; k++) opened.set(leaves.subarray(32 * indices[k]!, 32 * indices[k]! + 32), 32 * k);
  // The columns may come from a file (a proving key's encoded model): each opened one must hash
  // to its leaf, or the proof would be rejected for a reason the prover never saw.
  const digests = columnLeaves(columns, rows);
  let bad = 0;
  while (bad < indices.length && equalBytes(digests.subarray(32 * bad, 32 * bad + 32), opened.subarray(32 * bad, 32 * bad + 32))) bad++;
  if (bad < indices.length) throw new PcsError(`open: column ${indices[bad]} of the committed matrix does not match its Merkle leaf; the data is damaged (a proving key: re-run zkml setup)`);
  t.absorb(LABEL.opened, opened);
  return { ...(proximityRow ? { proximityRow } : {}), ...(batch ? { batch } : {}), evalRow, columns, siblings: openMulti(data.tree, indices) };
}

/** Columns `indices` of a kept column-major code, one after another. */
function keptColumns(code: Uint32Array | ColumnStore, rows: number, indices: readonly number[]): Uint32Array {
  const out = new Uint32Array(indices.length * rows);
  for (let k = 0; k < indices.length; k++) {
    const j = indices[k]!;
    out.set(code instanceof Uint32Array ? code.subarray(j * rows, (j + 1) * rows) : code.column(j), k * rows);
  }
  return out;
}
