// Overlays recolour nodes on a continuous scale with a legend (UI.md): per-node quantization
// error, lookup-table size, proving cost. A sequential ramp from pale to dark keeps order
// readable in both themes; values map on a log scale when they span decades.

export type OverlayKind = "none" | "error" | "table" | "cost" | "scale";

export interface OverlayScale {
  kind: OverlayKind;
  min: number;
  max: number;
  log: boolean;
  /** What the numbers are, for the legend ("SQNR loss, dB", "table rows", …). */
  unit: string;
}

/** A colour-blind-safe sequential ramp (viridis stops), low → high. */
export const RAMP = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"] as const;

export function scaleFor(kind: OverlayKind, values: readonly number[], unit: string): OverlayScale {
  const finite = values.filter((v) => Number.isFinite(v));
  const min = finite.length ? Math.min(...finite) : 0;
  const max = finite.length ? Math.max(...finite) : 1;
  return { kind, min, max, log: min > 0 && max / min > 100, unit };
}

/** Position of a value on the scale, 0…1. */
export function scalePosition(s: OverlayScale, v: number): number {
  if (!(s.max > s.min)) return 0.5;
  const t = s.log ? Math.log(v / s.min) / Math.log(s.max / s.min) : (v - s.min) / (s.max - s.min);
  return Math.min(1, Math.max(0, t));
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

/** The ramp colour at position t (linear interpolation between stops), as #rrggbb. */
export function rampColour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(RAMP[i]!), b = hex(RAMP[i + 1]!);
  return "#" + a.map((v, j) => Math.round(v + (b[j]! - v) * f).toString(16).padStart(2, "0")).join("");
}

/** Text colour with WCAG AA contrast on a ramp colour (dark text on the light end). */
export function textOn(t: number): string {
  return t > 0.55 ? "#111111" : "#ffffff";
}
