/** A problem with the user's model file: the message names the place and says what to do. */
export class OnnxError extends Error {
  override name = "OnnxError";
  constructor(message: string, readonly where?: string) {
    super(`onnx: ${message}`);
  }
}
