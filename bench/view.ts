// The canvas's worker-side work per graph: view model from the IR, group tree, and the
// hierarchical layout collapsed (as a large graph opens) and with every group expanded; plus
// the flat dagre layout of the same graph as the reference the grouping avoids.
import { readFileSync, existsSync } from "node:fs";
import dagre from "@dagrejs/dagre";
import { decodeModel } from "../src/core/onnx/index.ts";
import { loadGraph } from "../src/core/graph/index.ts";
import { defaultExpanded, groupTree, layoutView, viewFromGraph, type ViewGraph } from "../src/core/view/index.ts";
import { generatedModel } from "../e2e/gen-model.ts";
import { timeMs, type Reporter } from "./report.ts";

function flatDagreMs(v: ViewGraph): number | null {
  // dagre's recursive passes overflow the stack on deep graphs (a few thousand nodes in a chain).
  if (v.nodes.length > 2000) return null;
  return timeMs(() => {
    const d = new dagre.graphlib.Graph();
    d.setGraph({ rankdir: "TB" });
    d.setDefaultEdgeLabel(() => ({}));
    for (const n of v.nodes) d.setNode(n.id, { width: 168, height: 44 });
    for (const e of v.edges) d.setEdge(e.source, e.target);
    dagre.layout(d);
  }, 1);
}

export async function run(r: Reporter): Promise<void> {
  const models: [string, () => Uint8Array][] = [
    ["tiny_gpt", () => new Uint8Array(readFileSync("public/models/tiny_gpt.onnx"))],
    ["resnet50", () => new Uint8Array(readFileSync("../shared/onnx-backend-tests/light/light_resnet50.onnx"))],
    ["densenet121", () => new Uint8Array(readFileSync("../shared/onnx-backend-tests/light/light_densenet121.onnx"))],
    ["generated10k", () => generatedModel(10_000)],
  ];
  for (const [name, bytes] of models) {
    if (name === "resnet50" || name === "densenet121") {
      if (!existsSync("../shared/onnx-backend-tests/light")) continue;
    }
    const b = bytes();
    let view!: ViewGraph;
    const openMs = timeMs(() => {
      const m = decodeModel(b);
      view = viewFromGraph(loadGraph(m), m.graph.nodes.length);
    }, 3);
    const tree = groupTree(view.nodes);
    const collapsed = defaultExpanded(tree, view.nodes.length);
    const all = new Set(tree.groups.keys());
    const layoutMs = timeMs(() => layoutView(view, tree, collapsed), 3);
    const items = layoutView(view, tree, collapsed).items.length;
    const expandedMs = timeMs(() => layoutView(view, tree, all), 1);
    const flat = flatDagreMs(view);
    r.result("view", {
      model: name, nodes: view.nodes.length, groups: tree.groups.size, open_ms: openMs, layout_ms: layoutMs, drawn: items,
      expanded_layout_ms: expandedMs, flat_dagre_ms: flat, expanded_over_flat: flat ? expandedMs / flat : null,
    });
  }
}
