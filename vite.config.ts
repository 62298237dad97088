import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Cross-origin isolation: SharedArrayBuffer (the parallel prover) needs both headers.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation, host: "127.0.0.1", port: 5173 },
  preview: { headers: isolation, host: "127.0.0.1", port: 4173 },
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 4096 },
});
