import { memo } from "react";
import { Handle, Position, type NodeProps, type Node } from "@xyflow/react";
import type { ViewNode } from "../../core/view/index.ts";

export type OpNodeData = { node: ViewNode };

function OpNodeView({ data, selected }: NodeProps<Node<OpNodeData>>) {
  const n = data.node;
  const small = n.family === "shape" || n.family === "io";
  return (
    <div className={`op-node fam-${n.family}${small ? " op-small" : ""}${selected ? " selected" : ""}`} title={`${n.op} · ${n.name}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="op-type">{n.op}</div>
      {!small && <div className="op-name">{n.name}</div>}
      {small && n.family === "io" && <div className="op-name-inline">{n.name}</div>}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

export const OpNode = memo(OpNodeView);
