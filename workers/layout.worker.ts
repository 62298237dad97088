// Lays out the visible graph off the main thread (comlink). The client terminates this worker
// when a newer request arrives, so only the latest layout is ever computed to the end.
import * as Comlink from "comlink";
import { groupTree, layoutView, type Layout, type ViewGraph } from "../src/core/view/index.ts";

let last: { view: ViewGraph; tree: ReturnType<typeof groupTree> } | null = null;

const api = {
  layout(view: ViewGraph, expanded: string[]): Layout {
    if (last?.view !== view) last = { view, tree: groupTree(view.nodes) };
    return layoutView(view, last.tree, new Set(expanded));
  },
};

export type LayoutWorkerApi = typeof api;
Comlink.expose(api);
