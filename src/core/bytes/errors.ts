/** Malformed proof bytes: names the byte offset and what was expected there. */
export class ProofFormatError extends Error {
  /** The finding alone ("at byte … : expected …: …"), for readers that name the file kind and its remedy themselves. */
  readonly finding: string;
  constructor(readonly offset: number, readonly expected: string, detail: string) {
    const finding = `at byte ${offset}: expected ${expected}: ${detail}`;
    super(`bytes: ${finding} (the proof is malformed, truncated or from another version; re-export it)`);
    this.name = "ProofFormatError";
    this.finding = finding;
  }
}
