// Tables for sumchecks, built from a tensor's padded values by fixing some of its variables.
import { fieldBackend, type FieldBackend } from "../../kernels/index.ts";
import { inKernels } from "../../kernels/resident.ts";
import type { PlanTensor } from "../../circuit/index.ts";
import { paddedSize } from "../../circuit/index.ts";

/** Fixes the variables above the lowest `low` at `high`: a base table → an ext table over the low ones (wasm). */
export function foldHigh(values: Uint32Array, low: number, high: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  const lowSize = 2 ** low, highSize = values.length / lowSize;
  // Model tensors are slices of the resident model matrix (witness tensors of the pipelined witness vector): no copy.
  const { buf: m, owned } = inKernels(K, values), w = K.allocFor(4 * highSize), out = K.allocFor(4 * lowSize);
  try {
    K.eqTable(high, w);
    K.combineRows(m, highSize, lowSize, w, out);
    return K.read(out);
  } finally {
    if (owned) K.free(m);
    K.free(w); K.free(out);
  }
}

/** foldHigh of an extension table (4 words per entry). */
export function foldHighExt(table: Uint32Array, low: number, high: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  const lowSize = 2 ** low, highSize = table.length / 4 / lowSize;
  const m = K.from(table), w = K.allocFor(4 * highSize), out = K.allocFor(4 * lowSize);
  try {
    K.eqTable(high, w);
    K.combineRowsExt(m, highSize, lowSize, w, out);
    return K.read(out);
  } finally {
    K.free(m); K.free(w); K.free(out);
  }
}

/** Fixes the lowest variables of an ext table at `low`, one fold each (wasm): an ext table over the remaining ones. */
export function foldLowExt(table: Uint32Array, low: Uint32Array, K: FieldBackend = fieldBackend()): Uint32Array {
  let cur = K.from(table);
  try {
    for (let i = 0, m = table.length / 8; i < low.length / 4; i++, m /= 2) {
      const next = K.allocFor(4 * m);
      K.foldExt(cur, m, low.subarray(4 * i, 4 * i + 4), next);
      K.free(cur);
      cur = next;
    }
    return K.read(cur);
  } finally {
    K.free(cur);
  }
}

/**
 * Keeps the variable window [lo, lo + width) and fixes the others: those below at `below`,
 * those above at `above`. Returns an ext table over the window.
 */
export function foldExcept(values: Uint32Array, lo: number, width: number, below: Uint32Array, above: Uint32Array): Uint32Array {
  const upper = foldHigh(values, lo + width, above);
  return lo === 0 ? upper : foldLowExt(upper, below);
}

// The maps depend only on the two tensors' geometry: made once per pair of plan tensors.
const broadcastMaps = new WeakMap<PlanTensor, WeakMap<PlanTensor, Int32Array>>();

/** For every padded output position, the padded input position it reads under broadcasting (shared: read only). */
export function broadcastIndex(out: PlanTensor, inp: PlanTensor): Int32Array {
  let byInput = broadcastMaps.get(out);
  if (!byInput) broadcastMaps.set(out, (byInput = new WeakMap()));
  let map = byInput.get(inp);
  if (!map) byInput.set(inp, (map = buildBroadcastIndex(out, inp)));
  return map;
}

function buildBroadcastIndex(out: PlanTensor, inp: PlanTensor): Int32Array {
  const rank = out.shape.length, shift = rank - inp.shape.length;
  const dims = out.logDims.map((l) => 2 ** l);
  // The input's stride along each output axis: 0 where it broadcasts (or has no such axis).
  const strides = new Array<number>(rank).fill(0);
  for (let d = rank - 1, stride = 1; d >= shift; d--) {
    if (inp.shape[d - shift] === out.shape[d]) strides[d] = stride;
    stride *= 2 ** inp.logDims[d - shift]!;
  }
  // An odometer over the output's padded positions, the input position carried along.
  const map = new Int32Array(paddedSize(out.logDims));
  const at = new Array<number>(rank).fill(0);
  let ipos = 0;
  for (let pos = 0; pos < map.length; pos++) {
    map[pos] = ipos;
    for (let d = rank - 1; d >= 0; d--) {
      ipos += strides[d]!;
      if (++at[d]! < dims[d]!) break;
      ipos -= strides[d]! * dims[d]!;
      at[d] = 0;
    }
  }
  return map;
}

/** A tensor's values broadcast to the output's padded layout. */
export function expand<T extends Float64Array | Uint32Array>(values: T, map: Int32Array): T {
  const out = new (values.constructor as { new (n: number): T })(map.length);
  for (let p = 0; p < map.length; p++) out[p] = values[map[p]!]!;
  return out;
}
