// Layered layout of the model DAG with dagre (a well-kept Sugiyama implementation), top to bottom.
import dagre from "@dagrejs/dagre";
import type { ViewGraph } from "./view-graph.ts";

export const NODE_W = 168;
export const NODE_H = 44;
const SMALL_H = 30;

export function layoutGraph(g: ViewGraph): ViewGraph {
  const d = new dagre.graphlib.Graph({ multigraph: true });
  d.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 44, edgesep: 12 });
  d.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) {
    const small = n.family === "shape" || n.family === "io";
    d.setNode(n.id, { width: small ? NODE_W - 40 : NODE_W, height: small ? SMALL_H : NODE_H });
  }
  for (const e of g.edges) d.setEdge(e.source, e.target, {}, e.id);
  dagre.layout(d);
  return {
    edges: g.edges,
    nodes: g.nodes.map((n) => {
      const p = d.node(n.id) as { x: number; y: number; width: number; height: number };
      return { ...n, x: p.x - p.width / 2, y: p.y - p.height / 2, width: p.width, height: p.height };
    }),
  };
}
