// Proving keys kept in the browser's origin-private file system (PROTOCOL §6: the encoded model
// "in OPFS/IndexedDB for the browser"), so a model and plan proved once are not set up again
// after a reload. Storage is a cache: any failure (no OPFS, no quota, a damaged file) means
// "not stored" and the prover sets up as before.
import { sha256 } from "../../src/core/hash/index.ts";

/** Key sets kept at once (vgg16's pk.bin is 600 MB): the most recently stored ones. */
const KEEP = 2;

type Dir = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };
interface SyncHandle { truncate(n: number): void; write(b: Uint8Array, o: { at: number }): number; flush(): void; close(): void }

/** The origin's private file system, where there is one. */
async function storageRoot(): Promise<FileSystemDirectoryHandle | undefined> {
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<FileSystemDirectoryHandle> } } }).navigator?.storage;
  return storage?.getDirectory ? storage.getDirectory() : undefined;
}

async function keysDir(): Promise<Dir | undefined> {
  const root = await storageRoot();
  return root && ((await root.getDirectoryHandle("proving-keys", { create: true })) as Dir);
}

/** The name of a model's (by its SHA-256) and plan's key set. */
export function keySetId(modelHash: Uint8Array, planText: string): string {
  const id = sha256(new Uint8Array([...modelHash, ...sha256(new TextEncoder().encode(planText))]));
  return Array.from(id, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** vk.bin and pk.bin of a key set stored earlier, or undefined. */
export async function storedKeys(id: string): Promise<{ vk: Uint8Array; pk: Uint8Array } | undefined> {
  try {
    const dir = await keysDir();
    if (!dir) return undefined;
    const set = await dir.getDirectoryHandle(id);
    const read = async (name: string) => new Uint8Array(await (await (await set.getFileHandle(name)).getFile()).arrayBuffer());
    // vk.bin is written last: without it the set is incomplete.
    const vk = await read("vk.bin");
    return { vk, pk: await read("pk.bin") };
  } catch {
    return undefined;
  }
}

async function writeFile(set: FileSystemDirectoryHandle, name: string, parts: readonly Uint8Array[]): Promise<void> {
  const file = await set.getFileHandle(name, { create: true });
  const sync = (file as unknown as { createSyncAccessHandle?: () => Promise<SyncHandle> }).createSyncAccessHandle;
  if (sync) {
    const h = await sync.call(file);
    try {
      h.truncate(0);
      let at = 0;
      for (const p of unshared(parts)) at += h.write(p, { at });
      h.flush();
    } finally {
      h.close();
    }
    return;
  }
  const w = await (file as unknown as { createWritable(): Promise<{ write(b: Uint8Array): Promise<void>; close(): Promise<void> }> }).createWritable();
  for (const p of unshared(parts)) await w.write(p);
  await w.close();
}

/** Storage writes refuse views of shared memory (a pool's, where setup leaves the encoded model): those go through a copy, 8 MB at a time. */
function* unshared(parts: readonly Uint8Array[]): Generator<Uint8Array> {
  const CHUNK = 8 << 20;
  let scratch: Uint8Array | undefined;
  for (const p of parts) {
    if (!(p.buffer instanceof SharedArrayBuffer)) {
      yield p;
      continue;
    }
    scratch ??= new Uint8Array(CHUNK);
    for (let at = 0; at < p.length; at += CHUNK) {
      const n = Math.min(CHUNK, p.length - at);
      scratch.set(p.subarray(at, at + n));
      yield scratch.subarray(0, n);
    }
  }
}

/** Stores a key set (pk.bin first, vk.bin last), then drops all but the KEEP newest. */
export async function storeKeys(id: string, vk: Uint8Array, pkParts: readonly Uint8Array[]): Promise<boolean> {
  try {
    const dir = await keysDir();
    if (!dir) return false;
    const set = await dir.getDirectoryHandle(id, { create: true });
    await writeFile(set, "pk.bin", pkParts);
    await writeFile(set, "vk.bin", [vk]);
    const sets: { name: string; at: number }[] = [];
    for await (const [name, h] of dir.entries()) {
      if (h.kind !== "directory") continue;
      const at = await (h as FileSystemDirectoryHandle).getFileHandle("vk.bin").then((f) => f.getFile()).then((f) => f.lastModified, () => 0);
      sets.push({ name, at });
    }
    sets.sort((a, b) => b.at - a.at);
    for (const old of sets.slice(KEEP)) if (old.name !== id) await dir.removeEntry(old.name, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** Removes every stored key set; how many there were (0 where there is no storage). */
export async function forgetStoredKeys(): Promise<number> {
  const root = await storageRoot();
  if (!root) return 0;
  const dir = (await root.getDirectoryHandle("proving-keys").catch(() => undefined)) as Dir | undefined;
  if (!dir) return 0;
  let n = 0;
  for await (const [, h] of dir.entries()) if (h.kind === "directory") n++;
  await root.removeEntry("proving-keys", { recursive: true });
  return n;
}
