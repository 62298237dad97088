// A dropped or picked file, by content: a zip is a proof bundle (verified at once, like the
// exported verifier does) or a saved project; anything else goes to the ONNX reader, which says
// clearly when it is not a model.
import { unzipSync } from "fflate";
import { openModelBytes } from "./clients/model.ts";
import { verifyReceived } from "./clients/prove.ts";
import { openProjectBytes } from "./export.ts";
import { uiStore } from "./ui-store.ts";
import { projectStore } from "../state/project.ts";

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** A bundle's four files, found at its top level or one folder down. */
function bundleParts(files: Record<string, Uint8Array>): Record<"vk" | "input" | "output" | "proof", Uint8Array> | null {
  const find = (name: string) => Object.entries(files).find(([p]) => p === name || p.endsWith(`/${name}`))?.[1];
  const vk = find("vk.bin"), proof = find("proof.bin"), output = find("output.json");
  const input = find("input.pb") ?? Object.entries(files).find(([p]) => p.endsWith(".pb"))?.[1];
  return vk && proof && output && input ? { vk, proof, output, input } : null;
}

export async function openDropped(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!isZip(bytes)) {
    await openModelBytes(bytes, file.name);
    return;
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    projectStore.getState().openFailed(`${file.name}: the zip is damaged (${(e as Error).message})`);
    return;
  }
  const parts = bundleParts(files);
  if (!parts) {
    await openProjectBytes(bytes, file.name);
    return;
  }
  const verdict = await verifyReceived(parts.vk, parts.input, parts.output, parts.proof);
  if (verdict) uiStore.getState().set({ received: { name: file.name, verdict } });
}
