/**
 * A problem with the model's graph (cycle, missing input, unsupported op, shape mismatch,
 * memory over the limit). The message names the node or tensor and says what to do.
 */
export class GraphError extends Error {
  override name = "GraphError";
  constructor(message: string, readonly where: { node?: string; tensor?: string; ops?: string[] } = {}) {
    super(`graph: ${message}`);
  }
}
