import { useEffect, useState } from "react";
import { useProject } from "./store.ts";
import { TopBar } from "./components/TopBar.tsx";
import { StepsPanel } from "./components/steps/StepsPanel.tsx";
import { GraphCanvas } from "./components/graph/GraphCanvas.tsx";
import { Inspector } from "./components/inspector/Inspector.tsx";
import { EmptyState } from "./components/EmptyState.tsx";
import { ErrorBanner } from "./components/ErrorBanner.tsx";
import { Palette } from "./components/Palette.tsx";
import { Drawer } from "./components/drawer/Drawer.tsx";
import { useFileDrop } from "./hooks/useFileDrop.ts";
import { useShortcuts } from "./hooks/useShortcuts.ts";
import { checkKernels, type KernelStatus } from "./diagnostics.ts";
import { startProject, startSync } from "./sync.ts";

let started = false;

export function App() {
  const model = useProject((s) => s.model);
  const theme = useProject((s) => s.theme);
  const dragging = useFileDrop();
  const [kernels, setKernels] = useState<KernelStatus | null>(null);
  useShortcuts();

  useEffect(() => {
    if (!started) {
      started = true;
      startSync();
      void startProject();
    }
    checkKernels().then(setKernels, (e: Error) => setKernels({ wasm: "mismatch", webgpu: "unavailable", note: e.message }));
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <TopBar kernels={kernels} />
      <ErrorBanner />
      <div className="workspace">
        <StepsPanel />
        <main className="canvas-area" aria-label="Model graph">
          {model ? <GraphCanvas key={model.fileName + model.bytes.length} view={model.view} /> : <EmptyState />}
        </main>
        <Inspector />
      </div>
      <Drawer />
      <Palette />
      {dragging && (
        <div className="drop-overlay" role="presentation">
          <div className="drop-overlay-card">Drop an .onnx model (or a saved .zkml project) to open it</div>
        </div>
      )}
    </div>
  );
}
