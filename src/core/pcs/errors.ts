/** A caller error in the commitment API (bad parameters, wrong sizes): a bug, not a bad proof. */
export class PcsError extends Error {
  constructor(message: string) {
    super(`pcs: ${message}`);
    this.name = "PcsError";
  }
}

/** Why a proof was rejected; verifiers turn it into `{ ok: false, reason }`. */
export class Rejection extends Error {
  constructor(readonly reason: string) {
    super(`pcs: ${reason}`);
    this.name = "Rejection";
  }
}
