import type { ViewNode } from "../../../core/view/index.ts";
import { activeSlot } from "../../../state/project.ts";
import { useProject } from "../../store.ts";
import { revealNode } from "../../actions.ts";

const n = (v: number) => v.toLocaleString("en-US");

export function CostTab({ node }: { node: ViewNode }) {
  const slot = useProject(activeSlot);
  const proof = useProject((s) => (s.proofStale ? null : s.proof));
  const c = slot?.metrics?.costs[node.id];
  if (!slot) return <p className="muted">Calibrate first: the cost follows from the quantized graph.</p>;
  if (!c) {
    // A node inside a pattern lowered to one op (GELU → one table) is counted at the pattern's head.
    const m = slot.metrics;
    const table = m?.tablesByNode[node.id]?.[0];
    const head = table ? Object.keys(m!.costs).find((n) => n !== node.id && m!.tablesByNode[n]?.includes(table)) : undefined;
    if (head) return <p className="muted">Counted with the table lookup at <button className="link" onClick={() => revealNode(head)}>{head}</button>.</p>;
    return <p className="muted">{m ? "This node adds nothing to the proof (folded, or a pure relabeling)." : "Computing…"}</p>;
  }
  const ms = proof?.nodeMs[node.id];
  return (
    <div data-testid="cost-tab">
      <table className="attr-table">
        <tbody>
          <tr><th>witness elements</th><td><code>{n(c.witness)}</code></td></tr>
          <tr><th>lookups</th><td><code>{n(c.lookups)}</code></td></tr>
          <tr><th>sumcheck rounds</th><td><code>{n(c.rounds)}</code></td></tr>
          <tr><th>table rows</th><td><code>{n(c.tableRows)}</code></td></tr>
          <tr><th>measured prove time</th><td><code>{ms !== undefined ? `${ms.toFixed(1)} ms` : "prove to measure"}</code></td></tr>
        </tbody>
      </table>
      <p className="small muted">{c.exact ? "Witness and lookups from the compiled proof plan (padded to powers of two)." : `Estimated from the quantized graph: ${slot.metrics?.compileIssue?.reason ?? "the plan does not compile yet"}.`}</p>
    </div>
  );
}
