import { useEffect, useState } from "react";
import type { ViewNode } from "../../../core/view/index.ts";
import { typeMax, typeMin, type PlanTensor } from "../../../core/quant/index.ts";
import { activeSlot } from "../../../state/project.ts";
import { useProject } from "../../store.ts";
import { editTensor } from "../../clients/quant.ts";
import { Histogram, fmt, type Marker } from "../charts/Histogram.tsx";
import { useWeightStats } from "../../hooks/useWeightStats.ts";

/** A slider and a number field for one integer; commits on release / Enter / blur. */
function IntField({ label, value, min, max, onCommit, testId }: { label: string; value: number; min: number; max: number; onCommit(v: number): void; testId: string }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  const commit = (x: number) => { if (Number.isInteger(x) && x !== value) onCommit(x); };
  return (
    <div className="int-field">
      <label htmlFor={`${testId}-n`}>{label}</label>
      <input type="range" min={min} max={max} step={1} value={v} aria-label={`${label} slider`} data-testid={`${testId}-slider`}
        onChange={(e) => setV(Number(e.target.value))} onPointerUp={() => commit(v)} onKeyUp={(e) => { if (e.key.startsWith("Arrow") || e.key === "Home" || e.key === "End") commit(v); }} />
      <input id={`${testId}-n`} type="number" step={1} value={v} data-testid={`${testId}-number`}
        onChange={(e) => setV(Number(e.target.value))} onBlur={() => commit(v)} onKeyDown={(e) => { if (e.key === "Enter") commit(v); }} />
    </div>
  );
}

function RangeBar({ lo, hi, qlo, qhi }: { lo: number; hi: number; qlo: number; qhi: number }) {
  const a = Math.min(lo, qlo), b = Math.max(hi, qhi), span = b - a || 1;
  const pct = (x: number) => `${(((x - a) / span) * 100).toFixed(2)}%`;
  const clipped = lo < qlo || hi > qhi;
  return (
    <div className="range-wrap">
      <div className="range-bar" role="img" aria-label={`observed ${fmt(lo)} to ${fmt(hi)}, representable ${fmt(qlo)} to ${fmt(qhi)}`}>
        <div className="range-q" style={{ left: pct(qlo), width: `calc(${pct(qhi)} - ${pct(qlo)})` }} />
        <div className="range-obs" style={{ left: pct(lo), width: `calc(${pct(hi)} - ${pct(lo)})` }} />
      </div>
      <div className="kv small"><span>observed</span><code>[{fmt(lo)}, {fmt(hi)}]</code></div>
      <div className="kv small"><span>representable</span><code>[{fmt(qlo)}, {fmt(qhi)}]</code></div>
      {clipped && <div className="warn-note small">Values outside the representable range are clipped (the thresholds are marked on the histogram).</div>}
    </div>
  );
}

/** Ticks of the quantization grid over [lo, hi] (every n-th step when the steps are dense), and the clip thresholds. */
function gridMarkers(lo: number, hi: number, k: number, qlo: number, qhi: number): Marker[] {
  const step = 2 ** -k;
  const every = Math.max(1, Math.ceil((hi - lo) / step / 48));
  const markers: Marker[] = [];
  for (let g = Math.ceil(lo / (step * every)) * step * every; g <= hi; g += step * every) markers.push({ x: g, kind: "grid" });
  markers.push({ x: qlo, kind: "clip" }, { x: qhi, kind: "clip" });
  return markers;
}

function WeightValues({ name, t, qlo, qhi }: { name: string; t: PlanTensor; qlo: number; qhi: number }) {
  const stats = useWeightStats(name);
  if (!stats || stats === "loading") return null;
  return (
    <>
      <RangeBar lo={stats.min} hi={stats.max} qlo={qlo} qhi={qhi} />
      <div className="small muted">values ({stats.count.toLocaleString("en-US")}) with the quantization grid</div>
      <Histogram lo={stats.hist.lo} hi={stats.hist.hi} counts={stats.hist.counts} markers={gridMarkers(stats.hist.lo, stats.hist.hi, t.k, qlo, qhi)} label={`Values of ${name} with the quantization grid`} height={60} />
    </>
  );
}

function TensorQuant({ name, t }: { name: string; t: PlanTensor }) {
  const report = useProject((s) => activeSlot(s)?.plan.report.tensors[name]);
  const qlo = typeMin(t) * 2 ** -t.k, qhi = typeMax(t) * 2 ** -t.k;
  const markers = report ? gridMarkers(report.hist.lo, report.hist.hi, t.k, qlo, qhi) : [];
  return (
    <div className="quant-card" data-testid={`quant-${name}`}>
      <div className="kv"><code>{name}</code><span>{t.role} · {t.signed ? "signed" : "unsigned"}</span></div>
      <div className="scale-line">scale <b>2^{-t.k}</b> = {fmt(2 ** -t.k)} · <b>{t.signed ? "i" : "u"}{t.bits}</b></div>
      <IntField label="k (scale 2^-k)" value={t.k} min={t.k - 8} max={t.k + 8} onCommit={(k) => void editTensor(name, { k })} testId="k" />
      <IntField label="bits" value={t.bits} min={2} max={16} onCommit={(bits) => void editTensor(name, { bits })} testId="bits" />
      {report && <RangeBar lo={report.min} hi={report.max} qlo={qlo} qhi={qhi} />}
      {!report && (t.role === "weight" || t.role === "const") && <WeightValues name={name} t={t} qlo={qlo} qhi={qhi} />}
      {report && (
        <>
          <div className="small muted">activation histogram ({report.count.toLocaleString("en-US")} values) with the quantization grid</div>
          <Histogram lo={report.hist.lo} hi={report.hist.hi} counts={report.hist.counts} markers={markers} label={`Activation histogram of ${name} with the quantization grid`} />
        </>
      )}
    </div>
  );
}

export function QuantTab({ node }: { node: ViewNode }) {
  const slot = useProject(activeSlot);
  if (!slot) return <p className="muted">Calibrate the model (step 2) to see and edit the scales and bit widths of this node.</p>;
  const names = [...node.outputs, ...node.weights.map((w) => w.name)].filter((n) => Object.hasOwn(slot.plan.tensors, n));
  const errs = slot.metrics?.accuracy.nodes.filter((e) => e.node === node.id) ?? [];
  return (
    <div data-testid="quant-tab">
      {slot.error && <div className="field-error" role="alert">{slot.error}</div>}
      {errs.map((e) => (
        <div key={e.tensor} className="node-error"><span>error of {e.tensor}</span><code>SQNR {e.sqnr_db === null ? "exact" : `${e.sqnr_db.toFixed(1)} dB`} · max abs {fmt(e.max_abs_error)}</code></div>
      ))}
      {names.length === 0 && <p className="muted">This node has no quantized tensor of its own (its output keeps its input's type, or it was folded).</p>}
      {names.map((n) => <TensorQuant key={n} name={n} t={slot.plan.tensors[n]!} />)}
    </div>
  );
}
