// Hierarchical layered layout with dagre (a well-kept Sugiyama implementation). Each visible
// level — the top, and every expanded group — is laid out on its own with its members as
// boxes (a collapsed group is one box, an expanded one is as big as its own layout), so no
// single dagre run sees more than a level's members: dagre is quadratic-ish and recursive
// (3,000 nodes in one run overflow its stack), while a level stays under MAX_CHILDREN.
import dagre from "@dagrejs/dagre";
import { isSmallFamily } from "./families.ts";
import { ancestorsOf, visibleOf, type GroupTree } from "./scopes.ts";
import type { ViewGraph } from "./view-graph.ts";

export const NODE_W = 168;
export const NODE_H = 44;
export const SMALL_W = 128;
export const SMALL_H = 30;
export const GROUP_W = 196;
export const GROUP_H = 54;
/** Space inside an expanded group's frame: its title above, a margin around. */
export const GROUP_PAD = 14;
export const GROUP_HEAD = 26;
/** Space between the columns of an opened-up long chain. */
const COLUMN_GAP = 60;

export interface LaidItem {
  id: string;
  kind: "node" | "group";
  x: number;
  y: number;
  width: number;
  height: number;
  /** Enclosing expanded groups (0 at the top level). */
  depth: number;
  expanded: boolean;
}

export interface LaidEdge {
  id: string;
  source: string;
  target: string;
  /** The tensors this edge carries (several when it joins collapsed groups). */
  tensors: string[];
}

export interface Layout {
  items: LaidItem[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

interface Box { width: number; height: number }

/** Lays out the graph with the given groups expanded (the rest collapsed). */
export function layoutView(g: ViewGraph, tree: GroupTree, expanded: ReadonlySet<string>): Layout {
  const nodeSize = new Map<string, Box>();
  for (const n of g.nodes) nodeSize.set(n.id, isSmallFamily(n.family) ? { width: SMALL_W, height: SMALL_H } : { width: NODE_W, height: NODE_H });
  const chain = new Map<string, string[]>();
  for (const n of g.nodes) chain.set(n.id, [...ancestorsOf(tree, n.id), n.id]);

  // Each edge joins two members of the deepest level enclosing both endpoints.
  const levelEdges = new Map<string, [string, string][]>();
  for (const e of g.edges) {
    const a = chain.get(e.source), b = chain.get(e.target);
    if (!a || !b) continue;
    let d = 0;
    while (d < a.length && d < b.length && a[d] === b[d]) d++;
    if (d >= a.length || d >= b.length) continue;
    const level = d === 0 ? "" : a[d - 1]!;
    let list = levelEdges.get(level);
    if (!list) levelEdges.set(level, (list = []));
    list.push([a[d]!, b[d]!]);
  }

  const rel = new Map<string, { x: number; y: number; box: Box; level: string }>();
  const groupBox = new Map<string, Box>();
  const layoutLevel = (level: string, members: readonly string[]): Box => {
    const sizes = members.map((m) => {
      if (nodeSize.has(m)) return nodeSize.get(m)!;
      if (!expanded.has(m)) return { width: GROUP_W, height: GROUP_H };
      const inner = layoutLevel(m, tree.groups.get(m)!.children);
      const box = { width: Math.max(inner.width + 2 * GROUP_PAD, GROUP_W), height: inner.height + 2 * GROUP_PAD + GROUP_HEAD };
      groupBox.set(m, box);
      return box;
    });
    // Expanded segments of a long chain stand side by side, tops aligned, in order (one column
    // each), so a deep flat graph opened up is a block of columns, not one thread too thin to see.
    const segs = members.filter((m) => m.startsWith("s:"));
    if (segs.length >= 3 && segs.filter((m) => expanded.has(m)).length * 2 >= segs.length) {
      let x = 0, h = 0;
      members.forEach((m, i) => {
        const box = sizes[i]!;
        rel.set(m, { x, y: 0, box, level });
        x += box.width + COLUMN_GAP;
        h = Math.max(h, box.height);
      });
      return { width: x - COLUMN_GAP, height: h };
    }
    const d = new dagre.graphlib.Graph({ multigraph: false });
    d.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 40, edgesep: 12, marginx: 0, marginy: 0 });
    d.setDefaultEdgeLabel(() => ({}));
    members.forEach((m, i) => d.setNode(m, { ...sizes[i]! }));
    for (const [s, t] of levelEdges.get(level) ?? []) if (s !== t) d.setEdge(s, t);
    dagre.layout(d);
    let w = 0, h = 0;
    members.forEach((m, i) => {
      const p = d.node(m) as { x: number; y: number };
      const box = sizes[i]!;
      const x = p.x - box.width / 2, y = p.y - box.height / 2;
      rel.set(m, { x, y, box, level });
      w = Math.max(w, x + box.width);
      h = Math.max(h, y + box.height);
    });
    return { width: w, height: h };
  };
  const size = layoutLevel("", tree.roots);

  const items: LaidItem[] = [];
  const place = (members: readonly string[], ox: number, oy: number, depth: number) => {
    for (const m of members) {
      const r = rel.get(m)!;
      const x = ox + r.x, y = oy + r.y;
      const isGroup = !nodeSize.has(m);
      const open = isGroup && expanded.has(m);
      items.push({ id: m, kind: isGroup ? "group" : "node", x, y, width: r.box.width, height: r.box.height, depth, expanded: open });
      if (open) place(tree.groups.get(m)!.children, x + GROUP_PAD, y + GROUP_PAD + GROUP_HEAD, depth + 1);
    }
  };
  place(tree.roots, 0, 0, 0);

  const edges = new Map<string, LaidEdge>();
  for (const e of g.edges) {
    const s = visibleOf(tree, expanded, e.source), t = visibleOf(tree, expanded, e.target);
    if (s === t) continue;
    const id = `${s}->${t}`;
    const have = edges.get(id);
    if (have) {
      if (!have.tensors.includes(e.tensor)) have.tensors.push(e.tensor);
    } else edges.set(id, { id, source: s, target: t, tensors: [e.tensor] });
  }
  return { items, edges: [...edges.values()], width: size.width, height: size.height };
}
