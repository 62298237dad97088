import { useEffect, useState } from "react";
import { activeSlot, projectStore, type ProveInputChoice } from "../../../state/project.ts";
import type { JobMetrics } from "../../../state/jobs.ts";
import { useProject, useJobs } from "../../store.ts";
import { predict } from "../../clients/quant.ts";
import { cancelProof, reverify, runProof, stopBackgroundKeys } from "../../clients/prove.ts";
import type { Prediction } from "../../../../workers/tasks/index.ts";
import { MEANING } from "../../export.ts";
import { argmaxRows } from "../../../core/view/index.ts";
import { isInteger } from "../../../core/graph/index.ts";
import { useTick } from "../../hooks/useTick.ts";
import { Progress } from "../Progress.tsx";
import { DigitCanvas } from "./DigitCanvas.tsx";
import { GenerateCard, useContextLength } from "./GenerateCard.tsx";

/**
 * How to read a model's first output: the scores of one class (one row), the next byte at each
 * position of a byte-level language model (integer ids in, 256 scores per position), or values
 * (an image, a map, an embedding).
 */
function outputKind(rows: number, width: number, textInput: boolean): "class" | "bytes" | "values" {
  if (rows === 1) return "class";
  return textInput && width === 256 ? "bytes" : "values";
}

/** Classes as a short list ("7", or "3, 7, 7, … (16)"). */
const classList = (v: number[]) => (v.length === 1 ? `${v[0]}` : `${v.slice(0, 8).join(", ")}${v.length > 8 ? `, … (${v.length})` : ""}`);

/** The proved output: its class, its next bytes as text, or its size and range. */
function provedAnswer(o: { shape: number[]; dequantized: number[] } | undefined, textInput: boolean, indexOutput: boolean): string {
  if (!o) return "–";
  // An exported ArgMax: the output is the class (or a class per row) itself.
  if (indexOutput) return `class ${classList(o.dequantized.map(Math.round))}`;
  const width = o.shape.at(-1) ?? o.dequantized.length;
  const tops = argmaxRows(o.dequantized, width);
  const kind = outputKind(tops.length, width, textInput);
  if (kind === "class") return `class ${tops[0]}`;
  if (kind === "bytes") return `"${tops.map((c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : "·")).join("")}"`;
  const lo = Math.min(...o.dequantized), hi = Math.max(...o.dequantized);
  return `${o.dequantized.length} values in [${lo.toPrecision(3)}, ${hi.toPrecision(3)}]`;
}

/** Whether the first output is integer-typed: classes already (an exported ArgMax), not scores. */
const useIndexOutput = () => useProject((s) => { const d = s.model?.summary.outputs[0]?.dtype; return d !== undefined && isInteger(d); });
const useTextInput = () => useProject((s) => s.model?.summary.inputs[0]?.dtype === "int64" || s.model?.summary.inputs[0]?.dtype === "int32");
const secs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const bytes = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

function InputPicker() {
  const choice = useProject((s) => s.proveInput);
  const model = useProject((s) => s.model);
  const set = (c: ProveInputChoice) => projectStore.getState().setProveInput(c);
  const info = model?.summary.inputs[0];
  const size = info?.shape?.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1) ?? 0;
  const isDigits = size === 64 && info?.dtype === "float32";
  const isText = useTextInput();
  return (
    <div className="input-picker">
      <fieldset className="radio-row">
        <legend>Input</legend>
        <label><input type="radio" name="inp" checked={choice.kind === "sample"} onChange={() => set({ kind: "sample", index: 0 })} /> sample</label>
        <label><input type="radio" name="inp" checked={choice.kind === "file"} onChange={() => document.getElementById("input-file")?.click()} /> file</label>
        {isDigits && <label><input type="radio" name="inp" checked={choice.kind === "drawn"} onChange={() => set({ kind: "drawn", pixels: new Array(64).fill(0) })} /> draw</label>}
        {isText && <label><input type="radio" name="inp" checked={choice.kind === "text"} onChange={() => set({ kind: "text", text: "Permission is he" })} /> text</label>}
      </fieldset>
      <input id="input-file" type="file" className="visually-hidden" accept=".pb,.npy,.json" aria-label="Input tensor file" data-testid="input-file"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (f) set({ kind: "file", file: { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) } });
          e.target.value = "";
        }} />
      {choice.kind === "sample" && (
        <label className="form-row">sample #
          <input type="number" min={0} value={choice.index} onChange={(e) => set({ kind: "sample", index: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} aria-label="sample index" data-testid="sample-index" />
        </label>
      )}
      {choice.kind === "file" && <code className="file-name">{choice.file.name}</code>}
      {choice.kind === "drawn" && <DigitCanvas pixels={choice.pixels} onChange={(p) => set({ kind: "drawn", pixels: p })} />}
      {choice.kind === "text" && <input className="text-input" value={choice.text} maxLength={64} onChange={(e) => set({ kind: "text", text: e.target.value })} aria-label="Text prompt (byte-level tokens)" />}
    </div>
  );
}

function Predictions() {
  const plan = useProject((s) => activeSlot(s)?.plan);
  const choice = useProject((s) => s.proveInput);
  const [p, setP] = useState<Prediction | string | null>(null);
  const textInput = useTextInput(), indexOutput = useIndexOutput();
  useEffect(() => {
    if (!plan) return;
    let live = true;
    const t = setTimeout(() => void predict().then((r) => live && setP(r.ok ? r.value : r.error)), 120);
    return () => { live = false; clearTimeout(t); };
  }, [plan, choice]);
  if (!plan || !p) return null;
  if (typeof p === "string") return <div className="field-error" role="alert">{p}</div>;
  if (indexOutput) {
    const f = p.float.map(Math.round), q = p.quantized.map(Math.round), same = f.filter((c, i) => c === q[i]).length;
    return (
      <div className="predictions values" data-testid="predictions">
        <div><span>class, float</span><code data-testid="pred-float-class">{classList(f)}</code></div>
        <div><span>class, quantized</span><code data-testid="pred-quant-class">{classList(q)}</code></div>
        <div className={`agree ${same === f.length ? "good" : "bad"}`}>{f.length === 1 ? (same ? "same class" : "class differs") : `${same} of ${f.length} agree`}</div>
      </div>
    );
  }
  const kind = outputKind(p.floatTop.length, p.float.length, textInput);
  if (kind === "values") {
    return (
      <div className="predictions values" data-testid="predictions">
        <div className="small muted">{p.count} output values, float vs quantized</div>
        <div><span>max |difference|</span><code data-testid="pred-maxdiff">{p.maxAbsDiff.toPrecision(3)}</code></div>
        <div><span>cosine</span><code data-testid="pred-cosine">{p.cosine.toFixed(4)}</code></div>
      </div>
    );
  }
  if (kind === "bytes") {
    // A byte-level language model: the next byte predicted at every position, as text.
    const text = (ids: number[]) => ids.map((c) => (c >= 32 && c < 127 ? String.fromCharCode(c) : "·")).join("");
    const same = p.floatTop.filter((c, i) => c === p.quantTop[i]).length;
    return (
      <div className="predictions" data-testid="predictions">
        <div className="small muted">next byte, float</div><code>{text(p.floatTop)}</code>
        <div className="small muted">next byte, quantized</div><code>{text(p.quantTop)}</code>
        <div className={`agree ${same === p.floatTop.length ? "good" : "bad"}`}>{same} of {p.floatTop.length} positions agree</div>
      </div>
    );
  }
  const top = (v: number[]) => v.map((x, i) => [i, x] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
  const f0 = p.floatTop[0], q0 = p.quantTop[0];
  return (
    <div className="predictions" data-testid="predictions">
      <div><div className="small muted">float</div>{top(p.float).map(([i, v]) => <div key={i} className={i === f0 ? "top" : ""}><code>{i}</code> {v.toFixed(3)}</div>)}</div>
      <div><div className="small muted">quantized</div>{top(p.quantized).map(([i, v]) => <div key={i} className={i === q0 ? "top" : ""}><code>{i}</code> {v.toFixed(3)}</div>)}</div>
      <div className={`agree ${f0 === q0 ? "good" : "bad"}`}>{f0 === q0 ? "same top-1" : "top-1 differs"}</div>
    </div>
  );
}

/** The prover's memory: the browser's measurement of its workers, else the worker's own JS heap, else "not reported"; plus the proving thread's wasm kernel memory. */
function memoryText(m: JobMetrics): string {
  const main = m.measuredBytes ? `${bytes(m.measuredBytes)} held after the proof` : m.memoryBytes ? `${bytes(m.memoryBytes)} JS heap` : "not reported";
  return m.wasmBytes ? `${main} · kernels ${bytes(m.wasmBytes)} wasm` : main;
}

function memoryTitle(m: JobMetrics): string {
  const main = m.measuredBytes
    ? "What the prover worker and its pool workers hold once the proof is done, as the browser measured it (measureUserAgentSpecificMemory). Not the peak: the browser cannot measure a worker in the middle of a long task, and the proof is one"
    : m.memoryBytes ? "JS heap of the prover worker, as the browser reports it to the worker" : "This browser does not report the prover worker's memory";
  return m.wasmBytes ? `${main}. Kernels: the wasm memory of the field kernels, the proving thread's and the thread pool's shared memory (peaks: wasm memory only grows).` : main;
}

/** The keys being set up ahead of the first proof of a plan (clients/prove.ts prepareKeysInBackground). */
function KeysNote() {
  const job = useJobs((s) => s.jobs.keys);
  const proving = useJobs((s) => s.jobs.prove.status === "running");
  if (job.status !== "running") return null;
  return (
    <div className="small muted" data-testid="keys-background">
      setting up this plan's keys in the background, so that its proof starts at once{" "}
      {!proving && <button className="btn btn-small" onClick={() => stopBackgroundKeys()} data-testid="stop-keys">Stop</button>}
    </div>
  );
}

function Metrics() {
  const job = useJobs((s) => s.jobs.prove);
  const isolation = useJobs((s) => s.isolationNote);
  useTick(job.status === "running", 200);
  if (job.status === "idle") return isolation ? <div className="warn-note small">{isolation}</div> : null;
  const elapsed = (job.endedAt ?? performance.now()) - job.startedAt;
  const m = job.metrics;
  return (
    <div className="prove-metrics" data-testid="prove-metrics">
      {job.status === "running" && <Progress value={job.progress} label={job.detail} />}
      <div className="metric-grid">
        <span>elapsed</span><b data-testid="elapsed">{secs(elapsed)}</b>
        <span>remaining</span><b>{job.status === "running" && m.remainingMs !== undefined ? `≈ ${secs(m.remainingMs)}` : "–"}</b>
        <span>field ops/s</span>
        <b data-testid="field-ops-rate" title="Field operations of the bulk kernels on every prover thread (one per element of a vector op, per NTT butterfly, per table entry of a sumcheck round), over the proving time">
          {m.fieldOpsPerSecond ? `${(m.fieldOpsPerSecond / 1e6).toFixed(1)} M (${(m.fieldOps! / 1e6).toFixed(2)} M ops)` : "–"}
        </b>
        <span>witness elements/s</span><b>{m.elementsPerSecond ? `${(m.elementsPerSecond / 1e6).toFixed(2)} M` : "–"}</b>
        <span>memory</span><b data-testid="prove-memory" title={memoryTitle(m)}>{memoryText(m)}</b>
      </div>
      {isolation && <div className="warn-note small">{isolation}</div>}
      {job.status === "cancelled" && <div className="warn-note" role="status" data-testid="prove-cancelled">Proof cancelled: the prover was stopped. Your model and plan are unchanged.</div>}
      {job.status === "error" && <div className="field-error" role="alert" data-testid="prove-error">{job.error}</div>}
    </div>
  );
}

const STEPS = ["witness", "commit", "lookups", "layers", "openings"] as const;

/** Each prover stage with a small label naming the backend that ran it (webgpu, wasm, wasm × N threads). */
function StageBackends({ backends, gpu }: { backends: Partial<Record<(typeof STEPS)[number], string>>; gpu: string }) {
  return (
    <div className="metric-grid" data-testid="stage-backends" title={gpu}>
      {STEPS.filter((st) => backends[st]).map((st) => (
        <div key={st} className="stage-backend" data-testid={`stage-${st}`} style={{ display: "contents" }}>
          <span>{st}</span><b><span className={`chip${backends[st] === "webgpu" ? " chip-good" : ""}`} data-testid={`stage-backend-${st}`}>{backends[st]}</span></b>
        </div>
      ))}
    </div>
  );
}

function Result() {
  const proof = useProject((s) => s.proof);
  const textInput = useTextInput(), indexOutput = useIndexOutput();
  const stale = useProject((s) => s.proofStale);
  const [check, setCheck] = useState<string | null>(null);
  if (!proof) return null;
  return (
    <div className={`result-card${stale ? " stale" : ""}`} data-testid="proof-result">
      <div className={`verdict ${proof.verdict.ok ? "good" : "bad"}`} data-testid="verdict">{proof.verdict.ok ? "✓ verified" : `✗ rejected: ${proof.verdict.reason}`}</div>
      <p className="meaning" data-testid="meaning">{MEANING}</p>
      <div className="metric-grid">
        <span>compile</span><b>{secs(proof.times.compileMs)}</b>
        <span>setup</span><b data-testid="setup-time" title={proof.keysStored ? "The keys of this model and plan were set up in an earlier session and kept in this browser's storage" : proof.keysInBackground ? "The keys were set up in the background once the calibration had settled, before you asked for the proof" : undefined}>{secs(proof.times.setupMs)}{proof.keysStored ? " · stored keys" : proof.keysInBackground ? " · in the background" : ""}</b>
        <span>prove</span><b data-testid="prove-time">{secs(proof.times.proveMs)}</b>
        <span>verify</span><b>{secs(proof.times.verifyMs)}</b>
        <span>proof size</span><b>{bytes(proof.proofBytes)}</b>
        <span>prover threads</span><b data-testid="threads">{proof.threads ?? "1"}</b>
        <span>proved output</span><b data-testid="proved-top1">{provedAnswer(proof.output.outputs[0], textInput, indexOutput)}</b>
      </div>
      {proof.backends && <StageBackends backends={proof.backends} gpu={proof.gpu} />}
      {stale && <div className="warn-note small">The plan or input changed since this proof: prove again.</div>}
      <div className="btn-row">
        <button className="btn btn-small" onClick={async () => { const v = await reverify(false); setCheck(v ? (v.ok ? "accepted again" : `rejected: ${v.reason}`) : null); }}>Verify again</button>
        <button className="btn btn-small" onClick={async () => { const v = await reverify(true); setCheck(v ? (v.ok ? "a tampered proof was accepted (bug!)" : `tampered copy rejected: ${v.reason}`) : null); }} title="Flip one word of the proof and verify">Verify a tampered copy</button>
      </div>
      {check && <div className="small" role="status" data-testid="reverify">{check}</div>}
    </div>
  );
}

export function ProveStep() {
  const slot = useProject(activeSlot);
  const status = useJobs((s) => s.jobs.prove.status);
  const running = status === "running";
  const context = useContextLength();
  return (
    <div className="step-card" data-testid="prove-panel">
      {!slot ? <p className="step-what">Calibrate first: the proof is of the quantized model.</p> : (
        <>
          <InputPicker />
          <Predictions />
          <div className="btn-row">
            <button className="btn btn-primary" disabled={running} onClick={() => void runProof()} data-testid="prove-button" title="Compile, set up, prove and verify (Ctrl+Enter)">
              {running ? "Proving…" : "Prove"}
            </button>
            <button className="btn" disabled={!running} onClick={cancelProof} data-testid="cancel-button">Cancel</button>
          </div>
          <div className="small muted">compile → setup → prove → verify, in a worker</div>
          <KeysNote />
          <Metrics />
          <Result />
          {context !== null && <GenerateCard context={context} />}
        </>
      )}
    </div>
  );
}
