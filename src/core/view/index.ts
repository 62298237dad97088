/**
 * view/: the model graph as the canvas draws it (pure data, no DOM): `toViewGraph` builds
 * nodes and shape-labelled edges from a decoded model, `layoutGraph` places them (dagre),
 * `opFamily` names the colour family of an op. Runs in the layout worker.
 */
export { toViewGraph, opFamily, type ViewGraph, type ViewNode, type ViewEdge, type OpFamily } from "./view-graph.ts";
export { layoutGraph, NODE_W, NODE_H } from "./layout.ts";
