import type { ViewNode } from "../../../core/view/index.ts";
import { useWeightStats } from "../../hooks/useWeightStats.ts";
import { useProject } from "../../store.ts";
import { Histogram, fmt } from "../charts/Histogram.tsx";

function WeightCard({ name, shape }: { name: string; shape: number[] }) {
  const stats = useWeightStats(name);
  return (
    <div className="weight-card">
      <div className="kv"><code>{name}</code><span>[{shape.join(", ")}]</span></div>
      {stats === "loading" && <div className="muted small">computing…</div>}
      {stats && stats !== "loading" && (
        <>
          <div className="stat-row">
            <span>min <b>{fmt(stats.min)}</b></span><span>max <b>{fmt(stats.max)}</b></span>
            <span>mean <b>{fmt(stats.mean)}</b></span><span>std <b>{fmt(stats.std)}</b></span>
            <span>zeros <b>{((100 * stats.zeros) / stats.count).toFixed(1)} %</b></span>
          </div>
          <Histogram lo={stats.hist.lo} hi={stats.hist.hi} counts={stats.hist.counts} label={`Histogram of ${name}`} markers={[{ x: 0, kind: "zero" }]} height={60} />
        </>
      )}
    </div>
  );
}

export function PropertiesTab({ node }: { node: ViewNode }) {
  const view = useProject((s) => s.model?.view);
  const info = (t: string) => {
    const e = view?.edges.find((x) => x.tensor === t);
    return e ? `${e.dtype} ${e.shape}` : "";
  };
  const weights = new Set(node.weights.map((w) => w.name));
  return (
    <div data-testid="properties-tab">
      <h3>Inputs</h3>
      <ul className="tensor-list">
        {node.inputs.filter((t) => t && !weights.has(t)).map((t) => <li key={t}><code>{t}</code> <span className="muted">{info(t)}</span></li>)}
      </ul>
      <h3>Outputs</h3>
      <ul className="tensor-list">
        {node.outputs.map((t) => <li key={t}><code>{t}</code> <span className="muted">{info(t)}</span></li>)}
      </ul>
      {Object.keys(node.attributes).length > 0 && (
        <>
          <h3>Attributes</h3>
          <table className="attr-table">
            <tbody>{Object.entries(node.attributes).map(([k, v]) => <tr key={k}><th>{k}</th><td><code>{v}</code></td></tr>)}</tbody>
          </table>
        </>
      )}
      {node.weights.length > 0 && (
        <>
          <h3>Weights</h3>
          {node.weights.map((w) => <WeightCard key={w.name} name={w.name} shape={w.shape} />)}
        </>
      )}
    </div>
  );
}
