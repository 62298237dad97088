import { CALIBRATION_METHODS, type AccuracyReport, type CalibrationMethod } from "../../../core/quant/index.ts";
import type { OverlayKind } from "../../../core/view/index.ts";
import { projectStore, type PlanId } from "../../../state/project.ts";
import { useProject, useJobs } from "../../store.ts";
import { calibrate, cancelCalibration } from "../../clients/quant.ts";
import { actionById } from "../../actions.ts";
import { Progress } from "../Progress.tsx";

const pct = (v: number | undefined) => (v === undefined ? "–" : `${(100 * v).toFixed(1)} %`);

function FilePick({ label, which }: { label: string; which: "calibration" | "evaluation" | "labels" }) {
  const f = useProject((s) => s.calibration[which]);
  const id = `pick-${which}`;
  return (
    <div className="file-pick">
      <span>{label}</span>
      <input id={id} type="file" className="visually-hidden" accept=".pb,.npy,.json" data-testid={`data-${which}`} aria-label={`${label} data file (TensorProto, .npy or JSON)`}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) projectStore.getState().setCalibration({ source: "files", [which]: { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } });
          e.target.value = "";
        }} />
      <button className="btn btn-small file-button" onClick={() => document.getElementById(id)?.click()} title="TensorProto (.pb), .npy or JSON; leading axis = samples">
        <code className="file-name">{f ? f.name : "choose…"}</code>
      </button>
      {f && which !== "calibration" && <button className="link small" onClick={() => projectStore.getState().setCalibration({ [which]: null })} aria-label={`Remove the ${label} file`}>×</button>}
    </div>
  );
}

type Figure = { key: keyof AccuracyReport; label: string; fmt(v: number | undefined): string };
const FIGURES: Figure[] = [
  { key: "top1_agreement", label: "top-1 agreement", fmt: pct },
  { key: "quant_accuracy", label: "accuracy (quantized)", fmt: pct },
  { key: "float_accuracy", label: "accuracy (float)", fmt: pct },
  { key: "cosine_similarity", label: "cosine", fmt: (v) => (v === undefined ? "–" : v.toFixed(4)) },
];

function AccuracyCard({ id }: { id: PlanId }) {
  const slot = useProject((s) => s.plans[id]);
  const job = useJobs((s) => s.jobs.metrics);
  const busy = job.status === "running";
  if (!slot) return null;
  const a = slot.metrics?.accuracy, p = slot.previous;
  return (
    <div className="accuracy-card" data-testid={`accuracy-${id}`} aria-live="polite" aria-busy={busy}>
      {FIGURES.filter((f) => f.key !== "quant_accuracy" && f.key !== "float_accuracy" || a?.[f.key] !== undefined || p?.[f.key] !== undefined).map((f) => {
        const now = a?.[f.key] as number | undefined, before = p?.[f.key] as number | undefined;
        const changed = a && p && before !== undefined && now !== before;
        return (
          <div key={f.key} className="kv figure">
            <span>{f.label}</span>
            <span>
              <b data-testid={`fig-${f.key}`}>{a ? f.fmt(now) : "…"}</b>
              {changed && <span className={`prev ${now! > before! ? "up" : "down"}`} title="before the last edit"> was {f.fmt(before)}</span>}
            </span>
          </div>
        );
      })}
      <div className="small muted">on {slot.metrics?.evalNote ?? "…"}</div>
      {busy && job.detail.startsWith(`plan ${id} accuracy`) && <Progress value={job.progress} label={job.detail.slice(`plan ${id} `.length)} />}
      {slot.error && <div className="field-error" role="alert">{slot.error}</div>}
    </div>
  );
}

function Compare() {
  const a = useProject((s) => s.plans.A?.metrics?.accuracy);
  const b = useProject((s) => s.plans.B?.metrics?.accuracy);
  if (!a || !b) return null;
  return (
    <table className="compare" data-testid="compare">
      <thead><tr><th /><th>A</th><th>B</th></tr></thead>
      <tbody>
        {FIGURES.filter((f) => a[f.key] !== undefined).map((f) => (
          <tr key={f.key}><th>{f.label}</th><td>{f.fmt(a[f.key] as number)}</td><td>{f.fmt(b[f.key] as number)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function CalibrateStep() {
  const c = useProject((s) => s.calibration);
  const active = useProject((s) => s.activePlan);
  const hasA = useProject((s) => s.plans.A !== null), hasB = useProject((s) => s.plans.B !== null);
  const overlay = useProject((s) => s.overlay);
  const job = useJobs((s) => s.jobs.calibrate);
  const set = projectStore.getState().setCalibration;
  const running = job.status === "running";
  return (
    <div className="step-card" data-testid="calibrate-panel">
      <fieldset className="radio-row">
        <legend>Data</legend>
        <label><input type="radio" name="src" checked={c.source === "files"} onChange={() => set({ source: "files" })} /> files</label>
        <label><input type="radio" name="src" checked={c.source === "generated"} onChange={() => set({ source: "generated" })} /> generated</label>
      </fieldset>
      {c.source === "files" ? (
        <>
          <FilePick label="calibration" which="calibration" />
          <FilePick label="evaluation" which="evaluation" />
          <FilePick label="labels" which="labels" />
          {!c.calibration && <div className="warn-note small">Pick a calibration file, or use generated inputs.</div>}
        </>
      ) : (
        <div className="small muted">Generated samples (64, fewer for heavy models: ResNet-50 16; ≈ N(0,1) floats or uniform ids, seeded): ranges will not match real data.</div>
      )}
      <div className="form-row">
        <label>method
          <select value={c.method} onChange={(e) => set({ method: e.target.value as CalibrationMethod })} data-testid="method">
            {CALIBRATION_METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label>weights
          <select value={c.weightBits} onChange={(e) => set({ weightBits: Number(e.target.value) })} aria-label="weight bits">
            {[4, 6, 8, 10, 12].map((b) => <option key={b} value={b}>{b} bits</option>)}
          </select>
        </label>
        <label>activations
          <select value={c.activationBits ?? ""} onChange={(e) => set({ activationBits: e.target.value ? Number(e.target.value) : null })} aria-label="activation bits">
            <option value="">default</option>
            {[6, 8, 10, 12, 14, 16].map((b) => <option key={b} value={b}>{b} bits</option>)}
          </select>
        </label>
      </div>
      <div className="plan-switch" role="group" aria-label="Plan slot">
        {(["A", "B"] as const).map((id) => (
          <button key={id} className={`btn btn-small${active === id ? " active" : ""}`} aria-pressed={active === id} onClick={() => projectStore.getState().setActivePlan(id)}>
            plan {id}{(id === "A" ? hasA : hasB) ? "" : " (empty)"}
          </button>
        ))}
        {(active === "A" ? hasA : hasB) && <button className="btn btn-small" onClick={() => actionById("plan.copy").run()} title="Copy the active plan to the other slot">copy → {active === "A" ? "B" : "A"}</button>}
      </div>
      <button className="btn btn-primary wide" disabled={running || (c.source === "files" && !c.calibration)} onClick={() => void calibrate()} data-testid="calibrate-button">
        {running ? "Calibrating…" : `Calibrate plan ${active}`}
      </button>
      {running && (
        <>
          <Progress value={job.progress} label={job.detail} />
          <button className="btn btn-small" onClick={cancelCalibration} data-testid="cancel-calibration">Cancel</button>
        </>
      )}
      {job.status === "cancelled" && <div className="warn-note small" role="status">{job.error}</div>}
      {job.status === "error" && <div className="field-error" role="alert">{job.error}</div>}
      <AccuracyCard id={active} />
      <Compare />
      {(hasA || hasB) && (
        <label className="overlay-pick">overlay
          <select value={overlay} onChange={(e) => projectStore.getState().setOverlay(e.target.value as OverlayKind)} data-testid="overlay">
            <option value="none">none</option>
            <option value="error">per-node error</option>
            <option value="table">table size</option>
            <option value="cost">proving cost</option>
            <option value="scale">scale</option>
          </select>
        </label>
      )}
    </div>
  );
}
