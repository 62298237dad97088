// Name scopes and groups. Exporters name nodes by module path ("/layer1/conv/Conv",
// "encoder.layer.0/attn/MatMul"); every scope holding two or more nodes becomes a group that
// collapses into one box. A level with more children than fit on screen is split into
// consecutive segments, so flat graphs (DenseNet's n0…n667) get groups too.

/** The scope of a node name: its path components before the last. */
export function scopeOf(name: string): string[] {
  const parts = name.split("/").filter((p) => p.length > 0);
  return parts.slice(0, -1);
}

export interface GroupInfo {
  id: string;
  label: string;
  /** The enclosing group, or null at the top level. */
  parent: string | null;
  /** Direct members: node ids and group ids, in topological order of their first node. */
  children: string[];
  /** Every node inside, at any depth. */
  size: number;
}

export interface GroupTree {
  groups: Map<string, GroupInfo>;
  /** The group directly holding each node (absent at the top level). */
  parentOf: Map<string, string>;
  /** Top-level members (node ids and group ids). */
  roots: string[];
}

/** Most direct children a level keeps before it is split into segments. */
export const MAX_CHILDREN = 60;

/**
 * Groups from scopes. `nodes` are in topological order; a scope with one node stays flat.
 * Levels with more than `maxChildren` members are segmented (consecutive runs).
 */
export function groupTree(nodes: readonly { id: string; scope: string[] }[], maxChildren = MAX_CHILDREN): GroupTree {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    for (let d = 1; d <= n.scope.length; d++) {
      const key = n.scope.slice(0, d).join("/");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const groups = new Map<string, GroupInfo>();
  const parentOf = new Map<string, string>();
  const roots: string[] = [];
  const place = (member: string, parent: string | null) => {
    if (parent === null) roots.push(member);
    else groups.get(parent)!.children.push(member);
  };
  for (const n of nodes) {
    let parent: string | null = null;
    for (let d = 1; d <= n.scope.length; d++) {
      const key = n.scope.slice(0, d).join("/");
      if ((counts.get(key) ?? 0) < 2) break;
      const id = `g:${key}`;
      let g = groups.get(id);
      if (!g) {
        g = { id, label: n.scope[d - 1]!, parent, children: [], size: 0 };
        groups.set(id, g);
        place(id, parent);
      }
      g.size++;
      parent = id;
    }
    if (parent !== null) parentOf.set(n.id, parent);
    place(n.id, parent);
  }
  const tree: GroupTree = { groups, parentOf, roots };
  segmentLevel(tree, null, maxChildren);
  for (const id of [...groups.keys()]) segmentLevel(tree, id, maxChildren);
  return tree;
}

function memberSize(tree: GroupTree, m: string): number {
  return tree.groups.get(m)?.size ?? 1;
}

/** Splits one level's members into runs of at most `max`; repeats while still too many. */
function segmentLevel(tree: GroupTree, parent: string | null, max: number): void {
  let members = parent === null ? tree.roots : tree.groups.get(parent)!.children;
  let round = 0;
  while (members.length > max) {
    const runs = Math.ceil(members.length / max);
    const per = Math.ceil(members.length / runs);
    const next: string[] = [];
    for (let r = 0; r * per < members.length; r++) {
      const run = members.slice(r * per, (r + 1) * per);
      if (run.length === 1) {
        next.push(run[0]!);
        continue;
      }
      const id = `s:${parent ?? ""}#${round}.${r}`;
      const size = run.reduce((a, m) => a + memberSize(tree, m), 0);
      tree.groups.set(id, { id, label: `part ${r + 1} of ${runs}`, parent, children: run, size });
      for (const m of run) {
        const g = tree.groups.get(m);
        if (g) g.parent = id;
        else tree.parentOf.set(m, id);
      }
      next.push(id);
    }
    members = next;
    round++;
  }
  if (parent === null) tree.roots = members;
  else tree.groups.get(parent)!.children = members;
}

/** The groups enclosing a node or group, outermost first. */
export function ancestorsOf(tree: GroupTree, id: string): string[] {
  const out: string[] = [];
  let p = tree.parentOf.get(id) ?? tree.groups.get(id)?.parent ?? null;
  while (p !== null) {
    out.unshift(p);
    p = tree.groups.get(p)?.parent ?? null;
  }
  return out;
}

/** The visible member standing for a node: the node, or its outermost collapsed group. */
export function visibleOf(tree: GroupTree, expanded: ReadonlySet<string>, id: string): string {
  for (const g of ancestorsOf(tree, id)) if (!expanded.has(g)) return g;
  return id;
}

/** Groups expanded by default: all of them for a small graph, none above `threshold` nodes. */
export function defaultExpanded(tree: GroupTree, nodeCount: number, threshold = 300): Set<string> {
  return nodeCount > threshold ? new Set() : new Set(tree.groups.keys());
}
