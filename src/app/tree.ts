// The group tree of a view graph, computed once per graph on the main thread (search, zoom to
// node and the inspector need it; the layout worker computes its own).
import { groupTree, type GroupTree, type ViewGraph } from "../core/view/index.ts";

const cache = new WeakMap<ViewGraph, GroupTree>();

export function treeOf(view: ViewGraph): GroupTree {
  let t = cache.get(view);
  if (!t) cache.set(view, (t = groupTree(view.nodes)));
  return t;
}
