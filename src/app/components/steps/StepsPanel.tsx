import type { ReactNode } from "react";
import type { StepState } from "../../../state/project.ts";
import { useProject, useJobs } from "../../store.ts";
import { activeSlot } from "../../../state/project.ts";
import { ModelStep } from "./ModelStep.tsx";
import { CalibrateStep } from "./CalibrateStep.tsx";
import { ProveStep } from "./ProveStep.tsx";
import { ExportStep } from "./ExportStep.tsx";

const STATE_TEXT: Record<StepState, string> = { "not-run": "not run", running: "running…", done: "done", stale: "stale after an edit", failed: "failed" };

export function Step({ n, title, state, children, testId }: { n: number; title: string; state: StepState; children: ReactNode; testId: string }) {
  return (
    <section className={`step step-${state}`} aria-labelledby={`step-${n}`} data-testid={testId}>
      <h2 className="step-head" id={`step-${n}`}><span className="step-num">{n}</span> {title} <span className="step-state" data-testid={`${testId}-state`}>{STATE_TEXT[state]}</span></h2>
      {children}
    </section>
  );
}

export function StepsPanel() {
  const model = useProject((s) => s.model);
  const slot = useProject(activeSlot);
  const proof = useProject((s) => s.proof);
  const stale = useProject((s) => s.proofStale);
  const cal = useJobs((s) => s.jobs.calibrate.status);
  const prove = useJobs((s) => s.jobs.prove.status);
  const calState: StepState = cal === "running" ? "running" : slot ? (slot.past.length || slot.future.length ? "stale" : "done") : "not-run";
  // A failed run says so (its reason is in the step); an earlier proof it did not replace still counts.
  const proveState: StepState = prove === "running" ? "running" : proof ? (stale ? "stale" : "done") : prove === "error" ? "failed" : "not-run";
  return (
    <nav className="steps" aria-label="Pipeline steps">
      <Step n={1} title="Model" state={model ? "done" : "not-run"} testId="step-model"><ModelStep /></Step>
      <Step n={2} title="Calibrate" state={model ? (calState === "stale" ? "done" : calState) : "not-run"} testId="step-calibrate">
        {model && (model.loadError ? <p className="step-what">The model does not load (see step 1), so it cannot be calibrated: replace the marked nodes or export the model with supported ops.</p> : <CalibrateStep />)}
      </Step>
      <Step n={3} title="Prove" state={proveState} testId="step-prove">{model && <ProveStep />}</Step>
      <Step n={4} title="Export" state={proof && !stale ? "done" : "not-run"} testId="step-export">{model && <ExportStep />}</Step>
    </nav>
  );
}
