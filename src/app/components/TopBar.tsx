import { useEffect, useRef } from "react";
import { useProject } from "../store.ts";
import { pickers, uiStore } from "../ui-store.ts";
import { actionById } from "../actions.ts";
import { openDropped } from "../open-dropped.ts";
import type { KernelStatus } from "../diagnostics.ts";
import { MEANING } from "../export.ts";

function kernelChip(k: KernelStatus | null): { text: string; title: string; tone: string } {
  if (!k) return { text: "kernels: checking…", title: "Checking the wasm and WebGPU kernels", tone: "" };
  if (k.wasm !== "ok") return { text: "wasm kernel mismatch", title: "The wasm kernel disagrees with the reference", tone: "bad" };
  if (k.webgpu === "ok") return { text: "wasm · WebGPU", title: `WebGPU adapter: ${k.note}`, tone: "good" };
  if (k.webgpu === "mismatch") return { text: "wasm (WebGPU disabled)", title: `WebGPU disagreed with the reference; using wasm. ${k.note}`, tone: "warn" };
  return { text: "wasm (no WebGPU)", title: `Falling back to wasm: ${k.note}`, tone: "" };
}

export function TopBar({ kernels }: { kernels: KernelStatus | null }) {
  const model = useProject((s) => s.model);
  const opening = useProject((s) => s.opening);
  const theme = useProject((s) => s.theme);
  const modelInput = useRef<HTMLInputElement>(null);
  const projectInput = useRef<HTMLInputElement>(null);
  const chip = kernelChip(kernels);
  useEffect(() => {
    pickers.openModel = () => modelInput.current?.click();
    pickers.openProject = () => projectInput.current?.click();
  }, []);
  const pick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) void openDropped(f);
    e.target.value = "";
  };
  return (
    <header className="topbar">
      <div className="logo" aria-label="zkml-studio"><span className="logo-mark">zk</span>ml-studio</div>
      <div className="model-name" title={model?.fileName}>{opening ? `Opening ${opening}…` : model ? model.fileName : "No model"}</div>
      {model && (
        <div className="chips">
          <span className="chip">opset {model.summary.opset}</span>
          <span className="chip">{model.summary.parameters.toLocaleString("en-US")} params</span>
          <span className="chip">{model.view.nodes.length - model.summary.inputs.length - model.summary.outputs.length} nodes</span>
        </div>
      )}
      <span className="chip chip-integrity" title={MEANING}>integrity proof · not zero-knowledge</span>
      <span className={`chip chip-${chip.tone}`} title={chip.title} data-testid="kernel-chip">{chip.text}</span>
      <div className="topbar-actions">
        <input ref={modelInput} type="file" accept=".onnx" className="visually-hidden" data-testid="open-input" aria-label="Open an ONNX model" onChange={pick} />
        <input ref={projectInput} type="file" accept=".zkml,.zip" className="visually-hidden" data-testid="open-project-input" aria-label="Open a project file" onChange={pick} />
        <button className="btn btn-primary" onClick={() => modelInput.current?.click()} title="Open an ONNX model (Ctrl+O)">Open…</button>
        {model && <button className="btn" onClick={() => actionById("project.save").run()} title="Save the project to a file (Ctrl+S)">Save</button>}
        {model && <button className="btn" onClick={() => actionById("file.close").run()} title="Close the model (the demos and drop zone come back)">Close</button>}
        <button className="btn" onClick={() => uiStore.getState().set({ paletteOpen: true })} title="Command palette (Ctrl+K)" aria-label="Command palette">⌘K</button>
        <button className="btn btn-icon" onClick={() => actionById("view.theme").run()} aria-label="Toggle theme" title="Toggle light/dark theme">{theme === "light" ? "☾" : "☀"}</button>
      </div>
    </header>
  );
}
