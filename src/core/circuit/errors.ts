/** A model or plan the prover cannot compile: names the node and what to change. */
export class CircuitError extends Error {
  override name = "CircuitError";
  constructor(message: string, readonly node?: string) {
    super(`circuit: ${message}`);
  }
}
