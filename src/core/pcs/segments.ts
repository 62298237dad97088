// Segment maps: many tensors in one commitment, each padded to a power of two and placed at an
// offset aligned to its size, so a claim on a tensor is a claim on the whole vector with the
// high variables fixed to the offset's bits.
import { PcsError } from "./errors.ts";

export interface Segment {
  name: string;
  /** The tensor's own length (entries beyond it up to 2^logSize are padding). */
  length: number;
  logSize: number;
  /** Start index in the committed vector, a multiple of 2^logSize. */
  offset: number;
}

export interface SegmentMap {
  logN: number;
  /** In the order the tensors were given. */
  segments: Segment[];
}

const log2Ceil = (x: number): number => (x <= 1 ? 0 : Math.ceil(Math.log2(x)));

/** Places tensors largest first, so every offset is aligned to its segment's size. */
export function layoutSegments(tensors: readonly { name: string; length: number }[], minLogN = 0): SegmentMap {
  const segs = tensors.map((t) => {
    if (!Number.isInteger(t.length) || t.length < 1) throw new PcsError(`segment '${t.name}' has length ${t.length}; tensors must be non-empty`);
    return { name: t.name, length: t.length, logSize: log2Ceil(t.length), offset: 0 };
  });
  const order = segs.map((_, i) => i).sort((x, y) => segs[y]!.logSize - segs[x]!.logSize || x - y);
  let at = 0;
  for (const i of order) {
    segs[i]!.offset = at;
    at += 2 ** segs[i]!.logSize;
  }
  return { logN: Math.max(minLogN, log2Ceil(at)), segments: segs };
}

// Proofs look up hundreds of claims' segments by name in maps of hundreds: a map made once per segment map.
const byName = new WeakMap<SegmentMap, Map<string, Segment>>();

/** The first segment of that name (as a search of `segments` finds it), or undefined. */
export function segmentByName(map: SegmentMap, name: string): Segment | undefined {
  let m = byName.get(map);
  if (!m) {
    byName.set(map, (m = new Map()));
    for (const s of map.segments) if (!m.has(s.name)) m.set(s.name, s);
  }
  return m.get(name);
}

/** Checks a (possibly hostile) map: aligned, in range, non-overlapping. */
export function validateSegmentMap(map: SegmentMap): void {
  const n = 2 ** map.logN;
  const spans = map.segments.map((s) => {
    const size = 2 ** s.logSize;
    if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset % size !== 0 || s.offset + size > n) {
      throw new PcsError(`segment '${s.name}': offset ${s.offset} is not aligned to 2^${s.logSize} inside 2^${map.logN}`);
    }
    if (!(s.length >= 1 && s.length <= size)) throw new PcsError(`segment '${s.name}': length ${s.length} does not fit 2^${s.logSize}`);
    return [s.offset, s.offset + size] as const;
  }).sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) throw new PcsError(`segments overlap at index ${spans[i]![0]}`);
  }
}

/** The committed vector: every tensor at its offset, padding zero. */
export function packSegments(map: SegmentMap, values: readonly Uint32Array[]): Uint32Array {
  if (values.length !== map.segments.length) throw new PcsError(`${values.length} tensors for ${map.segments.length} segments`);
  const out = new Uint32Array(2 ** map.logN);
  map.segments.forEach((s, i) => {
    const v = values[i]!;
    if (v.length !== s.length) throw new PcsError(`segment '${s.name}' expects ${s.length} values, got ${v.length}`);
    out.set(v, s.offset);
  });
  return out;
}
