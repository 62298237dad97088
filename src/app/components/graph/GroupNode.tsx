import { memo } from "react";
import { Handle, Position, type NodeProps, type Node } from "@xyflow/react";
import type { OpFamily } from "../../../core/view/index.ts";
import { toggleGroup } from "../../actions.ts";

export type GroupNodeData = {
  id: string;
  label: string;
  size: number;
  expanded: boolean;
  /** Share of each op family inside, for the collapsed box's colour strip. */
  families: [OpFamily, number][];
  issues: number;
};

function GroupNodeView({ data, selected }: NodeProps<Node<GroupNodeData>>) {
  const toggle = (
    <button
      className="group-toggle nodrag"
      aria-label={`${data.expanded ? "Collapse" : "Expand"} group ${data.label}`}
      aria-expanded={data.expanded}
      onClick={(e) => {
        e.stopPropagation();
        toggleGroup(data.id);
      }}
    >
      {data.expanded ? "−" : "+"}
    </button>
  );
  if (data.expanded) {
    return (
      <div className="group-frame" data-group-id={data.id}>
        <div className="group-head">{toggle}<span className="group-label">{data.label}</span><span className="group-count">{data.size}</span></div>
      </div>
    );
  }
  const total = data.families.reduce((a, [, c]) => a + c, 0) || 1;
  return (
    <div className={`group-box${selected ? " selected" : ""}${data.issues ? " issue-error" : ""}`} data-group-id={data.id} title={`${data.label}: ${data.size} nodes (double-click or ] to expand)`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="group-head">{toggle}<span className="group-label">{data.label}</span><span className="group-count">{data.size} nodes</span></div>
      <div className="group-strip" aria-hidden="true">
        {data.families.map(([f, c]) => <span key={f} className={`strip-${f}`} style={{ flexGrow: c / total }} />)}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
