// The project in IndexedDB: saved (debounced) after every change that matters, restored on
// reload. Structured clone keeps typed arrays (the model bytes, the proof) as they are.
import type { ProjectState } from "./project.ts";

export const SNAPSHOT_VERSION = 1;

export type Snapshot = { version: 1; savedAt: number; fileName: string; bytes: Uint8Array } & Pick<
  ProjectState, "theme" | "expanded" | "overlay" | "calibration" | "plans" | "activePlan" | "proveInput" | "proof" | "proofStale" | "selectedNode"
>;

const DB = "zkml-studio";
const STORE = "project";
const KEY = "current";
/** The model bytes live under their own key: written when the model changes, not on every edit. */
const MODEL_KEY = "model";

function db(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("persist: IndexedDB is not available"));
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const d = await db();
  try {
    return await new Promise<T>((resolve, reject) => {
      const r = f(d.transaction(STORE, mode).objectStore(STORE));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error("persist: the IndexedDB request failed"));
    });
  } finally {
    d.close();
  }
}

/** The snapshot of what the user made (null when no model is open). */
export function snapshotOf(s: ProjectState): Snapshot | null {
  if (!s.model) return null;
  return {
    version: SNAPSHOT_VERSION, savedAt: Date.now(), fileName: s.model.fileName, bytes: s.model.bytes,
    theme: s.theme, expanded: s.expanded, overlay: s.overlay, calibration: s.calibration, plans: s.plans,
    activePlan: s.activePlan, proveInput: s.proveInput, proof: s.proof, proofStale: s.proofStale, selectedNode: s.selectedNode,
  };
}

let savedModel: Uint8Array | null = null;

export async function saveSnapshot(snap: Snapshot | null): Promise<void> {
  if (!snap) {
    savedModel = null;
    await tx<unknown>("readwrite", (s) => s.delete(KEY) as IDBRequest<unknown>);
    return;
  }
  const { bytes, ...rest } = snap;
  if (bytes !== savedModel) {
    await tx<unknown>("readwrite", (s) => s.put({ fileName: snap.fileName, bytes }, MODEL_KEY) as IDBRequest<unknown>);
    savedModel = bytes;
  }
  await tx<unknown>("readwrite", (s) => s.put(rest, KEY) as IDBRequest<unknown>);
}

export async function loadSnapshot(): Promise<Snapshot | null> {
  const v = (await tx("readonly", (s) => s.get(KEY))) as Omit<Snapshot, "bytes"> | undefined;
  const m = (await tx("readonly", (s) => s.get(MODEL_KEY))) as { fileName: string; bytes: Uint8Array } | undefined;
  if (!v || v.version !== SNAPSHOT_VERSION || !m || m.fileName !== v.fileName || !(m.bytes instanceof Uint8Array)) return null;
  savedModel = m.bytes;
  return { ...v, bytes: m.bytes };
}

/** A debounced saver: the last state within `ms` is written. */
export function debouncedSaver(save: (snap: Snapshot | null) => Promise<void>, ms = 400) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: Snapshot | null = null;
  return {
    schedule(snap: Snapshot | null) {
      pending = snap;
      clearTimeout(timer);
      timer = setTimeout(() => void save(pending).catch(() => {}), ms);
    },
    async flush() {
      clearTimeout(timer);
      await save(pending);
    },
  };
}
