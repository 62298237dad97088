import { useMemo } from "react";
import type { ViewNode } from "../../../core/view/index.ts";
import { TABLE_FUNCTIONS, typeMin, type PlanTable } from "../../../core/quant/index.ts";
import { base64ToInt32 } from "../../../core/quant/base64.ts";
import { activeSlot } from "../../../state/project.ts";
import { useProject } from "../../store.ts";
import { LinePlot } from "../charts/LinePlot.tsx";
import { fmt } from "../charts/Histogram.tsx";

function TablePlot({ id, t }: { id: string; t: PlanTable }) {
  const data = useMemo(() => {
    const values = base64ToInt32(t.values) ?? new Int32Array();
    const f = TABLE_FUNCTIONS[t.fn]?.fn;
    const x0 = typeMin(t.input), inS = 2 ** -t.input.k, outS = 2 ** -t.output.k;
    const xs = new Float64Array(values.length), table = new Float64Array(values.length), exact = new Float64Array(values.length), err = new Float64Array(values.length);
    let maxErr = 0;
    for (let j = 0; j < values.length; j++) {
      const x = (j + x0) * inS;
      xs[j] = x;
      table[j] = values[j]! * outS;
      exact[j] = f ? f(x, t.params) : NaN;
      err[j] = Number.isFinite(exact[j]!) ? table[j]! - exact[j]! : 0;
      if (Math.abs(err[j]!) > maxErr) maxErr = Math.abs(err[j]!);
    }
    return { xs, table, exact, err, maxErr };
  }, [t]);
  return (
    <div className="table-card" data-testid={`table-${id}`}>
      <div className="kv"><code>{t.fn}</code><span>{t.rows.toLocaleString("en-US")} rows</span></div>
      <div className="kv small"><span>domain</span><code>[{fmt(data.xs[0] ?? 0)}, {fmt(data.xs[data.xs.length - 1] ?? 0)}] step 2^{-t.input.k}</code></div>
      <div className="kv small"><span>output</span><code>{t.output.signed ? "i" : "u"}{t.output.bits} · 2^{-t.output.k}{t.saturate ? " · saturates" : ""}</code></div>
      <LinePlot xs={data.xs} label={`${t.fn}: float function and table`} series={[{ ys: data.exact, className: "line-float", name: "float function" }, { ys: data.table, className: "line-table", name: "table" }]} />
      <div className="legend-inline small"><span className="swatch line-float" /> float <span className="swatch line-table" /> table</div>
      <div className="small muted">error (table − float), max {fmt(data.maxErr)} = {(data.maxErr / 2 ** -t.output.k).toFixed(2)} output steps</div>
      <LinePlot xs={data.xs} label={`${t.fn}: quantization error over the domain`} series={[{ ys: data.err, className: "line-err", name: "error" }]} height={60} zeroLine />
    </div>
  );
}

export function TableTab({ node }: { node: ViewNode }) {
  const slot = useProject(activeSlot);
  if (!slot) return <p className="muted">Calibrate first: tables are built from the chosen scales.</p>;
  const own = Object.entries(slot.plan.tables).filter(([, t]) => (t as PlanTable & { nodes?: string[] }).nodes?.includes(node.id)).map(([id]) => id);
  const all = [...new Set([...own, ...(slot.metrics?.tablesByNode[node.id] ?? [])])].filter((id) => slot.plan.tables[id]);
  if (all.length === 0) return <p className="muted">{node.op} needs no lookup table{node.op === "Relu" ? " (its ReLU is the clamp of the requant before it)" : ""}.</p>;
  return <div data-testid="table-tab">{all.map((id) => <TablePlot key={id} id={id} t={slot.plan.tables[id]!} />)}</div>;
}
