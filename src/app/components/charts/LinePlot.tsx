// Lines over a shared x axis (the table tab: float function vs table, then the error).
import { fmt } from "./Histogram.tsx";

export interface Series {
  ys: ArrayLike<number>;
  className: string;
  name: string;
}

export function LinePlot({ xs, series, label, height = 110, zeroLine = false }: { xs: ArrayLike<number>; series: Series[]; label: string; height?: number; zeroLine?: boolean }) {
  const W = 260, H = height;
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (let i = 0; i < s.ys.length; i++) {
    const v = s.ys[i]!;
    if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!(hi > lo)) { hi = lo + 1; }
  const x0 = xs[0]!, x1 = xs[xs.length - 1]!;
  const px = (x: number) => ((x - x0) / (x1 - x0 || 1)) * W;
  const py = (y: number) => H - ((y - lo) / (hi - lo)) * H;
  const step = Math.max(1, Math.floor(xs.length / 400));
  const path = (ys: ArrayLike<number>) => {
    let d = "";
    for (let i = 0; i < xs.length; i += step) d += `${d ? "L" : "M"}${px(xs[i]!).toFixed(1)},${py(ys[i]!).toFixed(1)}`;
    return d;
  };
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H + 14}`} role="img" aria-label={label}>
      {zeroLine && lo < 0 && hi > 0 && <line className="marker marker-zero" x1={0} x2={W} y1={py(0)} y2={py(0)} />}
      {series.map((s) => <path key={s.name} className={`line ${s.className}`} d={path(s.ys)}><title>{s.name}</title></path>)}
      <text className="axis" x={0} y={H + 12}>{fmt(x0)}</text>
      <text className="axis" x={W} y={H + 12} textAnchor="end">{fmt(x1)}</text>
      <text className="axis" x={W} y={10} textAnchor="end">{fmt(hi)}</text>
      <text className="axis" x={W} y={H - 2} textAnchor="end">{fmt(lo)}</text>
    </svg>
  );
}
