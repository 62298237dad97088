/** Malformed proof bytes: names the byte offset and what was expected there. */
export class ProofFormatError extends Error {
  constructor(readonly offset: number, readonly expected: string, detail: string) {
    super(`bytes: at byte ${offset}: expected ${expected}: ${detail} (the proof is malformed, truncated or from another version; re-export it)`);
    this.name = "ProofFormatError";
  }
}
