import { memo } from "react";
import { Handle, Position, type NodeProps, type Node } from "@xyflow/react";
import { isSmallFamily, rampColour, textOn, type ViewNode } from "../../../core/view/index.ts";

export type OpNodeData = { node: ViewNode; overlay?: { t: number; text: string } | undefined; dim?: boolean };

function OpNodeView({ data, selected }: NodeProps<Node<OpNodeData>>) {
  const n = data.node;
  const small = isSmallFamily(n.family);
  const o = data.overlay;
  const style = o ? { background: rampColour(o.t), color: textOn(o.t) } : undefined;
  const issue = n.issue ? ` issue-${n.issue.level}` : "";
  return (
    <div
      className={`op-node fam-${n.family}${small ? " op-small" : ""}${selected ? " selected" : ""}${issue}${data.dim ? " dim" : ""}`}
      style={style}
      title={n.issue ? `${n.op} · ${n.name}\n${n.issue.reason}` : `${n.op} · ${n.name}`}
      data-node-id={n.id}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="op-type">{n.op}{n.issue && <span className="op-issue" aria-label={n.issue.reason}>!</span>}</div>
      {!small && <div className="op-name">{n.name}</div>}
      {small && n.family === "io" && <div className="op-name-inline">{n.name}</div>}
      {o && <span className="op-badge">{o.text}</span>}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

export const OpNode = memo(OpNodeView);
