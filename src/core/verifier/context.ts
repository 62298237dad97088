// What every verifier gadget works with, mirroring prover/context.ts.
import { type ProofPlan, ClaimBook, StreamReader } from "../circuit/index.ts";
import type { Ext } from "../field/index.ts";
import { Transcript } from "../transcript/index.ts";

/** A failed check; its message is the reason the proof is rejected. */
export class Reject extends Error {
  override name = "Reject";
}

export class VerifierCtx {
  readonly book = new ClaimBook();
  constructor(readonly plan: ProofPlan, readonly r: StreamReader, private readonly publics: Readonly<Record<string, ArrayLike<number>>> = {}, readonly tr = new Transcript()) {}

  /** A context on transcript `tr` with claims of its own, reading on from the same proof body. */
  fork(tr: Transcript): VerifierCtx {
    return new VerifierCtx(this.plan, this.r, this.publics, tr);
  }

  /** A public input or output's live values. */
  publicValue(name: string): ArrayLike<number> {
    const v = this.publics[name];
    if (!v) throw new Reject(`no public values for ${name}`);
    return v;
  }

  /** Reads T̃(point) from the proof, absorbed under `label`, and records the claim. */
  recvEval(label: string, name: string, point: Uint32Array, what: string): Ext {
    const [v] = this.r.recv(this.tr, label, 1, what);
    this.book.add(name, point, v!);
    return v!;
  }
}
