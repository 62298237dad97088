import { useProject } from "../../store.ts";
import { revealNode } from "../../actions.ts";
import { formatCount } from "../../../core/view/index.ts";

const shape = (d: (number | string)[] | undefined) => (d ? `[${d.join(", ")}]` : "[?]");

export function ModelStep() {
  const model = useProject((s) => s.model);
  if (!model) return <p className="step-what">Drop an .onnx file anywhere, or open a demo.</p>;
  const s = model.summary;
  const unsupported = model.view.nodes.filter((n) => n.issue);
  return (
    <div className="step-card" data-testid="model-summary">
      {s.inputs.map((v) => <div key={v.name} className="kv"><span>input</span><code>{v.name} {v.dtype} {shape(v.shape)}</code></div>)}
      {s.outputs.map((v) => <div key={v.name} className="kv"><span>output</span><code>{v.name} {v.dtype} {shape(v.shape)}</code></div>)}
      <div className="kv"><span>parameters</span><code>{s.parameters.toLocaleString("en-US")}</code></div>
      {model.macsPerSample !== undefined && <div className="kv" title="Multiply-adds of one inference (convolutions and matmuls): calibration, accuracy and proving time grow with it"><span>compute</span><code data-testid="model-compute">{formatCount(model.macsPerSample)} MACs</code></div>}
      <div className="kv"><span>nodes</span><code>{s.nodeCount}{model.view.folded ? ` (${model.view.folded} folded into constants)` : ""}</code></div>
      <div className="op-hist">
        {Object.entries(s.opHistogram).map(([op, count]) => <span key={op} className="op-hist-item">{op} <b>{count}</b></span>)}
      </div>
      {model.loadError && <div className="field-error" role="alert">{model.loadError}</div>}
      {unsupported.length > 0 && (
        <div className="unsupported">
          <div className="small"><b>{unsupported.length}</b> node{unsupported.length > 1 ? "s" : ""} cannot be proved:</div>
          <ul>
            {unsupported.slice(0, 12).map((n) => (
              <li key={n.id}><button className="link issue-link" onClick={() => revealNode(n.id)} title={n.issue!.reason}>{n.op} {n.name}</button></li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
