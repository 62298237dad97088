// Arrays kept in kernel memory for as long as they live (the model's committed matrix, opened and
// folded by every proof with its key): copied in once per backend, found again by identity or as
// the parent of a subarray, freed when the array is collected. Never mutate a resident array.
import type { Buf, FieldBackend } from "./types.ts";

interface Resident { array: Uint32Array; buf: Buf }

const byBackend = new WeakMap<FieldBackend, WeakMap<ArrayBufferLike, Resident[]>>();
const release = new FinalizationRegistry<{ K: FieldBackend; buf: Buf }>(({ K, buf }) => K.free(buf));

function residentsOf(K: FieldBackend, buffer: ArrayBufferLike): Resident[] {
  let m = byBackend.get(K);
  if (!m) byBackend.set(K, (m = new WeakMap()));
  let list = m.get(buffer);
  if (!list) m.set(buffer, (list = []));
  return list;
}

/** The kernel copy of `array` on K, made on first use. */
export function keepResident(K: FieldBackend, array: Uint32Array): Buf {
  const list = residentsOf(K, array.buffer);
  const known = list.find((r) => r.array === array);
  if (known) return known.buf;
  const buf = K.from(array);
  list.push({ array, buf });
  release.register(array, { K, buf });
  return buf;
}

/** A kernel slice holding `part` if it lies inside a resident array (a subarray of it), else undefined. */
export function residentSlice(K: FieldBackend, part: Uint32Array): Buf | undefined {
  const list = byBackend.get(K)?.get(part.buffer);
  for (const r of list ?? []) {
    const at = (part.byteOffset - r.array.byteOffset) / 4;
    if (at >= 0 && at + part.length <= r.array.length) return K.slice(r.buf, at, part.length);
  }
  return undefined;
}

/**
 * Lends `array`, a view of `buf` in K's memory that the caller owns (the pipelined witness
 * vector), to residentSlice until the returned function is called (before `buf` is freed).
 */
export function lendResident(K: FieldBackend, array: Uint32Array, buf: Buf): () => void {
  const list = residentsOf(K, array.buffer), r = { array, buf };
  list.push(r);
  return () => {
    const i = list.indexOf(r);
    if (i >= 0) list.splice(i, 1);
  };
}

/** `data` in K's memory: a slice of a resident array that holds it, or a copy (`owned`: the caller frees it). */
export function inKernels(K: FieldBackend, data: Uint32Array): { buf: Buf; owned: boolean } {
  const kept = residentSlice(K, data);
  return kept ? { buf: kept, owned: false } : { buf: K.from(data), owned: true };
}
