// The value each node shows under an overlay, from the active plan's metrics.
import { scaleFor, type OverlayKind, type OverlayScale } from "../../../core/view/index.ts";
import type { PlanMetrics } from "../../../../workers/tasks/index.ts";
import type { QuantPlan } from "../../../core/quant/index.ts";
import type { ViewNode } from "../../../core/view/index.ts";

export interface OverlayValues {
  scale: OverlayScale;
  values: Map<string, number>;
  /** The badge text of a value. */
  format(v: number): string;
}

const UNITS: Record<Exclude<OverlayKind, "none">, string> = {
  error: "noise / signal (from SQNR)",
  table: "lookup-table rows",
  cost: "witness elements + lookups",
  scale: "fractional bits k of the output (scale 2^-k)",
};

const compact = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : `${Math.round(v)}`);

export function overlayValues(kind: OverlayKind, m: PlanMetrics | null | undefined, plan?: QuantPlan, nodes: readonly ViewNode[] = []): OverlayValues | null {
  if (kind === "none" || !m) return null;
  const values = new Map<string, number>();
  if (kind === "scale") {
    for (const n of nodes) {
      const t = n.outputs.map((o) => plan?.tensors[o]).find((x) => x !== undefined);
      if (t) values.set(n.id, t.k);
    }
  } else if (kind === "error") {
    for (const n of m.accuracy.nodes) {
      // Noise-to-signal amplitude from SQNR; a node that agrees exactly gets 0.
      const nsr = n.sqnr_db === null ? 0 : 10 ** (-n.sqnr_db / 20);
      values.set(n.node, Math.max(values.get(n.node) ?? 0, nsr));
    }
  } else {
    for (const [node, c] of Object.entries(m.costs)) {
      const v = kind === "table" ? c.tableRows : c.witness + c.lookups;
      if (v > 0) values.set(node, v);
    }
  }
  const scale = scaleFor(kind, [...values.values()], UNITS[kind]);
  const format = kind === "error" ? (v: number) => `${(100 * v).toFixed(v < 0.01 ? 2 : 1)} %` : kind === "scale" ? (v: number) => `2^${-v}` : compact;
  return { scale: kind === "scale" ? { ...scale, log: false } : scale, values, format };
}
