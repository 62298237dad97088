/**
 * A problem with quantization: bad calibration data, a plan that does not fit the model, a
 * bound the field cannot hold, a table input outside its domain. The message names the
 * tensor, node or JSON path and says what to do; `where` carries the same names for the UI.
 */
export class QuantError extends Error {
  override name = "QuantError";
  constructor(message: string, readonly where: { tensor?: string; node?: string; path?: string } = {}) {
    super(`quant: ${message}`);
  }
}
