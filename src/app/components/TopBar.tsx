import { useRef } from "react";
import { useProject } from "../store.ts";
import { projectStore } from "../../state/project.ts";
import { openFile } from "../model-client.ts";
import type { KernelStatus } from "../diagnostics.ts";

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
  const input = useRef<HTMLInputElement>(null);
  const chip = kernelChip(kernels);
  return (
    <header className="topbar">
      <div className="logo" aria-label="zkml-studio">
        <span className="logo-mark">zk</span>ml-studio
      </div>
      <div className="model-name" title={model?.fileName}>
        {opening ? `Opening ${opening}…` : model ? model.fileName : "No model"}
      </div>
      {model && (
        <div className="chips">
          <span className="chip">opset {model.summary.opset}</span>
          <span className="chip">{model.summary.parameters.toLocaleString("en-US")} params</span>
          <span className="chip">{model.summary.nodeCount} nodes</span>
        </div>
      )}
      <span className="chip chip-integrity" title="This proof shows that the committed model produced this output on this input. It does not hide the weights or the input.">
        integrity proof · not zero-knowledge
      </span>
      <span className={`chip chip-${chip.tone}`} title={chip.title} data-testid="kernel-chip">
        {chip.text}
      </span>
      <div className="topbar-actions">
        <input
          ref={input}
          type="file"
          accept=".onnx"
          className="visually-hidden"
          data-testid="open-input"
          aria-label="Open an ONNX model"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void openFile(f);
            e.target.value = "";
          }}
        />
        <button className="btn btn-primary" onClick={() => input.current?.click()} title="Open an ONNX model (Ctrl+O)">
          Open…
        </button>
        {model && (
          <button className="btn" onClick={() => projectStore.getState().closeModel()} title="Close the model">
            Close
          </button>
        )}
        <button className="btn btn-icon" onClick={() => projectStore.getState().toggleTheme()} aria-label="Toggle theme" title="Toggle light/dark theme">
          {theme === "light" ? "☾" : "☀"}
        </button>
      </div>
    </header>
  );
}
