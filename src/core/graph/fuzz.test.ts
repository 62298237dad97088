// Fuzzing the front end with mutated copies of the shared models (bit flips, truncations,
// byte overwrites, and structural swaps of decoded fields). Every case must load (and, for the
// small models, evaluate) or throw a typed error — no other exception, no slow case, no
// allocation beyond the memory limit. Counts rise under ZKML_FULL.
import { readFileSync } from "node:fs";
import { describe, expect } from "vitest";
import onnxProto from "onnx-proto";
import { itShared, sharedPath } from "../../../test/shared-data.ts";
import { evaluate, EvalError } from "../eval/index.ts";
import { decodeModel, OnnxError } from "../onnx/index.ts";
import { GraphError, loadGraph, type Tensor } from "./index.ts";
import { xorshift32 as rng } from "./test-models.ts";

const { onnx } = onnxProto;
const FULL = !!process.env.ZKML_FULL;
const MAX_BYTES = 2 ** 28; // the memory limit the fuzzed loads run under
const SLOW_MS = 2000;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A byte position biased to the graph structure (first and last bytes) over the weights. */
function position(r: Rand, n: number): number {
  const u = r();
  if (u < 0.4) return Math.floor(r() * Math.min(n, 16384));
  if (u < 0.8) return Math.max(0, n - 1 - Math.floor(r() * Math.min(n, 4096)));
  return Math.floor(r() * n);
}

function byteMutation(r: Rand, src: Uint8Array): { bytes: Uint8Array; what: string } {
  const kind = pick(r, ["flip", "flip", "truncate", "overwrite", "splice"] as const);
  const b = src.slice();
  const at = position(r, b.length);
  switch (kind) {
    case "flip": {
      const flips = 1 + Math.floor(r() * 4);
      for (let i = 0; i < flips; i++) { const p = position(r, b.length); b[p] = b[p]! ^ (1 << Math.floor(r() * 8)); }
      return { bytes: b, what: `${flips} bit flip(s)` };
    }
    case "truncate":
      return { bytes: b.subarray(0, at), what: `truncated at ${at}` };
    case "overwrite": {
      const len = 1 + Math.floor(r() * 8);
      for (let i = 0; i < len && at + i < b.length; i++) b[at + i] = Math.floor(r() * 256);
      return { bytes: b, what: `${len} byte(s) overwritten at ${at}` };
    }
    case "splice": {
      const from = position(r, b.length), len = 1 + Math.floor(r() * 64);
      b.copyWithin(at, from, from + len);
      return { bytes: b, what: `copied ${len} byte(s) from ${from} to ${at}` };
    }
  }
}

type ModelMsg = onnxProto.onnx.ModelProto;

/** Swaps or corrupts decoded fields: the kinds of damage byte flips rarely reach. */
function fieldMutation(r: Rand, m: ModelMsg): string {
  const g = m.graph as onnxProto.onnx.GraphProto;
  const nodes = g.node as onnxProto.onnx.NodeProto[];
  const inits = g.initializer as onnxProto.onnx.TensorProto[];
  const n1 = pick(r, nodes), n2 = pick(r, nodes);
  const kind = pick(r, ["inputs", "outputs", "opType", "attrs", "dims", "drop-init", "opset", "cycle", "input-shape", "domain"] as const);
  switch (kind) {
    case "inputs": [n1.input, n2.input] = [n2.input, n1.input]; break;
    case "outputs": [n1.output, n2.output] = [n2.output, n1.output]; break;
    case "opType": [n1.opType, n2.opType] = [n2.opType, pick(r, ["Conv", "Reshape", "Gemm", "MatMul", "Concat", "Nope", ""])]; break;
    case "attrs": [n1.attribute, n2.attribute] = [n2.attribute, n1.attribute]; break;
    case "dims": {
      const t = inits.length ? pick(r, inits) : undefined;
      if (t) t.dims = pick(r, [[], [0], [-1], [2 ** 40], [...t.dims].reverse(), [...t.dims, 2], [3, 2 ** 20, 2 ** 20]]);
      break;
    }
    case "drop-init": if (inits.length) inits.splice(Math.floor(r() * inits.length), 1); break;
    case "opset": m.opsetImport = [{ domain: "", version: pick(r, [0, 1, 99, 2 ** 31, -5]) }]; break;
    case "cycle":
      if (n1.output.length && n2.input.length) {
        n2.input[0] = n1.output[0]!;
        n1.input[0] = n2.output[0] ?? "";
      }
      break;
    case "input-shape": {
      const dims = g.input[0]?.type?.tensorType?.shape?.dim;
      if (dims?.length) dims[Math.floor(r() * dims.length)] = pick(r, [{ dimValue: -3 }, { dimValue: 0 }, { dimValue: 2 ** 45 }, { dimParam: "seq" }, {}]);
      break;
    }
    case "domain": n1.domain = pick(r, ["com.microsoft", "ai.onnx.ml", "ai.onnx"]); break;
  }
  return `field mutation ${kind} (${n1.name}, ${n2.name})`;
}

function zeros(g: ReturnType<typeof loadGraph>): Record<string, Tensor> {
  return Object.fromEntries(g.inputs.map((i) => {
    const n = i.shape.reduce((a, b) => a * b, 1);
    return [i.name, { dtype: i.dtype, shape: i.shape, data: i.dtype === "float32" ? new Float32Array(n) : new Float64Array(n) } as Tensor];
  }));
}

/** Loads (and maybe evaluates) one mutated model; returns "ok", the typed error's class, or throws. */
function attempt(bytes: Uint8Array, evaluateToo: boolean): string {
  try {
    const g = loadGraph(decodeModel(bytes), { maxBytes: MAX_BYTES });
    if (evaluateToo) evaluate(g, zeros(g));
    return "ok";
  } catch (e) {
    if (e instanceof OnnxError || e instanceof GraphError || e instanceof EvalError) return e.name;
    throw e;
  }
}

interface Plan { model: string; bytes: number; fields: number; evaluate: boolean }

const PLANS: Plan[] = [
  { model: "digits_mlp", bytes: FULL ? 30000 : 3000, fields: FULL ? 10000 : 1000, evaluate: true },
  { model: "digits_cnn", bytes: FULL ? 30000 : 3000, fields: FULL ? 10000 : 1000, evaluate: true },
  { model: "tiny_gpt", bytes: FULL ? 10000 : 1000, fields: FULL ? 4000 : 500, evaluate: false },
  { model: "vgg16_cifar10", bytes: FULL ? 400 : 40, fields: FULL ? 100 : 15, evaluate: false },
];

describe("fuzzing the front end with mutated shared models", () => {
  for (const p of PLANS) {
    itShared(`models/${p.model}/model.onnx`, `${p.model}: ${p.bytes} byte mutations and ${p.fields} field mutations load or throw a typed error`, () => {
      const src = new Uint8Array(readFileSync(sharedPath(`models/${p.model}/model.onnx`)));
      const r = rng(0xf022 + p.model.length);
      const outcomes: Record<string, number> = {};
      const baseBuffers = process.memoryUsage().arrayBuffers;
      let peak = 0;
      const run = (i: number, bytes: Uint8Array, what: string) => {
        const t0 = performance.now();
        let result: string;
        try {
          result = attempt(bytes, p.evaluate);
        } catch (e) {
          throw new Error(`case ${i} (${what}) threw an untyped ${(e as Error).name}: ${(e as Error).stack}`);
        }
        const ms = performance.now() - t0;
        expect(ms, `case ${i} (${what}) took ${ms.toFixed(0)} ms`).toBeLessThan(SLOW_MS);
        outcomes[result] = (outcomes[result] ?? 0) + 1;
        if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseBuffers);
      };
      for (let i = 0; i < p.bytes; i++) {
        const m = byteMutation(r, src);
        run(i, m.bytes, m.what);
      }
      for (let i = 0; i < p.fields; i++) {
        const msg = onnx.ModelProto.decode(src);
        const what = fieldMutation(r, msg);
        run(p.bytes + i, onnx.ModelProto.encode(msg).finish(), what);
      }
      // both outcomes occur: the mutations reach the decoder and the graph checks
      expect(Object.keys(outcomes).length, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(2);
      expect(peak).toBeLessThan(MAX_BYTES + 4 * src.length);
    }, 300_000);
  }
});
