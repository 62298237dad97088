// The verifier's side of an opening, step for step the mirror of open.ts. Every byte of the
// proof is hostile: it is parsed with bounds from the parameters, and any failure becomes
// { ok: false, reason }.
import { ProofFormatError } from "../bytes/index.ts";
import { extEquals } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { rsEncodeExt } from "../kernels/index.ts";
import { eqTable } from "../poly/index.ts";
import { innerProduct } from "./algebra.ts";
import { verifyBatch } from "./batch.ts";
import { checkClaim, claimLayout, rowWeights, type PcsClaim } from "./claims.ts";
import { columnLeaves } from "./commit.ts";
import { PcsError, Rejection } from "./errors.ts";
import { distinctSorted, verifyMulti } from "./merkle.ts";
import { treeDepth, validateParams, type PcsParams } from "./params.ts";
import { readOpeningProof } from "./proof.ts";
import { bindStatement, LABEL, squeezeGamma, squeezeQueries } from "./protocol.ts";
import { combineColumns } from "./rows.ts";

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** `opts.proximity: false` only for a commitment whose proximity was proven once already (see open). */
export function verifyOpening(t: Transcript, params: PcsParams, root: Uint8Array, claims: readonly PcsClaim[], proofBytes: Uint8Array, opts: { proximity?: boolean } = {}): VerifyResult {
  try {
    checkOpening(t, params, root, claims, proofBytes, opts.proximity ?? true);
    return { ok: true };
  } catch (e) {
    if (e instanceof Rejection || e instanceof ProofFormatError || e instanceof PcsError) return { ok: false, reason: e.message };
    return { ok: false, reason: `pcs: verifier error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function checkOpening(t: Transcript, params: PcsParams, root: Uint8Array, claims: readonly PcsClaim[], proofBytes: Uint8Array, proximity: boolean): void {
  validateParams(params);
  if (root.length !== 32) throw new Rejection(`root must be 32 bytes, got ${root.length}`);
  if (claims.length === 0) throw new PcsError("verify: no claims");
  claims.forEach((c, i) => checkClaim(params, c, i));
  const proof = readOpeningProof(proofBytes, params, claims.length, proximity);
  const rows = 2 ** params.logRows;

  bindStatement(t, params, root, claims);
  const gammaWeights = proximity ? eqTable(squeezeGamma(t, params)) : undefined;
  if (proof.proximityRow) t.absorbFields(LABEL.proximityRow, proof.proximityRow);

  let evalWeights: Uint32Array, colPoint: Uint32Array, target: Uint32Array;
  if (claims.length === 1) {
    const l = claimLayout(params, claims[0]!);
    evalWeights = new Uint32Array(4 * rows);
    evalWeights.set(rowWeights(l), 4 * l.rowStart);
    colPoint = l.colPoint;
    target = claims[0]!.value;
  } else {
    ({ rowWeights: evalWeights, colPoint, target } = verifyBatch(t, params, claims, proof.batch!));
  }
  if (!extEquals(innerProduct(proof.evalRow, eqTable(colPoint)), target)) {
    throw new Rejection(claims.length === 1 ? "the evaluation row does not give the claimed value" : "the evaluation row does not give the batched row values");
  }
  t.absorbFields(LABEL.evalRow, proof.evalRow);

  const indices = distinctSorted(squeezeQueries(t, params));
  if (proof.columns.length !== indices.length * rows) {
    throw new Rejection(`${proof.columns.length / rows} opened columns where the queries need ${indices.length}`);
  }
  const opened = columnLeaves(proof.columns, rows);
  verifyMulti(root, treeDepth(params), indices, opened, proof.siblings);
  t.absorb(LABEL.opened, opened);

  // Both rows must be codewords that agree with the committed columns at every query.
  const encProximity = proof.proximityRow && rsEncodeExt(proof.proximityRow, params.logBlowup);
  const encEval = rsEncodeExt(proof.evalRow, params.logBlowup);
  const proximityAt = gammaWeights && combineColumns(proof.columns, rows, gammaWeights);
  const evalAt = combineColumns(proof.columns, rows, evalWeights);
  indices.forEach((j, k) => {
    if (proximityAt && encProximity && !extEquals(proximityAt.subarray(4 * k, 4 * k + 4), encProximity.subarray(4 * j, 4 * j + 4))) {
      throw new Rejection(`column ${j}: the proximity row's encoding disagrees with the committed column`);
    }
    if (!extEquals(evalAt.subarray(4 * k, 4 * k + 4), encEval.subarray(4 * j, 4 * j + 4))) {
      throw new Rejection(`column ${j}: the evaluation row's encoding disagrees with the committed column`);
    }
  });
}
