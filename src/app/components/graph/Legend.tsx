import { RAMP, type OverlayScale } from "../../../core/view/index.ts";

export function Legend({ scale, format }: { scale: OverlayScale; format(v: number): string }) {
  return (
    <div className="legend" data-testid="legend" aria-label={`Overlay legend: ${scale.unit}`}>
      <div className="legend-title">{scale.unit}{scale.log ? " (log scale)" : ""}</div>
      <div className="legend-ramp" style={{ background: `linear-gradient(to right, ${RAMP.join(", ")})` }} />
      <div className="legend-ends"><span>{format(scale.min)}</span><span>{format(scale.max)}</span></div>
    </div>
  );
}
