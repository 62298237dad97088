// Steps the prover and the verifier share, so both drive the transcript identically.
import type { Transcript } from "../transcript/index.ts";
import { claimBytes, type PcsClaim } from "./claims.ts";
import type { PcsParams } from "./params.ts";

export const LABEL = {
  root: "pcs/root",
  claims: "pcs/claims",
  gamma: "pcs/gamma",
  proximityRow: "pcs/proximity-row",
  rho: "pcs/rho",
  sumcheck: "pcs/batch",
  rowValues: "pcs/row-values",
  rhoRow: "pcs/rho-row",
  evalRow: "pcs/eval-row",
  queries: "pcs/queries",
  opened: "pcs/opened-leaves",
} as const;

/** The statement: root and claims are absorbed before any challenge of the opening. */
export function bindStatement(t: Transcript, params: PcsParams, root: Uint8Array, claims: readonly PcsClaim[]): void {
  t.absorb(LABEL.root, root);
  t.absorb(LABEL.claims, claimBytes(claims, params.logN));
}

/** Proximity challenge γ ∈ (F_p^4)^logRows. */
export function squeezeGamma(t: Transcript, params: PcsParams): Uint32Array {
  return t.squeezeExts(LABEL.gamma, params.logRows);
}

/** Column indices to open: t draws in [0, 2^(logCols+logBlowup)) with replacement. */
export function squeezeQueries(t: Transcript, params: PcsParams): number[] {
  return t.squeezeIndices(LABEL.queries, params.queries, params.logCols + params.logBlowup);
}
