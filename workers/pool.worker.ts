// A prover pool worker in the browser (src/core/parallel): runs the jobs the prove worker posts
// over shared memory. Spawned by the prove worker itself, never by the page.
import { serve } from "../src/core/parallel/serve.ts";
import type { PoolInit } from "../src/core/parallel/index.ts";

serve(self, (fn) => self.addEventListener("message", (e: MessageEvent<PoolInit>) => fn(e.data)));
