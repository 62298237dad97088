import { useProject } from "../store.ts";

const LATER = [
  { n: 2, title: "Calibrate", what: "choose the fixed-point quantization from sample data" },
  { n: 3, title: "Prove", what: "compile to a circuit and prove an inference here" },
  { n: 4, title: "Export", what: "the proof, its verifying key and a standalone verifier" },
];

export function StepsPanel() {
  const model = useProject((s) => s.model);
  const s = model?.summary;
  const shape = (d: (number | string)[] | undefined) => (d ? `[${d.join(", ")}]` : "[?]");
  return (
    <nav className="steps" aria-label="Pipeline steps">
      <section className={`step ${model ? "step-done" : "step-current"}`}>
        <div className="step-head"><span className="step-num">1</span> Model <span className="step-state">{model ? "loaded" : "not run"}</span></div>
        {s && (
          <div className="step-card" data-testid="model-summary">
            {s.inputs.map((v) => (
              <div key={v.name} className="kv"><span>input</span><code>{v.name} {v.dtype} {shape(v.shape)}</code></div>
            ))}
            {s.outputs.map((v) => (
              <div key={v.name} className="kv"><span>output</span><code>{v.name} {v.dtype} {shape(v.shape)}</code></div>
            ))}
            <div className="kv"><span>parameters</span><code>{s.parameters.toLocaleString("en-US")}</code></div>
            <div className="op-hist">
              {Object.entries(s.opHistogram).map(([op, count]) => (
                <span key={op} className="op-hist-item">{op} <b>{count}</b></span>
              ))}
            </div>
          </div>
        )}
      </section>
      {LATER.map((st) => (
        <section key={st.n} className="step step-disabled" aria-disabled="true">
          <div className="step-head"><span className="step-num">{st.n}</span> {st.title} <span className="step-state">not available yet</span></div>
          <div className="step-what">{st.what}</div>
        </section>
      ))}
    </nav>
  );
}
