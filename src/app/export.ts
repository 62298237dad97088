// Downloads: the proof bundle (zip, fflate), its files one by one, the graph as SVG/PNG, and
// the project as a file (model, data, plans, proof) that opens again in the IDE.
import { strToU8, unzipSync, zipSync, strFromU8 } from "fflate";
import { serializePlan, parsePlan } from "../core/quant/index.ts";
import { activeSlot, projectStore, type PlanSlot } from "../state/project.ts";
import type { ProofResult } from "../../workers/tasks/index.ts";
import { openModelBytes } from "./clients/model.ts";
import { refreshMetrics } from "./clients/quant.ts";

export const MEANING = "This proof shows that the committed model produced this output on this input. It does not hide the weights or the input.";

export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

export function download(name: string, data: Uint8Array | string, type = "application/octet-stream"): void {
  const blob = new Blob([typeof data === "string" ? data : new Uint8Array(data)], { type });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export function commitmentText(r: ProofResult): string {
  return `vk-digest ${hex(r.vkDigest)}\nweights-root ${hex(r.modelRoot)}\n`;
}

export const VERIFIER_FILES = ["zkml-verifier.mjs", "verify.mjs", "verifier.html", "README.txt"] as const;

/** The standalone verifier, shipped with the app (the output of `zkml export-verifier`). */
export async function verifierFiles(): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const f of VERIFIER_FILES) {
    const res = await fetch(`${import.meta.env.BASE_URL}verifier/${f}`);
    if (!res.ok) throw new Error(`export: the standalone verifier file ${f} is missing from this build (HTTP ${res.status})`);
    out[`verifier/${f}`] = new Uint8Array(await res.arrayBuffer());
  }
  return out;
}

export function bundleFiles(r: ProofResult, planText: string, modelName: string): Record<string, Uint8Array> {
  const readme = [
    `# Proof bundle: ${modelName}`, "", MEANING, "",
    "Integrity proof, not zero-knowledge: the weights and the input are not hidden.", "",
    "- vk.bin: the verifying key (binds the graph, every scale and table, and the weights' commitment)",
    "- proof.bin: the proof", "- input.pb: the public input (ONNX TensorProto)",
    "- output.json: the proved output, integers with their scales (v·2^-k)",
    "- plan.json: the quantization plan the key was made from",
    `- commitment.txt: what the model owner publishes (VK digest ${hex(r.vkDigest).slice(0, 16)}…, weights root)`,
    "- verifier/: the standalone verifier, which needs nothing else:",
    "    node verifier/verify.mjs --vk vk.bin --input input.pb --output output.json --proof proof.bin",
    "  or open verifier/verifier.html in a browser and pick the four files.", "",
    `Proved in ${(r.times.proveMs / 1000).toFixed(2)} s; verified in ${r.times.verifyMs.toFixed(0)} ms in zkml-studio.`, "",
  ].join("\n");
  return {
    "vk.bin": r.vk,
    "proof.bin": r.proof,
    "input.pb": r.input,
    "output.json": strToU8(JSON.stringify(r.output, null, 1) + "\n"),
    "plan.json": strToU8(planText),
    "commitment.txt": strToU8(commitmentText(r)),
    "README.md": strToU8(readme),
  };
}

export async function downloadBundle(): Promise<void> {
  const s = projectStore.getState();
  const slot = activeSlot(s);
  if (!s.proof || !slot || !s.model) return;
  const base = s.model.fileName.replace(/\.onnx$/i, "");
  try {
    const files = { ...bundleFiles(s.proof, serializePlan(slot.plan), s.model.fileName), ...(await verifierFiles()) };
    download(`${base}-proof.zip`, zipSync(files, { level: 6 }), "application/zip");
  } catch (e) {
    projectStore.getState().setError((e as Error).message);
  }
}

// ---- project files ---------------------------------------------------------------------

interface ProjectJson {
  format: "zkml-studio-project";
  version: 1;
  fileName: string;
  calibration: Omit<ReturnType<typeof projectStore.getState>["calibration"], "calibration" | "evaluation" | "labels"> & { files: Record<string, string | null> };
  activePlan: "A" | "B";
  plans: Record<"A" | "B", string | null>;
}

export function projectZip(): Uint8Array | null {
  const s = projectStore.getState();
  if (!s.model) return null;
  const files: Record<string, Uint8Array> = { "model.onnx": s.model.bytes };
  const c = s.calibration;
  const named: Record<string, string | null> = {};
  for (const k of ["calibration", "evaluation", "labels"] as const) {
    const f = c[k];
    named[k] = f ? f.name : null;
    if (f) files[`data/${k}/${f.name}`] = f.bytes;
  }
  const doc: ProjectJson = {
    format: "zkml-studio-project", version: 1, fileName: s.model.fileName,
    calibration: { method: c.method, weightBits: c.weightBits, activationBits: c.activationBits, source: c.source, files: named },
    activePlan: s.activePlan,
    plans: { A: s.plans.A ? serializePlan(s.plans.A.plan) : null, B: s.plans.B ? serializePlan(s.plans.B.plan) : null },
  };
  files["project.json"] = strToU8(JSON.stringify(doc, null, 1));
  return zipSync(files, { level: 6 });
}

export async function saveProjectFile(): Promise<void> {
  const z = projectZip();
  const m = projectStore.getState().model;
  if (z && m) download(`${m.fileName.replace(/\.onnx$/i, "")}.zkml`, z, "application/zip");
}

/** Opens a project file; a damaged one sets the error and keeps what is open. */
export async function openProjectBytes(bytes: Uint8Array, name: string): Promise<void> {
  let files: Record<string, Uint8Array>, doc: ProjectJson;
  try {
    files = unzipSync(bytes);
    doc = JSON.parse(strFromU8(files["project.json"] ?? new Uint8Array())) as ProjectJson;
    if (doc.format !== "zkml-studio-project" || doc.version !== 1 || !files["model.onnx"]) throw new Error("not a zkml-studio project (version 1)");
  } catch (e) {
    projectStore.getState().openFailed(`${name}: ${(e as Error).message}; choose a .zkml file saved by zkml-studio`);
    return;
  }
  if (!(await openModelBytes(files["model.onnx"], doc.fileName))) return;
  const file = (k: string) => {
    const n = doc.calibration.files[k];
    const b = n ? files[`data/${k}/${n}`] : undefined;
    return n && b ? { name: n, bytes: b } : null;
  };
  const { files: _f, ...rest } = doc.calibration;
  projectStore.getState().setCalibration({ ...rest, calibration: file("calibration"), evaluation: file("evaluation"), labels: file("labels") });
  for (const id of ["A", "B"] as const) {
    const text = doc.plans[id];
    if (!text) continue;
    let plan;
    try {
      plan = parsePlan(text);
    } catch (e) {
      projectStore.getState().setError(`${name}: plan ${id} was not loaded (${(e as Error).message})`);
      continue;
    }
    const slot: PlanSlot = { plan, metrics: null, previous: null, error: null, past: [], future: [] };
    projectStore.setState((s) => ({ plans: { ...s.plans, [id]: slot } }));
    void refreshMetrics(id);
  }
  projectStore.getState().setActivePlan(doc.activePlan);
}
