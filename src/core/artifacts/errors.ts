/**
 * A key, proof, input or output file that cannot be read: names the file part (and the byte
 * offset where there is one) and what was expected. Verifiers turn it into a rejection.
 */
export class ArtifactError extends Error {
  override name = "ArtifactError";
  constructor(message: string) {
    super(`artifacts: ${message}`);
  }
}
