// Downloads: the proof bundle (zip, fflate), its files one by one, the graph as SVG/PNG, and
// the project as a file (model, data, plans, proof) that opens again in the IDE.
import { strToU8, unzipSync, zipSync, strFromU8 } from "fflate";
import { serializePlan, parsePlan } from "../core/quant/index.ts";
import { activeSlot, projectStore, type PlanSlot } from "../state/project.ts";
import type { ProofResult } from "../../workers/tasks/prove-run.ts";
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

/** The proof's parts in one buffer: 4 length-prefixed sections (provisional layout). */
export function proofBytes(p: ProofResult["proof"]): Uint8Array {
  const parts = [new Uint8Array(p.body.buffer, p.body.byteOffset, p.body.byteLength), p.witnessRoot, p.witnessOpening, p.modelOpening];
  const out = new Uint8Array(8 + parts.reduce((a, x) => a + 4 + x.length, 0));
  const dv = new DataView(out.buffer);
  out.set(strToU8("ZKPROOF0"), 0);
  let o = 8;
  for (const x of parts) {
    dv.setUint32(o, x.length, true);
    out.set(x, o + 4);
    o += 4 + x.length;
  }
  return out;
}

export function commitmentText(r: ProofResult): string {
  return `vk-digest ${hex(r.vkDigest)}\nweights-root ${hex(r.modelRoot)}\n`;
}

function outputJson(r: ProofResult): string {
  const enc = (m: Record<string, Int32Array>, k: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([n, v]) => [n, { k: k[n], values: Array.from(v) }]));
  return JSON.stringify({ statement: MEANING, vkDigest: hex(r.vkDigest), input: enc(r.input, r.inputScales), output: enc(r.output, r.outputScales), outputReal: r.outputReal }, null, 1) + "\n";
}

export function bundleFiles(r: ProofResult, planText: string, modelName: string): Record<string, Uint8Array> {
  const readme = [
    `# Proof bundle: ${modelName}`, "", MEANING, "",
    "Integrity proof, not zero-knowledge: the weights and the input are not hidden.", "",
    "- proof.bin: the proof (sections: body, witness root, witness opening, model opening)",
    "- output.json: the public input and output as integers with their scales (v·2^-k)",
    "- plan.json: the quantization plan the verifying key binds", "- commitment.txt: the model's public commitment (VK digest, weights root)",
    "", `Proved in ${(r.times.proveMs / 1000).toFixed(2)} s; verified in ${r.times.verifyMs.toFixed(0)} ms in zkml-studio.`, "",
  ].join("\n");
  return {
    "proof.bin": proofBytes(r.proof),
    "output.json": strToU8(outputJson(r)),
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
  download(`${base}-proof.zip`, zipSync(bundleFiles(s.proof, serializePlan(slot.plan), s.model.fileName), { level: 6 }), "application/zip");
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
    const slot: PlanSlot = { plan: parsePlan(text), metrics: null, previous: null, error: null, past: [], future: [] };
    projectStore.setState((s) => ({ plans: { ...s.plans, [id]: slot } }));
    void refreshMetrics(id);
  }
  projectStore.getState().setActivePlan(doc.activePlan);
}
