// The app's side of the model worker: opening a file never blocks the UI and never loses the
// model already open (a failure only sets the error).
import * as Comlink from "comlink";
import type { ModelWorkerApi } from "../../workers/model.worker.ts";
import { projectStore } from "../state/project.ts";

let worker: Comlink.Remote<ModelWorkerApi> | undefined;
let requestSeq = 0;

function api(): Comlink.Remote<ModelWorkerApi> {
  worker ??= Comlink.wrap<ModelWorkerApi>(
    new Worker(new URL("../../workers/model.worker.ts", import.meta.url), { type: "module" }),
  );
  return worker;
}

/** Opens model bytes; a newer request supersedes an older one still in flight. */
export async function openModelBytes(bytes: Uint8Array, fileName: string): Promise<void> {
  const seq = ++requestSeq;
  const s = projectStore.getState();
  s.setOpening(fileName);
  try {
    const res = await api().open(Comlink.transfer(bytes, [bytes.buffer]), fileName);
    if (seq !== requestSeq) return;
    if (res.ok) projectStore.getState().modelOpened({ fileName, ...res.model });
    else projectStore.getState().openFailed(res.error);
  } catch (e) {
    if (seq === requestSeq) projectStore.getState().openFailed(`${fileName}: the parser stopped unexpectedly (${(e as Error).message})`);
  }
}

export async function openFile(file: File): Promise<void> {
  await openModelBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}

export const DEMOS = [
  { id: "digits_cnn", title: "Digits CNN", blurb: "2 convolutions on 8×8 handwritten digits · 96.7 %" },
  { id: "digits_mlp", title: "Digits MLP", blurb: "64-32-10 perceptron · the smallest end-to-end case" },
  { id: "tiny_gpt", title: "Tiny GPT", blurb: "2-layer byte-level transformer · attention, LayerNorm, GELU" },
] as const;

export async function openDemo(id: string): Promise<void> {
  const name = `${id}.onnx`;
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}models/${name}`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await openModelBytes(new Uint8Array(await res.arrayBuffer()), name);
  } catch (e) {
    projectStore.getState().openFailed(`Could not load the demo ${name}: ${(e as Error).message}`);
  }
}
