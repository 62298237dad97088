export class RelationError extends Error {
  override name = "RelationError";
  constructor(message: string) {
    super(`relation: ${message}`);
  }
}
