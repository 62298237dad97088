import { useMemo } from "react";
import { ReactFlow, Background, Controls, MiniMap, type Edge, type Node } from "@xyflow/react";
import type { ViewGraph } from "../../core/view/index.ts";
import { projectStore } from "../../state/project.ts";
import { useProject } from "../store.ts";
import { OpNode, type OpNodeData } from "./OpNode.tsx";

const nodeTypes = { op: OpNode };
const FAMILY_COLOURS: Record<string, string> = {
  linear: "#4f6bed", lookup: "#e8833a", norm: "#9b59d0", pool: "#2fa36b", shape: "#9aa3af", arith: "#3aa8c1", io: "#64748b", other: "#b0b7c3",
};

export function GraphCanvas({ graph }: { graph: ViewGraph }) {
  const selected = useProject((s) => s.selectedNode);
  const nodes = useMemo<Node<OpNodeData>[]>(
    () => graph.nodes.map((n) => ({
      id: n.id, type: "op", position: { x: n.x, y: n.y }, data: { node: n },
      width: n.width, height: n.height, draggable: false, connectable: false,
    })),
    [graph],
  );
  const withSelection = useMemo(() => nodes.map((n) => (n.id === selected ? { ...n, selected: true } : n)), [nodes, selected]);
  const edges = useMemo<Edge[]>(
    () => graph.edges.map((e) => ({
      id: e.id, source: e.source, target: e.target, label: e.label || undefined,
      labelBgPadding: [4, 2] as [number, number], labelBgBorderRadius: 3, className: "tensor-edge",
    })),
    [graph],
  );
  return (
    <ReactFlow
      nodes={withSelection}
      edges={edges}
      nodeTypes={nodeTypes}
      fitView
      fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
      minZoom={0.05}
      onlyRenderVisibleElements
      nodesDraggable={false}
      nodesConnectable={false}
      onNodeClick={(_, n) => projectStore.getState().selectNode(n.id)}
      onPaneClick={() => projectStore.getState().selectNode(null)}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} size={1} />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable nodeColor={(n) => FAMILY_COLOURS[(n.data as OpNodeData).node.family] ?? "#999"} />
    </ReactFlow>
  );
}
