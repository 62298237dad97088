import { useState } from "react";
import { useProject, useJobs } from "../../store.ts";
import { runGeneration, type GenerationOutcome } from "../../clients/generate.ts";
import { cancelProof } from "../../clients/prove.ts";
import { MEANING } from "../../export.ts";

const secs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** A byte-level language model: one integer-id input [1, T] and logits [1, T, V]. */
export function useContextLength(): number | null {
  const model = useProject((s) => s.model);
  const i = model?.summary.inputs, o = model?.summary.outputs;
  if (!i || !o || i.length !== 1 || o.length !== 1) return null;
  const [inp, out] = [i[0]!, o[0]!];
  const T = inp.shape?.[1];
  if ((inp.dtype !== "int64" && inp.dtype !== "int32") || inp.shape?.length !== 2 || out.shape?.length !== 3 || typeof T !== "number") return null;
  return T;
}

/** Prompt → greedy continuation shown as it is produced → one proof of the whole sequence → verified. */
export function GenerateCard({ context }: { context: number }) {
  const [prompt, setPrompt] = useState("the Licen");
  const [count, setCount] = useState(6);
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<GenerationOutcome | null>(null);
  const running = useJobs((s) => s.jobs.prove.status === "running");
  const promptBytes = new TextEncoder().encode(prompt).length;
  const max = Math.max(0, context - promptBytes);
  const bad = promptBytes === 0 ? "type a prompt" : count < 1 || count > max ? `1 to ${max} tokens fit after this prompt (context ${context})` : null;
  const go = async () => {
    setText("");
    setOutcome(null);
    setOutcome(await runGeneration(prompt, count, setText));
  };
  const result = outcome?.ok ? outcome.result : null;
  return (
    <div className="generate-card" data-testid="generate-card">
      <div className="panel-subtitle">Generate text and prove it</div>
      <label className="form-row">prompt
        <input className="text-input" value={prompt} maxLength={context} onChange={(e) => setPrompt(e.target.value)} aria-label="Prompt" data-testid="gen-prompt" />
      </label>
      <label className="form-row">tokens
        <input type="number" min={1} max={max} value={count} onChange={(e) => setCount(Math.floor(Number(e.target.value) || 0))} aria-label="Tokens to generate" data-testid="gen-count" />
      </label>
      {bad && <div className="field-error small" role="alert">{bad}</div>}
      <div className="btn-row">
        <button className="btn btn-primary" disabled={running || !!bad} onClick={() => void go()} data-testid="gen-button">{running ? "Working…" : "Generate & prove"}</button>
        <button className="btn" disabled={!running} onClick={cancelProof}>Cancel</button>
      </div>
      {(text || result) && (
        <div className="generated" data-testid="gen-text">
          <span className="muted">{prompt}</span><b>{result?.text ?? text}</b>
        </div>
      )}
      {outcome && !outcome.ok && "error" in outcome && <div className="field-error" role="alert" data-testid="gen-error">{outcome.error}</div>}
      {result && (
        <div className="result-card" data-testid="gen-result">
          <div className={`verdict ${result.verdict.ok ? "good" : "bad"}`} data-testid="gen-verdict">
            {result.verdict.ok ? `✓ verified: the model continues this prompt with this text` : `✗ rejected: ${result.verdict.reason}`}
          </div>
          <p className="meaning">{MEANING} One proof covers all {result.tokens.length} generated tokens: the verifier checks each is the model's greedy choice.</p>
          <div className="metric-grid">
            <span>generate</span><b>{secs(result.times.generateMs)}</b>
            <span>prove (whole sequence)</span><b>{secs(result.times.proveMs)}</b>
            <span>verify</span><b>{secs(result.times.verifyMs)}</b>
            <span>proof size</span><b>{(result.proof.length / 1024).toFixed(1)} KiB</b>
          </div>
        </div>
      )}
    </div>
  );
}
