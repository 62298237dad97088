// The graph as SVG (drawn from the layout: boxes, op and name, edges) and as PNG (that SVG
// rasterized on a canvas). Independent of React Flow's DOM, so it captures the whole graph.
import { projectStore } from "../state/project.ts";
import { treeOf } from "./tree.ts";
import { download } from "./export.ts";

const COLOURS: Record<string, string> = {
  linear: "#4f6bed", lookup: "#d9742b", norm: "#8e4ec6", pool: "#23895a", shape: "#8b95a3", arith: "#2b8da3", io: "#4b5563", other: "#a0a8b4",
};
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function graphSvg(): { svg: string; width: number; height: number } | null {
  const s = projectStore.getState();
  if (!s.model || !s.layout) return null;
  const { view } = s.model;
  const tree = treeOf(view);
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const pos = new Map(s.layout.items.map((i) => [i.id, i]));
  const pad = 20, W = Math.ceil(s.layout.width + 2 * pad), H = Math.ceil(s.layout.height + 2 * pad);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="${-pad} ${-pad} ${W} ${H}" font-family="system-ui, sans-serif">`, `<rect x="${-pad}" y="${-pad}" width="${W}" height="${H}" fill="#ffffff"/>`];
  for (const e of s.layout.edges) {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) continue;
    const x1 = a.x + a.width / 2, y1 = a.y + a.height, x2 = b.x + b.width / 2, y2 = b.y, my = (y1 + y2) / 2;
    out.push(`<path d="M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}" fill="none" stroke="#9aa5b4" stroke-width="1.2"/>`);
  }
  for (const it of s.layout.items) {
    if (it.kind === "group") {
      const g = tree.groups.get(it.id)!;
      out.push(`<rect x="${it.x}" y="${it.y}" width="${it.width}" height="${it.height}" rx="8" fill="${it.expanded ? "none" : "#f1f3f7"}" stroke="#aab2bf" stroke-dasharray="${it.expanded ? "4 3" : ""}"/>`);
      out.push(`<text x="${it.x + 10}" y="${it.y + 17}" font-size="12" font-weight="600" fill="#1c2430">${esc(g.label)} · ${g.size}</text>`);
      continue;
    }
    const n = byId.get(it.id)!;
    out.push(`<rect x="${it.x}" y="${it.y}" width="${it.width}" height="${it.height}" rx="6" fill="#ffffff" stroke="#dde2e8"/>`);
    out.push(`<rect x="${it.x}" y="${it.y}" width="5" height="${it.height}" rx="2" fill="${COLOURS[n.family] ?? COLOURS.other}"/>`);
    out.push(`<text x="${it.x + 12}" y="${it.y + 17}" font-size="12" font-weight="600" fill="#1c2430">${esc(n.op)}</text>`);
    if (it.height > 32) out.push(`<text x="${it.x + 12}" y="${it.y + 32}" font-size="10" fill="#5b6675">${esc(n.name.slice(0, 28))}</text>`);
  }
  out.push("</svg>");
  return { svg: out.join("\n"), width: W, height: H };
}

const baseName = () => (projectStore.getState().model?.fileName ?? "graph").replace(/\.onnx$/i, "");

export async function exportGraphSvg(): Promise<void> {
  const g = graphSvg();
  if (g) download(`${baseName()}-graph.svg`, g.svg, "image/svg+xml");
}

export async function exportGraphPng(): Promise<void> {
  const g = graphSvg();
  if (!g) return;
  const scale = Math.min(2, 8000 / Math.max(g.width, g.height));
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(g.svg)}`;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = Math.ceil(g.width * scale);
  c.height = Math.ceil(g.height * scale);
  const ctx = c.getContext("2d")!;
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  const blob = await new Promise<Blob | null>((r) => c.toBlob(r, "image/png"));
  if (blob) download(`${baseName()}-graph.png`, new Uint8Array(await blob.arrayBuffer()), "image/png");
}
