import { useProject } from "../store.ts";

export function Inspector() {
  const model = useProject((s) => s.model);
  const selected = useProject((s) => s.selectedNode);
  const node = model?.graph.nodes.find((n) => n.id === selected);
  const shapeOf = (t: string) => model?.graph.edges.find((e) => e.tensor === t)?.label ?? "";
  return (
    <aside className="inspector" aria-label="Inspector">
      <div className="panel-title">Inspector</div>
      {!node ? (
        <p className="muted">{model ? "Select a node to see its properties." : "Open a model to inspect its nodes."}</p>
      ) : (
        <div className="inspector-body" data-testid="inspector">
          <div className={`inspector-op fam-${node.family}`}>{node.op}</div>
          <div className="inspector-name">{node.name}</div>
          <h3>Inputs</h3>
          <ul className="tensor-list">
            {node.inputs.filter(Boolean).map((t) => (
              <li key={t}><code>{t}</code> <span className="muted">{shapeOf(t)}</span></li>
            ))}
          </ul>
          <h3>Outputs</h3>
          <ul className="tensor-list">
            {node.outputs.map((t) => (
              <li key={t}><code>{t}</code> <span className="muted">{shapeOf(t)}</span></li>
            ))}
          </ul>
          {Object.keys(node.attributes).length > 0 && (
            <>
              <h3>Attributes</h3>
              <table className="attr-table">
                <tbody>
                  {Object.entries(node.attributes).map(([k, v]) => (
                    <tr key={k}><th>{k}</th><td><code>{v}</code></td></tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </aside>
  );
}
