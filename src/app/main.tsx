import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import { App } from "./App.tsx";
import { exposeDiagnostics } from "./diagnostics.ts";
import { ensureIsolation } from "./isolation.ts";
import { exposeCrashHooks } from "./clients/crash-hooks.ts";

exposeDiagnostics();
exposeCrashHooks();
void ensureIsolation().then((reloading) => {
  if (reloading) return;
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
