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
