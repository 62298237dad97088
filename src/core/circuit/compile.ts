// Quantized graph (without weights) → proof plan. Deterministic: the prover at setup and the
// verifier from the VK derive the same plan.

import { checkBounds } from "../quant/bounds.ts";
import { FIELD_P, typeMin, unsignedBitsFor } from "../quant/fixed.ts";
import type { QGraph, QOp } from "../quant/qgraph.ts";
import { CircuitError } from "./errors.ts";
import { log2Ceil } from "./log.ts";
import { indexMapProblem } from "./index-relations.ts";
import { arityProblem, opShapeProblem } from "./op-shapes.ts";
import { planTensor, type PlanBuilder } from "./builder.ts";
import { planRequant } from "./requant-plan.ts";
import { rangeTable } from "./tables.ts";
import { convProblem, poolProblem } from "./windows.ts";
import { planMaxPool } from "./pool-plan.ts";
import type { GraphSpec, MaxProof, PlanLookup, PlanTable, PlanTensor, PoolProof, ProofPlan, RequantProof, TensorKind } from "./plan.ts";

/** Ops that have a gadget, and what each needs; anything else is a compile error naming the node. */
export const PROVABLE_OPS = new Set<QOp["kind"]>(["linear", "requant", "lookup", "add", "indexmap", "mul", "select", "matmul2", "rowsum", "embed", "reducemax", "maxpool", "sumpool"]);

/** Why an op cannot be proved in this version, or null. */
function unsupportedReason(g: GraphSpec, op: QOp): string | null {
  if (!PROVABLE_OPS.has(op.kind)) return op.kind;
  const T = g.tensors;
  const arity = arityProblem(op);
  if (arity) return arity;
  return kindProblem(g, op) ?? opShapeProblem(T, op);
}

function kindProblem(g: GraphSpec, op: QOp): string | null {
  const T = g.tensors;
  switch (op.kind) {
    case "linear":
      return op.form === "dense" ? null : convProblem(T[op.inputs[0]!]!, T[op.inputs[1]!]!, T[op.output]!, op.window, op.group ?? 1);
    case "indexmap":
      return indexMapProblem(T, op);
    case "maxpool":
    case "sumpool":
      return poolProblem(op.kind, T[op.inputs[0]!]!, T[op.output]!, op.window);
    case "select":
      {
        const m = T[op.inputs[1]!]!;
        // The circuit computes x·(1 − m) + fill·m: it equals the evaluator's choice only for m ∈ {0, 1}.
        return ["weight", "bias", "const"].includes(m.role) && m.bits === 1 && !m.signed ? null : "select with a mask that is not a 1-bit model constant";
      }
    case "embed":
      return g.inputs.includes(op.inputs[0]!) ? null : "embedding by ids that are not a public input";
    default:
      return null;
  }
}

/** The largest table in v1 (PROTOCOL.md §5). */
export const MAX_TABLE_LOG_ROWS = 16;


const MODEL_ROLES: readonly string[] = ["weight", "bias", "const"];

const WITNESS_PRODUCERS = new Set<QOp["kind"]>(["requant", "lookup", "maxpool", "reducemax"]);

export function compilePlan(g: GraphSpec): ProofPlan {
  const unsupported = g.ops.map((op) => ({ op, why: unsupportedReason(g, op) })).filter((u) => u.why !== null);
  if (unsupported.length > 0) {
    const list = unsupported.map((u) => `${u.op.source} (${u.why})`).join(", ");
    throw new CircuitError(`these nodes cannot be proved in this version: ${list}`, unsupported[0]!.op.source);
  }
  const publicIn = new Set(g.inputs), publicOut = new Set(g.outputs);
  const producer: Record<string, number> = {};
  g.ops.forEach((op, i) => {
    // A VK is hostile: the verifier binds a public value only through its producing op's claims
    // (outputs) or the statement (inputs), and the model only through its commitment.
    const t = g.tensors[op.output]!;
    const early = op.inputs.find((n) => !publicIn.has(n) && !MODEL_ROLES.includes(g.tensors[n]!.role) && producer[n] === undefined);
    if (early !== undefined) throw new CircuitError(`${op.source}: it reads ${early} before any op computes it; order the ops so each input is computed first`, op.source);
    if (producer[op.output] !== undefined) throw new CircuitError(`${op.source}: ${op.output} is already computed by ${g.ops[producer[op.output]!]!.source}; give each op its own output`, op.source);
    if (publicIn.has(op.output) || MODEL_ROLES.includes(t.role)) throw new CircuitError(`${op.source}: its output ${op.output} is a graph input or model data, which no op may compute`, op.source);
    producer[op.output] = i;
  });
  const loose = g.outputs.filter((n) => producer[n] === undefined);
  if (loose.length > 0) throw new CircuitError(`graph outputs ${loose.join(", ")} are not computed by any op (an input or model data passed through): a proof would not bind them; drop them from the outputs`);
  const iv = checkBounds({ ...g, consts: {} } as QGraph);

  const tensors: Record<string, PlanTensor> = {};
  const witness: string[] = [], model: string[] = [];
  for (const t of Object.values(g.tensors)) {
    let kind: TensorKind;
    if (publicIn.has(t.name)) kind = "input";
    else if (publicOut.has(t.name)) kind = "output";
    else if (t.role === "weight" || t.role === "bias" || t.role === "const") kind = "model";
    else if (producer[t.name] !== undefined && WITNESS_PRODUCERS.has(g.ops[producer[t.name]!]!.kind)) kind = "witness";
    else kind = "virtual";
    tensors[t.name] = planTensor(t, kind);
    if (kind === "witness") witness.push(t.name);
    if (kind === "model") model.push(t.name);
  }

  const tables: Record<string, PlanTable> = {};
  const uses = new Map<string, PlanLookup["uses"]>();
  const addUse = (table: PlanTable, use: PlanLookup["uses"][number]) => {
    tables[table.key] ??= table;
    if (!uses.has(table.key)) uses.set(table.key, []);
    uses.get(table.key)!.push(use);
  };
  const builder: PlanBuilder = { tensors, witness, addUse };
  const requants: RequantProof[] = [];
  const maxes: MaxProof[] = [];
  const pools: PoolProof[] = [];
  g.ops.forEach((op, i) => {
    if (op.kind === "reducemax") {
      const x = tensors[op.inputs[0]!]!, xi = iv.get(op.inputs[0]!)!;
      const bits = unsignedBitsFor(xi.hi - xi.lo);
      if (bits > MAX_TABLE_LOG_ROWS) throw new CircuitError(`${op.source}: the values of ${x.name} span 2^${bits}, over the 2^${MAX_TABLE_LOG_ROWS}-row range table of this version; narrow its bit width`, op.source);
      const s = planTensor({ name: `${op.output}#s`, shape: x.shape, k: 0, bits: 1, signed: false }, "witness");
      const d = planTensor({ name: `${op.output}#d`, shape: x.shape, k: 0, bits, signed: false }, "witness");
      tensors[s.name] = s;
      tensors[d.name] = d;
      witness.push(s.name, d.name);
      addUse(rangeTable(bits), { columns: [d.name], shapeOf: x.name, label: `${op.source}: max of ${x.name}` });
      maxes.push({ op: i, onehot: s.name, diff: d.name });
    }
    if (op.kind === "maxpool") pools.push(planMaxPool(builder, op, i, iv.get(op.inputs[0]!)!));
    if (op.kind === "requant") {
      requants.push(planRequant(builder, op, i, iv.get(op.inputs[0]!)!));
    } else if (op.kind === "lookup") {
      const t = g.tables[op.table];
      if (!t) throw new CircuitError(`${op.source}: table ${op.table} is missing from the plan`, op.source);
      const rows = t.values.length;
      const logRows = log2Ceil(rows);
      if (rows !== 2 ** logRows || logRows < 1 || logRows > MAX_TABLE_LOG_ROWS) {
        throw new CircuitError(`${op.source}: table ${op.table} has ${rows} rows; proofs need a power of two from 2 to 2^${MAX_TABLE_LOG_ROWS}`, op.source);
      }
      const x = iv.get(op.inputs[0]!)!, lo = typeMin(t.input);
      if (x.lo < lo || x.hi > lo + rows - 1) {
        throw new CircuitError(`${op.source}: input can leave the domain of table ${op.table} (saturating tables are not provable in this version); requantize the input into the table's domain`, op.source);
      }
      // The bound analysis (and every accumulator's no-wrap guarantee downstream) takes the
      // output's interval as given; nothing else range-checks a lookup's output, so a table value
      // outside it (a hostile or edited VK) would let field and integer semantics part.
      const y = iv.get(op.output)!;
      const bad = t.values.findIndex((v) => v < y.lo || v > y.hi);
      if (bad >= 0) throw new CircuitError(`${op.source}: table ${op.table} has value ${t.values[bad]} at row ${bad}, outside [${y.lo}, ${y.hi}] of ${op.output}'s type; rebuild the table for that output type`, op.source);
      const xs = new Int32Array(rows);
      for (let j = 0; j < rows; j++) xs[j] = lo + j;
      addUse({ key: `fn:${op.table}`, logRows, columns: [xs, Int32Array.from(t.values)] }, { columns: [op.inputs[0]!, op.output], shapeOf: op.output, label: `${op.source}: ${t.fn} of ${op.inputs[0]}` });
    }
  });

  const lookups: PlanLookup[] = [];
  for (const key of Object.keys(tables).sort()) {
    const table = tables[key]!;
    // LogUp's multiplicities carry no range check: sound only while an instance has fewer than p
    // lookups (PROTOCOL §5), so a count can never wrap to cancel a value outside the table.
    const lookupCount = uses.get(key)!.reduce((n, u) => n + tensors[u.shapeOf]!.shape.reduce((a, b) => a * b, 1), 0);
    if (lookupCount >= FIELD_P) throw new CircuitError(`table ${key} would be looked up ${lookupCount} times, not below p; split the model`);
    const m = planTensor({ name: `#m:${key}`, shape: [2 ** table.logRows], k: 0, bits: 31, signed: false }, "witness");
    tensors[m.name] = m;
    witness.push(m.name);
    lookups.push({ table: key, uses: uses.get(key)!, multiplicity: m.name });
  }
  return { graph: g, tensors, witness, model, tables, lookups, requants, maxes, pools, producer };
}
