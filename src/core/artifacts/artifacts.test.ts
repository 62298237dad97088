// Artifact formats against independent references and hostile bytes: the graph spec's canonical
// JSON, the TensorProto reader (vs the protobufjs decoder), output.json, and the VK/proof/pk
// containers (truncation, trailing bytes, versions, magic, lengths, weak parameters).
import { describe, expect, it } from "vitest";
import onnxProto from "onnx-proto";
import { compilePlan, type GraphSpec } from "../circuit/index.ts";
import { decodeTensorFile } from "../onnx/index.ts";
import { fromTensorData } from "../graph/index.ts";
import { xorshift32 } from "../graph/test-models.ts";
import { setupKeys, loadKey, loadProvingKey, proveWithKey } from "../prover/keys.ts";
import { mlpFixture } from "../../../test/proof/mlp-fixture.ts";
import { itShared, readShared } from "../../../test/shared-data.ts";
import {
  ArtifactError, buildOutput, decodeGraphSpec, decodeTensorProto, encodeGraphSpec, parseOutput, proofBounds, readPk, readPkAt, readProofFile, readVk,
  writeProofFile, writeVk, vkDigest, publicInputs, INTEGRITY_NOTE, hex,
} from "./index.ts";

const { onnx } = onnxProto;
const enc = new TextEncoder(), dec = new TextDecoder();

function fixtureSpec(): GraphSpec {
  const { consts: _c, ...spec } = mlpFixture(7).graph;
  return spec;
}

describe("graph spec (canonical JSON)", () => {
  const spec = fixtureSpec();
  const bytes = encodeGraphSpec(spec);

  it("round-trips to the same bytes, keeping the tensor order the plan lays out from", () => {
    const back = decodeGraphSpec(bytes);
    expect(encodeGraphSpec(back)).toEqual(bytes);
    expect(Object.keys(back.tensors)).toEqual(Object.keys(spec.tensors));
    expect(compilePlan(back).witness).toEqual(compilePlan(spec).witness);
  });

  it("stores tables as integers and only the fields a VK defines", () => {
    const withTable: GraphSpec = {
      ...spec,
      tables: { t: { fn: "relu", params: { alpha: 0.25 }, input: { k: 1, bits: 2, signed: true, name: "x" } as never, output: { k: 1, bits: 2, signed: false }, saturate: false, values: Int32Array.of(0, 0, 0, 1) } },
    };
    const text = dec.decode(encodeGraphSpec(withTable));
    expect(text).toContain('"tables":[{"fn":"relu","id":"t","input":{"bits":2,"k":1,"signed":true},"output":{"bits":2,"k":1,"signed":false},"params":{"alpha":0.25},"saturate":false,"values":[0,0,0,1]}]');
    expect(decodeGraphSpec(enc.encode(text)).tables.t!.values).toEqual(Int32Array.of(0, 0, 0, 1));
  });

  it("rejects bytes that are not the canonical encoding", () => {
    const text = dec.decode(bytes);
    const variants = [
      text.replace('{"inputs"', '{ "inputs"'),
      text.replace('"version":1', '"version":1.0'),
      text.replace('"inputs":["x"]', '"inputs":["x"],"inputs":["x"]'),
      text + "\n",
    ];
    for (const v of variants) expect(() => decodeGraphSpec(enc.encode(v)), v.slice(0, 40)).toThrow(/canonical|not valid/);
  });

  it("names the field of every structural error", () => {
    const mutate = (f: (o: Record<string, unknown>) => void) => {
      const o = JSON.parse(dec.decode(bytes));
      f(o);
      return () => decodeGraphSpec(enc.encode(JSON.stringify(o)));
    };
    expect(mutate((o) => ((o.ops as Record<string, unknown>[])[0]!.extra = 1))).toThrow(/ops\[0\]: unknown field 'extra'/);
    expect(mutate((o) => ((o.ops as Record<string, unknown>[])[1]!.inputs = ["nope"]))).toThrow(/ops\[1\]\.inputs\[0\]: names no tensor/);
    expect(mutate((o) => ((o.tensors as Record<string, unknown>[])[0]!.bits = 40))).toThrow(/tensors\[0\]\.bits: must be an integer in \[1, 32\]/);
    expect(mutate((o) => ((o.tensors as Record<string, unknown>[])[0]!.name = "__proto__"))).toThrow(/not a valid name/);
    expect(mutate((o) => ((o.tensors as Record<string, unknown>[])[0]!.shape = [2 ** 27]))).toThrow(/shape/);
    // 17^6 ≈ 2^24.5 live but 32^6 = 2^30 padded: refused before any layout is allocated.
    expect(mutate((o) => ((o.tensors as Record<string, unknown>[])[0]!.shape = [17, 17, 17, 17, 17, 17, 1]))).toThrow(/pads to more than 2\^28/);
    expect(mutate((o) => (o.tensors as unknown[]).push((o.tensors as unknown[])[0]))).toThrow(/defined twice/);
    expect(mutate((o) => (o.version = 2))).toThrow(/version/);
    expect(() => decodeGraphSpec(Uint8Array.of(0xff, 0xfe))).toThrow(ArtifactError);
  });
});

describe("TensorProto reader", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["float_data", { dims: [2, 3], dataType: 1, floatData: [1.5, -2.25, 0, 3e-5, 1e6, -7] }],
    ["int32_data with negatives", { dims: [4], dataType: 6, int32Data: [-1, 2, -2147483648, 2147483647] }],
    ["int8 in int32_data", { dims: [3], dataType: 3, int32Data: [-128, 0, 127] }],
    ["int64_data with negatives", { dims: [3], dataType: 7, int64Data: [-5, 0, 9007199254740991] }],
    ["double_data", { dims: [2], dataType: 11, doubleData: [0.1, -1e-300] }],
    ["raw float32", { dims: [1, 4], dataType: 1, rawData: new Uint8Array(Float32Array.of(0.5, -0.5, 2, 1 / 3).buffer) }],
    ["raw int64", { dims: [2], dataType: 7, rawData: new Uint8Array(BigInt64Array.of(-3n, 4n).buffer) }],
    ["raw uint8", { dims: [3], dataType: 2, rawData: Uint8Array.of(0, 200, 255) }],
    ["raw float16", { dims: [3], dataType: 10, rawData: new Uint8Array(Uint16Array.of(0x3c00, 0xc000, 0x0001).buffer) }],
    ["scalar", { dims: [], dataType: 1, floatData: [4] }],
  ];
  for (const [name, fields] of cases) {
    it(`agrees with the protobufjs decoder: ${name}`, () => {
      const bytes = onnx.TensorProto.encode(fields).finish();
      const ref = fromTensorData(decodeTensorFile(bytes));
      const mine = decodeTensorProto(bytes);
      expect(mine.shape).toEqual(ref.shape);
      expect(Array.from(mine.data)).toEqual(Array.from(ref.data as ArrayLike<number | bigint>, Number));
    });
  }

  itShared("models/digits_cnn/test_data_set_0/input_0.pb", "reads the shared models' inputs exactly", () => {
    for (const m of ["digits_mlp", "digits_cnn", "vgg16_cifar10"]) {
      const bytes = readShared(`models/${m}/test_data_set_0/input_0.pb`);
      const ref = fromTensorData(decodeTensorFile(bytes));
      const mine = decodeTensorProto(bytes);
      expect(mine.dtype).toBe("float32");
      expect(mine.shape).toEqual(ref.shape);
      expect(mine.data).toEqual(Float64Array.from(ref.data as Float32Array));
    }
  });

  it("rejects truncation, a wrong element count, external data and unknown types with a reason", () => {
    const good = onnx.TensorProto.encode({ dims: [2], dataType: 1, floatData: [1, 2] }).finish();
    expect(() => decodeTensorProto(good.subarray(0, good.length - 1))).toThrow(/input tensor: /);
    expect(() => decodeTensorProto(onnx.TensorProto.encode({ dims: [3], dataType: 1, floatData: [1, 2] }).finish())).toThrow(/holds 2 values/);
    expect(() => decodeTensorProto(onnx.TensorProto.encode({ dims: [1], dataType: 1, dataLocation: 1 }).finish())).toThrow(/external data/);
    expect(() => decodeTensorProto(onnx.TensorProto.encode({ dims: [1], dataType: 8, stringData: [enc.encode("a")] }).finish())).toThrow(/string tensors|not a supported/);
    expect(() => decodeTensorProto(onnx.TensorProto.encode({ dims: [2 ** 20, 2 ** 10], dataType: 1 }).finish())).toThrow(/limit/);
  });

  it("never throws anything but ArtifactError on random byte flips", () => {
    const good = onnx.TensorProto.encode({ dims: [2, 3], dataType: 1, floatData: [1, 2, 3, 4, 5, 6], name: "x" }).finish();
    const rng = xorshift32(5);
    for (let k = 0; k < 2000; k++) {
      const b = good.slice();
      for (let f = 0; f < 1 + Math.floor(rng() * 3); f++) b[Math.floor(rng() * b.length)]! ^= 1 << Math.floor(rng() * 8);
      try {
        decodeTensorProto(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ArtifactError);
      }
    }
  });
});

describe("output.json and public inputs", () => {
  const spec = fixtureSpec();
  const digest = new Uint8Array(32).fill(3);
  const values = { out: Int32Array.of(-128, 0, 5, 127, -3) };

  it("round-trips the integers, says what is proved and checks dequantized values exactly", () => {
    const doc = buildOutput(spec, values, digest);
    expect(doc.proof).toBe(INTEGRITY_NOTE);
    expect(doc.outputs[0]!.dequantized).toEqual([-8, 0, 0.3125, 7.9375, -0.1875]);
    expect(parseOutput(JSON.stringify(doc), spec, digest)).toEqual(values);
    const edited = structuredClone(doc);
    edited.outputs[0]!.dequantized[2] = 0.3;
    expect(() => parseOutput(edited, spec, digest)).toThrow(/dequantized\[2\] = 0.3 is not values\[2\]·2\^−4/);
  });

  it("rejects another VK's output, a wrong shape, a value outside its type and non-JSON", () => {
    const doc = buildOutput(spec, values, digest);
    expect(() => parseOutput(doc, spec, new Uint8Array(32))).toThrow(/another|not this one/);
    expect(() => parseOutput({ ...doc, outputs: [{ ...doc.outputs[0], shape: [5] }] }, spec, digest)).toThrow(/shape must be \[1,5\]/);
    expect(() => parseOutput({ ...doc, outputs: [{ ...doc.outputs[0], values: [128, 0, 0, 0, 0], dequantized: undefined }] }, spec, digest)).toThrow(/8-bit type/);
    expect(() => parseOutput(enc.encode("{not json"), spec, digest)).toThrow(/not valid JSON/);
  });

  it("quantizes a float input as clamp(floor(x·2^k + ½)) and takes integer inputs as they are", () => {
    const x = { name: "x", dtype: "float32" as const, shape: [1, 6], data: Float64Array.of(0.03125, -0.03125, 100, -100, 0.5, 1 / 3) };
    // k = 4: 0.03125·16 = 0.5 → floor(1) = 1 (half up); −0.5 → floor(0) = 0; ±1600 clamp; (1/3)·16 + ½ → 5.
    expect(Array.from(publicInputs(spec, [x]).x!)).toEqual([1, 0, 127, -128, 8, 5]);
    const ints = { ...x, dtype: "int32" as const, data: Float64Array.of(1, 2, 3, 4, 5, -128) };
    expect(Array.from(publicInputs(spec, [ints]).x!)).toEqual([1, 2, 3, 4, 5, -128]);
    expect(() => publicInputs(spec, [{ ...ints, data: Float64Array.of(1, 2, 3, 4, 5, 128) }])).toThrow(/not an integer of its 8-bit type/);
    expect(() => publicInputs(spec, [{ ...x, data: new Float64Array(5) }])).toThrow(/needs 6 values/);
  });
});

describe("VK, proof and proving-key containers", () => {
  const { graph } = mlpFixture(7);
  const keys = setupKeys(graph);
  const pk = new Uint8Array(keys.pk.reduce((a, p) => a + p.length, 0));
  keys.pk.reduce((at, p) => (pk.set(p, at), at + p.length), 0);

  it("setup is deterministic: the same model gives the same VK bytes and digest", () => {
    const again = setupKeys(mlpFixture(7).graph);
    expect(again.vk).toEqual(keys.vk);
    expect(hex(again.digest)).toBe(hex(keys.digest));
    expect(hex(vkDigest(keys.vk))).toBe(hex(keys.digest));
  });

  it("reads back what it wrote", () => {
    const p = readVk(keys.vk);
    expect(writeVk(p.vk)).toEqual(keys.vk);
    expect(p.digest).toEqual(keys.digest);
    const k = readPk(pk);
    expect(k.vkDigest).toEqual(keys.digest);
    expect(k.consts.w1).toEqual(graph.consts.w1);
    expect(loadProvingKey(pk).model.data.root).toEqual(p.vk.model.root);
  });

  it("reads a proving key from a Node Buffer at any byte offset (readFileSync's, whose slice() is a view)", () => {
    for (const shift of [0, 1, 2, 3]) {
      const buf = Buffer.alloc(pk.length + shift);
      buf.set(pk, shift);
      const k = readPk(buf.subarray(shift));
      expect(k.consts.w1).toEqual(graph.consts.w1);
      expect(k.commitment.columns).toEqual(readPk(pk).commitment.columns);
    }
  });

  it("a proving key whose encoded model is damaged fails the proof at the first damaged column it opens, by name", () => {
    const { input } = mlpFixture(7);
    expect(proveWithKey(loadProvingKey(pk), input).proof.length).toBeGreaterThan(0);
    for (const word of [(x: number) => (x + 1) % 2130706433, () => 0xffffffff]) {
      const damaged = pk.slice();
      // The encoded model is a view into the file's bytes: damage the first word of every column.
      const cols = readPk(damaged).commitment.columns!, rows = 2 ** readPk(damaged).commitment.params.logRows;
      for (let j = 0; j < cols.length; j += rows) cols[j] = word(cols[j]!);
      const key = loadProvingKey(damaged);
      expect(() => proveWithKey(key, input)).toThrow(/column \d+ of the committed matrix does not match its Merkle leaf; .*re-run zkml setup/);
    }
  });

  it("reads a proving key at offsets: the head at once, each encoded column when asked, the same proof", () => {
    let read = 0;
    const at = (bytes: Uint8Array) => (offset: number, length: number) => {
      if (offset < 0 || offset + length > bytes.length) throw new Error("read past the end");
      read += length;
      return bytes.slice(offset, offset + length);
    };
    const full = readPk(pk), lazy = readPkAt(pk.length, at(pk));
    const { columns, ...commitment } = lazy.commitment;
    const { columns: kept, ...expected } = full.commitment;
    expect({ ...lazy, commitment }).toEqual({ ...full, commitment: expected });
    // Nothing of the encoded model is read until a column is asked for.
    expect(read).toBeLessThan(pk.length - 4 * kept!.length + 32);
    const rows = 2 ** full.commitment.params.logRows, cols = kept!.length / rows;
    for (const j of [0, 1, cols - 1]) expect(columns!.column(j)).toEqual(kept!.subarray(j * rows, (j + 1) * rows));
    expect(() => columns!.column(cols)).toThrow(/no encoded column/);
    const { input } = mlpFixture(7);
    expect(proveWithKey(loadKey(readPkAt(pk.length, at(pk))), input).proof).toEqual(proveWithKey(loadProvingKey(pk), input).proof);
    // A truncated or extended file, and bad magic, are refused by name.
    expect(() => readPkAt(pk.length - 1, at(pk))).toThrow(/encoded model section says \d+ bytes where the file has/);
    expect(() => readPkAt(100, at(pk))).toThrow(/truncated/);
    const longer = Uint8Array.from([...pk, 0]);
    expect(() => readPkAt(longer.length, at(longer))).toThrow(ArtifactError);
    const magic = pk.slice();
    magic[0] = 0;
    expect(() => readPkAt(magic.length, at(magic))).toThrow(/bad magic/);
  });

  it("rejects a truncated VK, a trailing byte, another version, bad magic and an oversized length", () => {
    expect(() => readVk(keys.vk.subarray(0, keys.vk.length - 1))).toThrow(ArtifactError);
    expect(() => readVk(Uint8Array.from([...keys.vk, 0]))).toThrow(/trailing/);
    // A key of the previous version (its graph compiles to another plan now) is refused by name.
    const v1 = keys.vk.slice();
    v1[8] = 1;
    expect(() => readVk(v1)).toThrow(/version 1 is not supported \(this build reads version 2\); re-create it/);
    const magic = keys.vk.slice();
    magic[0] = 0;
    expect(() => readVk(magic)).toThrow(/bad magic/);
    const long = keys.vk.slice();
    new DataView(long.buffer).setUint32(12, 0xfffffff0, true);
    expect(() => readVk(long)).toThrow(/exceeds the maximum|truncated/);
  });

  it("rejects a VK whose commitment parameters are below 100 bits", () => {
    const p = readVk(keys.vk);
    const weak = writeVk({ ...p.vk, model: { ...p.vk.model, params: { ...p.vk.model.params, queries: 20 } } });
    expect(() => readVk(weak)).toThrow(/bits of security/);
  });

  it("bounds a proof's sections by the plan and rejects truncation, trailing bytes and non-canonical words", () => {
    const plan = compilePlan(readVk(keys.vk).vk.graph);
    const bounds = proofBounds(plan, readVk(keys.vk).vk.model.params);
    const file = { vkDigest: keys.digest, body: Uint32Array.of(1, 2, 3), witnessRoot: new Uint8Array(32), witnessOpening: Uint8Array.of(1, 2), modelOpening: new Uint8Array(0) };
    const bytes = writeProofFile(file);
    expect(readProofFile(bytes, bounds)).toEqual(file);
    expect(() => readProofFile(bytes.subarray(0, bytes.length - 1), bounds)).toThrow(ArtifactError);
    expect(() => readProofFile(Uint8Array.from([...bytes, 7]), bounds)).toThrow(/trailing/);
    const nonCanonical = writeProofFile({ ...file, body: Uint32Array.of(1, 2, 3) });
    // The body's first word sits after magic (8), version (4), digest section (4 + 32), body section length (4) and count (4).
    new DataView(nonCanonical.buffer).setUint32(8 + 4 + 36 + 4 + 4, 2130706433, true);
    expect(() => readProofFile(nonCanonical, bounds)).toThrow(/not canonical/);
    const tooLong = writeProofFile({ ...file, body: new Uint32Array(bounds.bodyWords + 1) });
    expect(() => readProofFile(tooLong, bounds)).toThrow(/exceeds the maximum/);
  });
});
