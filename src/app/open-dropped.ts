// A dropped or picked file, by content: a zip is a project file (or a proof bundle), anything
// else is handed to the ONNX reader, which says clearly when it is not a model.
import { openModelBytes } from "./clients/model.ts";
import { openProjectBytes } from "./export.ts";

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export async function openDropped(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes)) await openProjectBytes(bytes, file.name);
  else await openModelBytes(bytes, file.name);
}
