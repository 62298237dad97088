import { useProject } from "../../store.ts";
import { useUi, uiStore, type InspectorTab } from "../../ui-store.ts";
import { treeOf } from "../../tree.ts";
import { PropertiesTab } from "./PropertiesTab.tsx";
import { QuantTab } from "./QuantTab.tsx";
import { TableTab } from "./TableTab.tsx";
import { CostTab } from "./CostTab.tsx";
import { revealNode } from "../../actions.ts";

const TABS: { id: InspectorTab; label: string }[] = [
  { id: "properties", label: "Properties" }, { id: "quant", label: "Quant" }, { id: "table", label: "Table" }, { id: "cost", label: "Cost" },
];

export function Inspector() {
  const model = useProject((s) => s.model);
  const selected = useProject((s) => s.selectedNode);
  const tab = useUi((s) => s.inspectorTab);
  const expanded = useProject((s) => (selected ? s.expanded.includes(selected) : false));
  const node = model?.view.nodes.find((n) => n.id === selected);
  const group = model && selected ? treeOf(model.view).groups.get(selected) : undefined;
  return (
    <aside className="inspector" aria-label="Inspector">
      <div className="panel-title">Inspector</div>
      {group && model && (
        <div className="inspector-body" data-testid="inspector">
          <div className="inspector-op">{group.label}</div>
          <div className="inspector-name">group · {group.size} nodes · {expanded ? "expanded: [ collapses it" : "] expands it"}</div>
          <ul className="tensor-list">
            {group.children.slice(0, 40).map((c) => {
              const n = model.view.nodes.find((x) => x.id === c);
              const g = treeOf(model.view).groups.get(c);
              return <li key={c}><button className="link" onClick={() => revealNode(n ? c : g!.children[0]!)}>{n ? `${n.op} ${n.name}` : `${g!.label} (${g!.size})`}</button></li>;
            })}
          </ul>
        </div>
      )}
      {!node && !group && <p className="muted">{model ? "Select a node to see its properties, scales, table and cost." : "Open a model to inspect its nodes."}</p>}
      {node && (
        <div className="inspector-body" data-testid="inspector">
          <div className={`inspector-op fam-${node.family}`}>{node.op}</div>
          <div className="inspector-name">{node.name}</div>
          {node.issue && <div className="issue-note" role="note">{node.issue.reason}</div>}
          <div className="tabs" role="tablist" aria-label="Inspector tabs">
            {TABS.map((t) => (
              <button key={t.id} role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} className={`tab${tab === t.id ? " active" : ""}`} onClick={() => uiStore.getState().set({ inspectorTab: t.id })}>
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === "properties" && <PropertiesTab node={node} />}
            {tab === "quant" && <QuantTab node={node} />}
            {tab === "table" && <TableTab node={node} />}
            {tab === "cost" && <CostTab node={node} />}
          </div>
        </div>
      )}
    </aside>
  );
}
