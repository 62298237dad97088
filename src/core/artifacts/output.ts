// output.json: the statement's output, written by `zkml prove` and read by every verifier. The
// integers are what is proved; the dequantized values (v·2^−k) are a convenience the reader
// checks exactly against them, so a file can never show one thing and prove another.
import type { GraphSpec } from "../circuit/index.ts";
import { typeMax, typeMin } from "../quant/fixed.ts";
import { ArtifactError } from "./errors.ts";
import { hex } from "./hex.ts";

/** What every proof, file and message of v1 proves (PROTOCOL.md: integrity, not secrecy). */
export const INTEGRITY_NOTE = "integrity proof — weights and input are not hidden";

export interface OutputTensor {
  name: string;
  onnx?: string;
  shape: number[];
  k: number;
  bits: number;
  signed: boolean;
  values: number[];
  dequantized: number[];
}

export interface OutputDoc {
  proof: string;
  statement: string;
  vkDigest: string;
  outputs: OutputTensor[];
}

export function buildOutput(graph: GraphSpec, values: Readonly<Record<string, ArrayLike<number>>>, vkDigest: Uint8Array): OutputDoc {
  return {
    proof: INTEGRITY_NOTE,
    statement: "the quantized model of this verifying key, run on the public input, gives these outputs",
    vkDigest: hex(vkDigest),
    outputs: graph.outputs.map((name) => {
      const t = graph.tensors[name]!;
      const v = Array.from(values[name]!);
      return { name, ...(t.onnx ? { onnx: t.onnx } : {}), shape: [...t.shape], k: t.k, bits: t.bits, signed: t.signed, values: v, dequantized: v.map((x) => x * 2 ** -t.k) };
    }),
  };
}

function fail(detail: string): never {
  throw new ArtifactError(`output.json: ${detail}`);
}

/**
 * The proved output's integers by tensor name, from output.json (bytes, text or parsed). Checks
 * that it describes this VK's outputs (names, shapes, types, digest when present) and that the
 * dequantized values are exactly v·2^−k.
 */
export function parseOutput(input: Uint8Array | string | unknown, graph: GraphSpec, vkDigest: Uint8Array): Record<string, Int32Array> {
  let doc: unknown = input;
  if (input instanceof Uint8Array || typeof input === "string") {
    try {
      doc = JSON.parse(typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input));
    } catch (e) {
      fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail("must be a JSON object with an 'outputs' array");
  const d = doc as Record<string, unknown>;
  if (d.vkDigest !== undefined && d.vkDigest !== hex(vkDigest)) fail(`was made for the verifying key ${String(d.vkDigest).slice(0, 16)}…, not this one (${hex(vkDigest).slice(0, 16)}…)`);
  const list = d.outputs;
  if (!Array.isArray(list) || list.length !== graph.outputs.length) fail(`'outputs' must list the model's ${graph.outputs.length} output(s)`);
  const out: Record<string, Int32Array> = {};
  graph.outputs.forEach((name, i) => {
    const t = graph.tensors[name]!;
    const o = list[i] as Record<string, unknown> | null;
    if (typeof o !== "object" || o === null) fail(`outputs[${i}] must be an object`);
    if (o.name !== name) fail(`outputs[${i}] is '${String(o.name)}', expected '${name}'`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (o.shape !== undefined && (!Array.isArray(o.shape) || o.shape.length !== t.shape.length || o.shape.some((x, j) => x !== t.shape[j]))) fail(`${name}: shape must be [${t.shape}]`);
    for (const f of ["k", "bits", "signed"] as const) if (o[f] !== undefined && o[f] !== t[f]) fail(`${name}: ${f} is ${String(o[f])}, the VK says ${String(t[f])}`);
    const values = o.values;
    if (!Array.isArray(values) || values.length !== size) fail(`${name}: 'values' must hold ${size} integers`);
    const lo = typeMin(t), hi = typeMax(t);
    const ints = new Int32Array(size);
    values.forEach((x, j) => {
      if (typeof x !== "number" || !Number.isInteger(x) || x < lo || x > hi) fail(`${name}: values[${j}] = ${JSON.stringify(x)} is not an integer of its ${t.bits}-bit type`);
      ints[j] = x;
    });
    if (o.dequantized !== undefined) {
      const dq = o.dequantized;
      if (!Array.isArray(dq) || dq.length !== size) fail(`${name}: 'dequantized' must hold ${size} numbers`);
      dq.forEach((x, j) => {
        if (x !== ints[j]! * 2 ** -t.k) fail(`${name}: dequantized[${j}] = ${JSON.stringify(x)} is not values[${j}]·2^−${t.k} = ${ints[j]! * 2 ** -t.k}`);
      });
    }
    out[name] = ints;
  });
  return out;
}
