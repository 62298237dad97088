// Opening models: never blocks the UI and never loses the model already open (a failure only
// sets the error). Layout requests: latest wins, a stale one is cancelled by terminating it.
import { defaultExpanded, type Layout, type ViewGraph } from "../../core/view/index.ts";
import { projectStore } from "../../state/project.ts";
import { jobsStore } from "../../state/jobs.ts";
import type { ModelWorkerApi, OpenResult } from "../../../workers/model.worker.ts";
import type { LayoutWorkerApi } from "../../../workers/layout.worker.ts";
import { treeOf } from "../tree.ts";
import { CancelledError, WorkerHandle } from "./worker-handle.ts";

export const modelWorker = new WorkerHandle<ModelWorkerApi>(
  () => new Worker(new URL("../../../workers/model.worker.ts", import.meta.url), { type: "module", name: "model" }), "model");
const layoutWorker = new WorkerHandle<LayoutWorkerApi>(
  () => new Worker(new URL("../../../workers/layout.worker.ts", import.meta.url), { type: "module", name: "layout" }), "layout");

let openSeq = 0;

/** Opens model bytes; a newer request supersedes an older one still in flight. */
export async function openModelBytes(bytes: Uint8Array, fileName: string, restore?: (expanded: string[]) => string[]): Promise<boolean> {
  const seq = ++openSeq;
  projectStore.getState().setOpening(fileName);
  jobsStore.getState().start("open", fileName);
  try {
    const res = await modelWorker.run<OpenResult>((api) => api.open(bytes.slice(), fileName) as Promise<OpenResult>);
    if (seq !== openSeq) return false;
    if (!res.ok) {
      projectStore.getState().openFailed(res.error);
      jobsStore.getState().finish("open", "error", res.error);
      return false;
    }
    const view = res.model.view;
    const tree = treeOf(view);
    const expanded = [...defaultExpanded(tree, view.nodes.length)];
    projectStore.getState().modelOpened({ fileName, bytes, ...res.model }, restore ? restore(expanded) : expanded);
    jobsStore.getState().finish("open", "done");
    return true;
  } catch (e) {
    if (seq !== openSeq) return false;
    const msg = `${fileName}: the parser stopped unexpectedly (${(e as Error).message})`;
    projectStore.getState().openFailed(msg);
    jobsStore.getState().finish("open", "error", msg);
    return false;
  }
}

export async function openFile(file: File): Promise<void> {
  await openModelBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}

export const DEMOS = [
  { id: "digits_cnn", title: "Digits CNN", blurb: "2 convolutions on 8×8 handwritten digits · 96.7 %" },
  { id: "digits_mlp", title: "Digits MLP", blurb: "64-32-10 perceptron · the smallest end-to-end proof" },
  { id: "tiny_gpt", title: "Tiny GPT", blurb: "2-layer byte-level transformer · attention, LayerNorm, GELU" },
] as const;

export async function fetchBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(`${import.meta.env.BASE_URL}${path}`);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${path}`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function openDemo(id: string): Promise<void> {
  const name = `${id}.onnx`;
  try {
    const bytes = await fetchBytes(`models/${name}`);
    if (await openModelBytes(bytes, name)) await useDemoData(id);
  } catch (e) {
    projectStore.getState().openFailed(`Could not load the demo ${name}: ${(e as Error).message}`);
  }
}

/** The digits demos come with their data: calibration rows, test rows and labels. */
async function useDemoData(id: string): Promise<void> {
  if (id !== "digits_mlp" && id !== "digits_cnn") return;
  const suffix = id === "digits_cnn" ? "_img" : "";
  const [cal, test, labels] = await Promise.all([
    fetchBytes(`models/digits/calibration_x${suffix}.pb`), fetchBytes(`models/digits/test_x${suffix}.pb`), fetchBytes("models/digits/test_y.pb"),
  ]);
  projectStore.getState().setCalibration({
    source: "files",
    calibration: { name: `calibration_x${suffix}.pb`, bytes: cal },
    evaluation: { name: `test_x${suffix}.pb`, bytes: test },
    labels: { name: "test_y.pb", bytes: labels },
  });
}

let layoutSeq = 0;

/** Lays out the visible graph; a newer request terminates the one in flight. */
export async function requestLayout(view: ViewGraph, expanded: string[]): Promise<Layout | null> {
  const seq = ++layoutSeq;
  if (jobsStore.getState().jobs.layout.status === "running") layoutWorker.terminate();
  jobsStore.getState().start("layout", `${view.nodes.length} nodes`);
  try {
    const layout = await layoutWorker.run((api) => api.layout(view, expanded));
    if (seq !== layoutSeq) return null;
    jobsStore.getState().finish("layout", "done");
    projectStore.getState().setLayout(layout);
    return layout;
  } catch (e) {
    if (e instanceof CancelledError || seq !== layoutSeq) return null;
    jobsStore.getState().finish("layout", "error", (e as Error).message);
    projectStore.getState().setError(`Layout failed: ${(e as Error).message}`);
    return null;
  }
}
