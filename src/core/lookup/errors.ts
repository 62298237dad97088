/** A lookup proof that does not verify; the message says which step failed. */
export class LookupRejection extends Error {
  override name = "LookupRejection";
  constructor(message: string) {
    super(`lookup: ${message}`);
  }
}

/** A caller mistake (a value outside its table, a malformed instance). */
export class LookupError extends Error {
  override name = "LookupError";
  constructor(message: string) {
    super(`lookup: ${message}`);
  }
}
