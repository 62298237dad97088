// Search by node name or op type, for the canvas's "/" box: case-insensitive; exact op
// matches first, then name prefixes of a path component, then substrings.
import type { ViewNode } from "./view-graph.ts";

export function searchNodes(nodes: readonly ViewNode[], query: string, limit = 50): ViewNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: { n: ViewNode; s: number; i: number }[] = [];
  nodes.forEach((n, i) => {
    const op = n.op.toLowerCase(), name = n.name.toLowerCase();
    let s = -1;
    if (op === q) s = 0;
    else if (name === q) s = 0;
    else if (name.split("/").some((p) => p.startsWith(q))) s = 1;
    else if (op.startsWith(q)) s = 2;
    else if (name.includes(q) || op.includes(q)) s = 3;
    if (s >= 0) scored.push({ n, s, i });
  });
  scored.sort((a, b) => a.s - b.s || a.i - b.i);
  return scored.slice(0, limit).map((x) => x.n);
}
