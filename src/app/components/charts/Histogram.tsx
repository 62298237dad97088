// A histogram as SVG bars, with optional vertical markers (quantization grid, clip thresholds).
export interface Marker {
  x: number;
  kind: "grid" | "clip" | "zero";
}

export function Histogram({ lo, hi, counts, markers = [], label, height = 90 }: { lo: number; hi: number; counts: number[]; markers?: Marker[]; label: string; height?: number }) {
  const W = 260, H = height;
  const max = Math.max(1, ...counts);
  const span = hi - lo || 1;
  const px = (x: number) => ((x - lo) / span) * W;
  const bw = W / counts.length;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H + 14}`} role="img" aria-label={label}>
      {counts.map((c, i) => {
        const h = c > 0 ? Math.max(1, (Math.sqrt(c) / Math.sqrt(max)) * H) : 0;
        return <rect key={i} className="bar" x={i * bw + 0.5} y={H - h} width={Math.max(0.5, bw - 1)} height={h} />;
      })}
      {markers.map((m, i) => {
        const x = px(m.x);
        return x >= -0.5 && x <= W + 0.5 ? <line key={i} className={`marker marker-${m.kind}`} x1={x} x2={x} y1={m.kind === "grid" ? H - 8 : 0} y2={H} /> : null;
      })}
      <text className="axis" x={0} y={H + 12}>{fmt(lo)}</text>
      <text className="axis" x={W} y={H + 12} textAnchor="end">{fmt(hi)}</text>
    </svg>
  );
}

export function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1000 || a < 0.01 ? v.toExponential(2) : v.toPrecision(3);
}
