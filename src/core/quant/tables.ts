// Lookup tables of unary nonlinear functions: T[j] = clamp(round(f(x_j·2^−k_in)·2^k_out)),
// x_j = j + min(input type), computed in float64 once, when the plan is made. The plan then
// carries the integers; nothing downstream evaluates f again.
import { erf } from "../graph/index.ts";
import { QuantError } from "./errors.ts";
import { roundHalfUp, typeMax, typeMin } from "./fixed.ts";
import type { QTable, QType } from "./qgraph.ts";

/** Tables above this many rows need `maxRows` raised explicitly (PROTOCOL §5: 2^16 in v1). */
export const DEFAULT_MAX_TABLE_ROWS = 2 ** 16;
/** No table is ever built above this, whatever the plan says. */
export const HARD_MAX_TABLE_ROWS = 2 ** 20;

type Fn = (x: number, p: Readonly<Record<string, number>>) => number;

const SQRT1_2 = Math.SQRT1_2;

/** Functions a table may hold, with the parameters each reads. Values may be ±Infinity (saturate). */
export const TABLE_FUNCTIONS: Readonly<Record<string, { fn: Fn; params: readonly string[] }>> = {
  relu: { fn: (x) => (x > 0 ? x : 0), params: [] },
  leakyrelu: { fn: (x, p) => (x >= 0 ? x : x * p.alpha!), params: ["alpha"] },
  clip: { fn: (x, p) => Math.min(Math.max(x, p.min!), p.max!), params: ["min", "max"] },
  sigmoid: { fn: (x) => 1 / (1 + Math.exp(-x)), params: [] },
  tanh: { fn: (x) => Math.tanh(x), params: [] },
  erf: { fn: (x) => erf(x), params: [] },
  gelu: { fn: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)), params: [] },
  exp: { fn: (x) => Math.exp(x), params: [] },
  // 1/0 is +Infinity: it saturates to the type's maximum.
  reciprocal: { fn: (x) => 1 / x, params: [] },
  rsqrt: { fn: (x, p) => (x + p.eps! > 0 ? 1 / Math.sqrt(x + p.eps!) : Infinity), params: ["eps"] },
  sqrt: { fn: (x) => (x > 0 ? Math.sqrt(x) : 0), params: [] },
  softplus: { fn: (x) => (x > 30 ? x : Math.log1p(Math.exp(x))), params: [] },
  hardsigmoid: { fn: (x, p) => Math.max(0, Math.min(1, p.alpha! * x + p.beta!)), params: ["alpha", "beta"] },
  hardswish: { fn: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)), params: [] },
  elu: { fn: (x, p) => (x >= 0 ? x : p.alpha! * Math.expm1(x)), params: ["alpha"] },
  selu: { fn: (x, p) => (x > 0 ? p.gamma! * x : p.gamma! * p.alpha! * Math.expm1(x)), params: ["alpha", "gamma"] },
  softsign: { fn: (x) => x / (1 + Math.abs(x)), params: [] },
  abs: { fn: (x) => Math.abs(x), params: [] },
  neg: { fn: (x) => -x, params: [] },
  // log 0 is −Infinity: it saturates to the type's minimum; so do negative inputs (NaN in float).
  log: { fn: (x) => (x > 0 ? Math.log(x) : -Infinity), params: [] },
  // A fractional power of a negative input is NaN in float: 0 here, as for sqrt.
  pow: { fn: (x, p) => (x < 0 && !Number.isInteger(p.exponent!) ? 0 : Math.pow(x, p.exponent!)), params: ["exponent"] },
  max: { fn: (x, p) => Math.max(x, p.c!), params: ["c"] },
  min: { fn: (x, p) => Math.min(x, p.c!), params: ["c"] },
  sign: { fn: (x) => Math.sign(x), params: [] },
  // Half to even, as ONNX's Round.
  round: { fn: (x) => { const r = Math.round(x); return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; }, params: [] },
  floor: { fn: (x) => Math.floor(x), params: [] },
  ceil: { fn: (x) => Math.ceil(x), params: [] },
  sin: { fn: (x) => Math.sin(x), params: [] },
  cos: { fn: (x) => Math.cos(x), params: [] },
  shrink: { fn: (x, p) => (x < -p.lambd! ? x + p.bias! : x > p.lambd! ? x - p.bias! : 0), params: ["bias", "lambd"] },
  // LRN's scale from a channel window's sum of squares (alpha already divided by the size).
  lrn: { fn: (x, p) => Math.pow(p.bias! + p.alpha! * x, -p.beta!), params: ["bias", "alpha", "beta"] },
};

export interface TableSpec {
  fn: string;
  params: Record<string, number>;
  input: QType;
  output: QType;
  saturate?: boolean;
}

/** Rows of a table over the whole input type. */
export function tableRows(input: Pick<QType, "bits">): number {
  return 2 ** input.bits;
}

/** Builds a table from its spec; the rows count is checked before anything is allocated. */
export function buildTable(spec: TableSpec, maxRows = DEFAULT_MAX_TABLE_ROWS, where = "table"): QTable {
  const def = TABLE_FUNCTIONS[spec.fn];
  if (!def) {
    throw new QuantError(`${where}: unknown table function '${spec.fn}'; use one of ${Object.keys(TABLE_FUNCTIONS).join(", ")}`, { path: where });
  }
  for (const p of def.params) {
    if (!Number.isFinite(spec.params[p])) throw new QuantError(`${where}: table '${spec.fn}' needs a finite parameter '${p}'`, { path: where });
  }
  const rows = tableRows(spec.input);
  const limit = Math.min(maxRows, HARD_MAX_TABLE_ROWS);
  if (!(rows <= limit)) {
    throw new QuantError(`${where}: a ${spec.input.bits}-bit input needs ${rows} table rows, over the limit of ${limit}; lower the input's bit width`, { path: where });
  }
  const values = new Int32Array(rows);
  const x0 = typeMin(spec.input), inScale = 2 ** -spec.input.k, outScale = 2 ** spec.output.k;
  const lo = typeMin(spec.output), hi = typeMax(spec.output);
  for (let j = 0; j < rows; j++) {
    const y = def.fn((j + x0) * inScale, spec.params) * outScale;
    if (Number.isNaN(y)) throw new QuantError(`${where}: ${spec.fn}(${(j + x0) * inScale}) is not a number; narrow the table's domain`, { path: where });
    const q = y >= hi ? hi : y <= lo ? lo : roundHalfUp(y);
    values[j] = q < lo ? lo : q > hi ? hi : q;
  }
  return { fn: spec.fn, params: { ...spec.params }, input: { ...spec.input }, output: { ...spec.output }, saturate: spec.saturate ?? false, values };
}

/** A stable id for a table spec: equal specs share one table. */
export function tableId(spec: TableSpec): string {
  const p = Object.keys(spec.params).sort().map((k) => `${k}=${spec.params[k]}`).join(",");
  const t = (q: QType) => `${q.signed ? "s" : "u"}${q.bits}k${q.k}`;
  return `${spec.fn}${p ? `(${p})` : ""}:${t(spec.input)}->${t(spec.output)}${spec.saturate ? ":sat" : ""}`;
}
