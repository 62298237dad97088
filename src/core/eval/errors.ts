/** A problem running a graph: bad inputs, or a node that fails on these values. */
export class EvalError extends Error {
  override name = "EvalError";
  constructor(message: string, readonly where: { node?: string; tensor?: string } = {}) {
    super(`eval: ${message}`);
  }
}
