/** A transcript misuse by the caller (a prover/verifier bug, never a property of proof bytes). */
export class TranscriptError extends Error {
  constructor(message: string) {
    super(`transcript: ${message}`);
    this.name = "TranscriptError";
  }
}
