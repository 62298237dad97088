// Calibration, plan edits, accuracy, inputs and predictions off the main thread (comlink).
// The model is loaded once per session key; errors come back as messages for the panel that
// asked, never as a dead worker.
import * as Comlink from "comlink";
import type { Tensor } from "../src/core/graph/index.ts";
import type { AccuracyPart, ObservationsData, QuantPlan } from "../src/core/quant/index.ts";
// Values from their own files (a worker bundles only what it runs); types through the index.
import { QuantSession } from "./tasks/quant-session.ts";
import type { CalibrationSettings, DataSpec, InputChoice, PlanMetrics, Prediction, TensorEdit } from "./tasks/index.ts";

let session: { key: string; s: QuantSession } | null = null;

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
const attempt = <T>(f: (s: QuantSession) => T): Result<T> => {
  try {
    if (!session) throw new Error("quant: no model is loaded in the calibration worker; open the model again");
    return { ok: true, value: f(session.s) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
};

const api = {
  loaded(): string | null {
    return session?.key ?? null;
  },
  load(key: string, bytes: Uint8Array): Result<true> {
    try {
      session = { key, s: new QuantSession(bytes) };
      return { ok: true, value: true };
    } catch (e) {
      session = null;
      return { ok: false, error: (e as Error).message };
    }
  },
  dataCounts(data: DataSpec): Result<{ calibration: number; evaluation: number }> {
    return attempt((s) => s.dataCounts(data));
  },
  observe(data: DataSpec, chunks: [number, number][], onSamples?: (samples: number) => void): Result<ObservationsData> {
    return attempt((s) => s.observe(data, chunks, onSamples));
  },
  planFrom(settings: CalibrationSettings, observed: ObservationsData[]): Result<QuantPlan> {
    return attempt((s) => s.planFrom(settings, observed));
  },
  accuracyParts(plan: QuantPlan, data: DataSpec, chunks: [number, number][], onSamples?: (samples: number) => void): Result<AccuracyPart[]> {
    return attempt((s) => s.accuracyParts(plan, data, chunks, onSamples));
  },
  edit(plan: QuantPlan, edits: Record<string, TensorEdit>): Result<QuantPlan> {
    return attempt((s) => s.edit(plan, edits));
  },
  check(plan: QuantPlan): Result<true> {
    return attempt((s) => (s.quantize(plan), true as const));
  },
  metrics(plan: QuantPlan, data: DataSpec, parts?: AccuracyPart[], onSamples?: (samples: number) => void): Result<PlanMetrics> {
    return attempt((s) => s.metrics(plan, data, parts, onSamples));
  },
  input(choice: InputChoice, data: DataSpec): Result<Record<string, Tensor>> {
    return attempt((s) => s.input(choice, data));
  },
  predict(plan: QuantPlan, inputs: Record<string, Tensor>): Result<Prediction> {
    return attempt((s) => s.predict(plan, inputs));
  },
};

export type QuantWorkerApi = typeof api;
Comlink.expose(api);
