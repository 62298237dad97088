import { useEffect, useState } from "react";
import { useProject } from "./store.ts";
import { TopBar } from "./components/TopBar.tsx";
import { StepsPanel } from "./components/StepsPanel.tsx";
import { GraphCanvas } from "./components/GraphCanvas.tsx";
import { Inspector } from "./components/Inspector.tsx";
import { EmptyState } from "./components/EmptyState.tsx";
import { ErrorBanner } from "./components/ErrorBanner.tsx";
import { useFileDrop } from "./hooks/useFileDrop.ts";
import { openDemo } from "./model-client.ts";
import { checkKernels, type KernelStatus } from "./diagnostics.ts";

/** Which demo to open at start: ?demo=<id>, ?demo=none for the empty state, digits_cnn by default. */
function initialDemo(): string | null {
  const q = new URLSearchParams(location.search).get("demo");
  return q === "none" ? null : q || "digits_cnn";
}

export function App() {
  const model = useProject((s) => s.model);
  const theme = useProject((s) => s.theme);
  const dragging = useFileDrop();
  const [kernels, setKernels] = useState<KernelStatus | null>(null);

  useEffect(() => {
    const demo = initialDemo();
    if (demo) void openDemo(demo);
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
          {model ? <GraphCanvas key={model.fileName + model.summary.nodeCount} graph={model.graph} /> : <EmptyState />}
        </main>
        <Inspector />
      </div>
      {dragging && (
        <div className="drop-overlay" role="presentation">
          <div className="drop-overlay-card">Drop the .onnx file to open it</div>
        </div>
      )}
    </div>
  );
}
