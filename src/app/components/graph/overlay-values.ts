// The value each node shows under an overlay, from the active plan's metrics.
import { scaleFor, type OverlayKind, type OverlayScale } from "../../../core/view/index.ts";
import type { PlanMetrics } from "../../../../workers/tasks/quant-session.ts";

export interface OverlayValues {
  scale: OverlayScale;
  values: Map<string, number>;
  /** The badge text of a value. */
  format(v: number): string;
}

const UNITS: Record<Exclude<OverlayKind, "none">, string> = {
  error: "noise / signal (from SQNR)",
  table: "lookup-table rows",
  cost: "committed witness elements",
};

const compact = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : `${Math.round(v)}`);

export function overlayValues(kind: OverlayKind, m: PlanMetrics | null | undefined): OverlayValues | null {
  if (kind === "none" || !m) return null;
  const values = new Map<string, number>();
  if (kind === "error") {
    for (const n of m.accuracy.nodes) {
      // Noise-to-signal amplitude from SQNR; a node that agrees exactly gets 0.
      const nsr = n.sqnr_db === null ? 0 : 10 ** (-n.sqnr_db / 20);
      values.set(n.node, Math.max(values.get(n.node) ?? 0, nsr));
    }
  } else {
    for (const [node, c] of Object.entries(m.costs)) {
      const v = kind === "table" ? c.tableRows : c.witness;
      if (v > 0) values.set(node, v);
    }
  }
  const scale = scaleFor(kind, [...values.values()], UNITS[kind]);
  return { scale, values, format: kind === "error" ? (v) => `${(100 * v).toFixed(v < 0.01 ? 2 : 1)} %` : compact };
}
