// window.zkml.simulateWorkerCrash(name): browser tests drive the app's crash handling (restart,
// error shown, nothing lost) through the same event an uncaught error in the worker raises.
import { modelWorker } from "./model.ts";
import { quantWorker } from "./quant.ts";
import { proveWorker } from "./prove.ts";

export function exposeCrashHooks(): void {
  const handles = { model: modelWorker, calibration: quantWorker, prover: proveWorker };
  const g = globalThis as unknown as { zkml?: Record<string, unknown> };
  g.zkml = {
    ...g.zkml,
    simulateWorkerCrash: (name: keyof typeof handles, message = "simulated crash") => handles[name]?.simulateCrash(message) ?? false,
  };
}
