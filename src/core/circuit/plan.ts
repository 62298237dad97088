// The proof plan: what the prover commits, which tables each lookup uses, and how every
// quantized op is proved (PROTOCOL.md §4–§6). Derived deterministically from the quantized
// graph (without weights) by compilePlan, by the prover at setup and by the verifier from the VK.
import type { ColumnForm } from "../lookup/table-mle.ts";
import type { QGraph, QOp, QType } from "../quant/qgraph.ts";

/** The quantized graph as the VK holds it: everything but the model's integer data. */
export type GraphSpec = Omit<QGraph, "consts">;

/**
 * input / output: public integers the verifier holds; witness: in the per-proof commitment;
 * model: in the model commitment (weights, biases, constants); virtual: derived by claims.
 */
export type TensorKind = "input" | "output" | "witness" | "model" | "virtual";

export interface PlanTensor extends QType {
  name: string;
  shape: number[];
  /** log2 of each padded dimension (row-major: the last dimension holds the lowest bits). */
  logDims: number[];
  nVars: number;
  kind: TensorKind;
}

/** A public table as the verifier evaluates it: columns of field elements, 2^logRows rows. */
export interface PlanTable {
  key: string;
  logRows: number;
  /** Column c, row j, as signed integers (mapped into the field as v mod p). */
  columns: Int32Array[];
  /** Where column c is clamp(j + add, lo, hi) by construction: its MLE in closed form (lookup/table-mle.ts). */
  forms?: ColumnForm[];
}

/** One use of a table: tuple columns are tensors of the same padded shape. */
export interface PlanLookupUse {
  columns: string[];
  /** The tensor whose live region selects the rows looked up. */
  shapeOf: string;
  /** For errors: the op and tensor. */
  label: string;
}

export interface PlanLookup {
  table: string;
  uses: PlanLookupUse[];
  /** The committed multiplicity column (a witness tensor of 2^logRows entries). */
  multiplicity: string;
}

/**
 * How a requantization is proved (circuit/requant-plan.ts): acc·M + 2^(s−1) = q·2^s + r with r in
 * range-checked limbs, and either (q, y) in the clamp table or q split into hi and lo parts.
 */
export interface RequantProof {
  op: number;
  /** The committed quotient, when its static range fits one table. */
  q?: string;
  /** Remainder limbs, least significant first (16 bits each, the top one s mod 16); none when s = 0. */
  r: string[];
  /** A wide quotient q = offset + 2^16·hi + lo, with the looked-up sat(hi), [hi = 0] and clamp(offset + lo). */
  /** q = offset + 2^lowBits·hi + lo (requant-plan.ts splitLayout). */
  split?: { hi: string; lo: string; sat: string; zero: string; low: string; offset: number; lowBits: number };
}

/** How a row max is proved: one-hot s, d = m − x ≥ 0 by a range lookup (PROTOCOL §4 ReduceMax). */
export interface MaxProof {
  op: number;
  onehot: string;
  diff: string;
}

/** How a max pool is proved (circuit/pool-plan.ts): virtual candidate differences, range-checked. */
export interface PoolProof {
  op: number;
  /** m − x_k per kernel offset (row-major over the window's axes). */
  candidates: string[];
  /** x_k where the window reads padding: the input's least value, so it never wins but ties. */
  fill: number;
}

export interface ProofPlan {
  graph: GraphSpec;
  tensors: Record<string, PlanTensor>;
  /** Witness tensors in commitment order (segments are laid out from this list). */
  witness: string[];
  /** Model tensors in commitment order. */
  model: string[];
  tables: Record<string, PlanTable>;
  lookups: PlanLookup[];
  requants: RequantProof[];
  maxes: MaxProof[];
  pools: PoolProof[];
  /** The op that produces each non-public tensor. */
  producer: Record<string, number>;
}

export type { QOp };
