/**
 * view/: the model graph as the canvas draws it (pure data, no DOM; runs in the workers).
 * - `viewFromGraph(graph)` / `viewFromOnnx(model)`: nodes (op, name, scope, weights, issue)
 *   and edges with shape and dtype, from the graph IR or, for a model that does not load,
 *   from the raw ONNX nodes. `opFamily` names a node's colour family.
 * - `groupTree(nodes)`: groups from name scopes (and segments of long flat levels);
 *   `visibleOf`, `ancestorsOf`, `defaultExpanded` (collapsed above a few hundred nodes).
 * - `layoutView(view, tree, expanded)`: hierarchical dagre layout of the visible levels.
 * - `searchNodes(nodes, query)`: the "/" search. `valueStats`: weight statistics/histogram.
 * - Overlays: `scaleFor`, `scalePosition`, `rampColour`, `textOn`.
 * - `edgeLabel`, `nodeCosts`: labels with scale and bits, per-node proving cost estimates.
 */
export { opFamily, isSmallFamily, type OpFamily } from "./families.ts";
export { viewFromGraph, viewFromOnnx, attrText, type ViewGraph, type ViewNode, type ViewEdge, type NodeIssue } from "./view-graph.ts";
export { scopeOf, groupTree, ancestorsOf, visibleOf, defaultExpanded, MAX_CHILDREN, type GroupInfo, type GroupTree } from "./scopes.ts";
export { layoutView, NODE_W, NODE_H, GROUP_W, GROUP_H, GROUP_PAD, GROUP_HEAD, type Layout, type LaidItem, type LaidEdge } from "./layout.ts";
export { searchNodes } from "./search.ts";
export { valueStats, argmaxRows, formatCount, type ValueStats } from "./stats.ts";
export { scaleFor, scalePosition, rampColour, textOn, RAMP, type OverlayKind, type OverlayScale } from "./overlay.ts";
export { nodeCosts, edgeLabel, type NodeCost } from "./cost.ts";
