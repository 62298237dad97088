import { useProject } from "../../store.ts";
import { activeSlot } from "../../../state/project.ts";
import { serializePlan } from "../../../core/quant/index.ts";
import { bundleFiles, commitmentText, download, downloadBundle, hex } from "../../export.ts";
import { exportGraphPng, exportGraphSvg } from "../../graph-image.ts";
import { useUi } from "../../ui-store.ts";

function Received() {
  const r = useUi((s) => s.received);
  if (!r) return <div className="small muted">Drop a received bundle (.zip) anywhere to verify it.</div>;
  return (
    <div className={`received ${r.verdict.ok ? "good" : "bad"}`} data-testid="received" role="status">
      <b>{r.name}</b>: {r.verdict.ok ? "✓ accepted" : `✗ rejected: ${r.verdict.reason}`}
      {r.verdict.vkDigest && <div className="small">VK digest <code className="hash">{r.verdict.vkDigest}</code></div>}
    </div>
  );
}

export function ExportStep() {
  const proof = useProject((s) => s.proof);
  const stale = useProject((s) => s.proofStale);
  const slot = useProject(activeSlot);
  const model = useProject((s) => s.model);
  const files = proof && slot && model ? bundleFiles(proof, serializePlan(slot.plan), model.fileName) : null;
  return (
    <div className="step-card" data-testid="export-panel">
      {!proof ? <p className="step-what">Prove first; the graph can be exported now.</p> : (
        <>
          <button className="btn btn-primary wide" onClick={() => void downloadBundle()} data-testid="download-bundle" disabled={stale} title={stale ? "The proof is stale: prove again" : "proof, output, plan, commitment and README as one zip"}>
            Download bundle (.zip)
          </button>
          <div className="file-buttons">
            {files && Object.keys(files).map((f) => <button key={f} className="btn btn-small" onClick={() => download(f, files[f]!)}>{f}</button>)}
          </div>
          <div className="commitment" data-testid="commitment">
            <div className="small muted">model commitment (publish this)</div>
            <div className="kv"><span>VK digest</span><code className="hash">{hex(proof.vkDigest)}</code></div>
            <div className="kv"><span>weights root</span><code className="hash">{hex(proof.modelRoot)}</code></div>
            <button className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(commitmentText(proof))} aria-label="Copy the model commitment">Copy</button>
          </div>
          <div className="small muted">The bundle holds the standalone verifier too: <code>node verifier/verify.mjs --vk vk.bin --input input.pb --output output.json --proof proof.bin</code>, or open <code>verifier/verifier.html</code>.</div>
        </>
      )}
      <Received />
      <div className="btn-row">
        <button className="btn btn-small" onClick={() => void exportGraphSvg()}>Graph SVG</button>
        <button className="btn btn-small" onClick={() => void exportGraphPng()}>Graph PNG</button>
      </div>
    </div>
  );
}
