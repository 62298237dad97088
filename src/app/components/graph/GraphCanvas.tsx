import { useEffect, useMemo, useRef } from "react";
import { ReactFlow, Background, Controls, MiniMap, useReactFlow, useStore, ReactFlowProvider, type Edge, type Node } from "@xyflow/react";
import { edgeLabel, scalePosition, type ViewGraph, type OpFamily } from "../../../core/view/index.ts";
import { projectStore, activeSlot } from "../../../state/project.ts";
import { useProject } from "../../store.ts";
import { useUi, uiStore, canvasControls } from "../../ui-store.ts";
import { toggleGroup } from "../../actions.ts";
import { treeOf } from "../../tree.ts";
import { OpNode, type OpNodeData } from "./OpNode.tsx";
import { GroupNode, type GroupNodeData } from "./GroupNode.tsx";
import { overlayValues } from "./overlay-values.ts";
import { SearchBox } from "./SearchBox.tsx";
import { Legend } from "./Legend.tsx";

/** The smallest zoom at which node labels stay readable: a graph that fits only below it starts at its top. */
const READABLE_ZOOM = 0.6;
// "scope", not "group": React Flow styles its own "group" type with a frame of its own.
const nodeTypes = { op: OpNode, scope: GroupNode };
const FAMILY_COLOURS: Record<string, string> = {
  linear: "#4f6bed", lookup: "#e8833a", norm: "#9b59d0", pool: "#2fa36b", shape: "#9aa3af", arith: "#3aa8c1", io: "#64748b", other: "#b0b7c3", group: "#7c8596",
};

function familiesOf(view: ViewGraph, members: Set<string>): [OpFamily, number][] {
  const c = new Map<OpFamily, number>();
  for (const n of view.nodes) if (members.has(n.id)) c.set(n.family, (c.get(n.family) ?? 0) + 1);
  return [...c].sort((a, b) => b[1] - a[1]);
}

function Canvas({ view }: { view: ViewGraph }) {
  const layout = useProject((s) => s.layout);
  const selected = useProject((s) => s.selectedNode);
  const overlayKind = useProject((s) => s.overlay);
  const slot = useProject(activeSlot);
  const focusNode = useUi((s) => s.focusNode);
  const flow = useReactFlow();
  // Level of detail: zoomed far out, names and edge labels are unreadable anyway and cost frames.
  const lowDetail = useStore((st) => st.transform[2] < 0.45);
  const tree = treeOf(view);
  const fitted = useRef<unknown>(null);

  const byId = useMemo(() => new Map(view.nodes.map((n) => [n.id, n])), [view]);
  // Shape, and the dtype where it is not float32 (token ids, masks), until calibration gives a type.
  const shapeOf = useMemo(() => new Map(view.edges.map((e) => [e.tensor, e])), [view]);
  const groupMembers = useMemo(() => {
    // Every node inside each group, for the collapsed box's family strip.
    const m = new Map<string, Set<string>>();
    for (const n of view.nodes) {
      let g = tree.parentOf.get(n.id);
      while (g) {
        let s = m.get(g);
        if (!s) m.set(g, (s = new Set()));
        s.add(n.id);
        g = tree.groups.get(g)?.parent ?? undefined;
      }
    }
    return m;
  }, [view, tree]);

  const ov = useMemo(() => overlayValues(overlayKind, slot?.metrics, slot?.plan, view.nodes), [overlayKind, slot?.metrics, slot?.plan, view.nodes]);
  const issueNodes = useMemo(() => new Set(slot?.metrics?.compileIssue?.nodes ?? []), [slot?.metrics?.compileIssue]);

  const nodes = useMemo<Node[]>(() => {
    if (!layout) return [];
    return layout.items.map((it) => {
      if (it.kind === "group") {
        const g = tree.groups.get(it.id)!;
        const members = groupMembers.get(it.id) ?? new Set<string>();
        const data: GroupNodeData = {
          id: it.id, label: g.label, size: g.size, expanded: it.expanded, families: familiesOf(view, members),
          issues: [...members].filter((m) => byId.get(m)?.issue || issueNodes.has(m)).length,
        };
        return {
          id: it.id, type: "scope", position: { x: it.x, y: it.y }, data, width: it.width, height: it.height,
          draggable: false, connectable: false, selectable: !it.expanded, zIndex: it.depth * 2, ...(it.expanded ? { className: "frame" } : {}),
        };
      }
      const n = byId.get(it.id)!;
      const v = ov?.values.get(n.id);
      const node = issueNodes.has(n.id) && !n.issue ? { ...n, issue: { level: "error" as const, reason: `cannot be proved yet: ${slot?.metrics?.compileIssue?.reason ?? ""}` } } : n;
      const data: OpNodeData = { node, overlay: v !== undefined && ov ? { t: scalePosition(ov.scale, v), text: ov.format(v) } : undefined, dim: !!ov && v === undefined && n.family !== "io" };
      return { id: it.id, type: "op", position: { x: it.x, y: it.y }, data, width: it.width, height: it.height, draggable: false, connectable: false, zIndex: it.depth * 2 + 1 };
    });
  }, [layout, view, tree, byId, groupMembers, ov, issueNodes, slot?.metrics?.compileIssue?.reason]);

  const withSelection = useMemo(() => nodes.map((n) => (n.id === selected ? { ...n, selected: true } : n)), [nodes, selected]);

  const edges = useMemo<Edge[]>(() => {
    if (!layout) return [];
    const types = slot?.plan.tensors;
    return layout.edges.map((e) => {
      const t = e.tensors[0]!;
      const typed = types?.[t];
      const ve = shapeOf.get(t);
      const plain = ve ? (ve.dtype && ve.dtype !== "float32" ? `${ve.shape} ${ve.dtype}` : ve.shape) : "";
      const label = e.tensors.length > 1 ? `${e.tensors.length} tensors` : typed ? edgeLabel(ve?.shape ?? "", typed) : plain;
      return { id: e.id, source: e.source, target: e.target, label: lowDetail ? undefined : label || undefined, labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3, className: "tensor-edge" };
    });
  }, [layout, shapeOf, slot?.plan, lowDetail]);

  // Fit once per model (and after the first layout), then leave the viewport to the user.
  // A graph too long to read when fitted (ResNet's 176-node chain; AlexNet's 24 nodes, whose
  // labels are ~5 px at the 0.45 that fits them) starts at its top instead.
  useEffect(() => {
    if (!layout || fitted.current === view) return;
    fitted.current = view;
    requestAnimationFrame(() => {
      const el = document.querySelector(".canvas-area");
      const W = el?.clientWidth ?? 800, H = el?.clientHeight ?? 600;
      const zoom = Math.min(W / (layout.width + 80), H / (layout.height + 80));
      if (zoom >= READABLE_ZOOM) void flow.fitView({ padding: 0.12, maxZoom: 1.1 });
      else {
        // Readable even when the layout is wide (columns of a long graph): then from its left.
        const z = Math.min(0.8, Math.max(READABLE_ZOOM, W / (layout.width + 80)));
        void flow.setViewport({ x: layout.width * z + 80 <= W ? W / 2 - (layout.width / 2) * z : 24, y: 24, zoom: z });
      }
    });
  }, [layout, view, flow]);

  useEffect(() => {
    canvasControls.fit = () => void flow.fitView({ padding: 0.12, maxZoom: 1.1, duration: 250 });
    canvasControls.zoomTo = (id) => void flow.fitView({ nodes: [{ id }], maxZoom: 1.2, minZoom: 0.5, duration: 300, padding: 0.4 });
  }, [flow]);

  // Zoom to a node once the layout shows it (it may have been inside a collapsed group).
  useEffect(() => {
    if (focusNode && layout?.items.some((i) => i.id === focusNode)) {
      uiStore.getState().set({ focusNode: null });
      requestAnimationFrame(() => canvasControls.zoomTo(focusNode));
    }
  }, [focusNode, layout]);

  return (
    <>
      <ReactFlow
        className={lowDetail ? "lod-low" : ""}
        nodes={withSelection}
        edges={edges}
        nodeTypes={nodeTypes}
        minZoom={0.02}
        zoomOnDoubleClick={false}
        maxZoom={3}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        onNodeClick={(_, n) => {
          if (n.type === "scope" && (n.data as GroupNodeData).expanded) return;
          projectStore.getState().selectNode(n.id);
        }}
        onNodeDoubleClick={(_, n) => { if (n.type === "scope") toggleGroup(n.id); }}
        onPaneClick={() => projectStore.getState().selectNode(null)}
        onNodesChange={(changes) => {
          // Keyboard selection (Tab to a node, Enter) arrives as a select change.
          const c = changes.find((x) => x.type === "select" && x.selected);
          if (c && c.type === "select" && c.id !== projectStore.getState().selectedNode) projectStore.getState().selectNode(c.id);
        }}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap pannable zoomable ariaLabel="Minimap" nodeColor={(n) => (n.type === "scope" ? FAMILY_COLOURS.group! : FAMILY_COLOURS[(n.data as OpNodeData).node.family] ?? "#999")} />
      </ReactFlow>
      <SearchBox view={view} />
      {ov && <Legend scale={ov.scale} format={ov.format} />}
      {!layout && <div className="canvas-note" role="status">Laying out {view.nodes.length.toLocaleString("en-US")} nodes…</div>}
    </>
  );
}

export function GraphCanvas({ view }: { view: ViewGraph }) {
  return (
    <ReactFlowProvider>
      <Canvas view={view} />
    </ReactFlowProvider>
  );
}
