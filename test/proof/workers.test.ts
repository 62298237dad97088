// Issue 10: the proof does not depend on the number of threads. The hand-built MLP (always) and
// digits_cnn (shared data) proved with 1, 2 and 4 workers give the same proof.bin, which verifies,
// and the progress events say what each thread of the pool did between two progress points. The field operations a proof
// counts (every thread's kernels) are the same for any thread count.
import { describe, expect, it } from "vitest";
import { buildOutput, decodeTensorProto, publicInputs, readPk } from "../../src/core/artifacts/index.ts";
import { loadProvingKey, proveWithKey, setupKeys, type LoadedKey, type SetupKeys } from "../../src/core/prover/keys.ts";
import type { ProgressEvent } from "../../src/core/prover/index.ts";
import { createPool, nodePool } from "../../src/core/parallel/index.ts";
import { verifyFiles } from "../../src/core/verifier/files.ts";
import { fixtureFiles, joinParts } from "./keys-fixture.ts";
import { mlpFixture } from "./mlp-fixture.ts";
import { itShared } from "../shared-data.ts";
import { DIGITS_CNN, digitsCnnKeys } from "./digits-cnn-fixture.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Proves with 1, 2 and 4 threads; returns the proofs and the events of the pooled runs. */
async function proveAcross(key: LoadedKey, inputs: Record<string, Int32Array>) {
  const proofs: Uint8Array[] = [], events: ProgressEvent[] = [], fieldOps: number[] = [];
  for (const workers of [1, 2, 4]) {
    if (workers > 1) await nodePool(workers).ready;
    proofs.push(proveWithKey(key, inputs, { workers, onProgress: (e) => events.push(e) }).proof);
    fieldOps.push(events[events.length - 1]!.fieldOps);
  }
  return { proofs, fieldOps, pooled: events.filter((e) => e.worker !== undefined) };
}

describe("proving on a worker pool", () => {
  it("the MLP: the same proof with 1, 2 and 4 workers, verified, jobs attributed to workers", async () => {
    const f = fixtureFiles();
    const inputs = publicInputs(f.key.plan.graph, [decodeTensorProto(f.input)]);
    const { proofs, pooled, fieldOps } = await proveAcross(f.key, inputs);
    expect(proofs.map(hex)).toEqual([hex(f.proof), hex(f.proof), hex(f.proof)]);
    expect(fieldOps[0]).toBeGreaterThan(0);
    expect(fieldOps).toEqual([fieldOps[0], fieldOps[0], fieldOps[0]]);
    expect(verifyFiles(f.vk, f.input, f.output, proofs[2]!).ok).toBe(true);
    expect(pooled.length).toBeGreaterThan(0);
    expect(pooled.every((e) => e.worker! >= 0 && e.worker! < 4)).toBe(true);
    expect(pooled.every((e) => /^\d+ kernel calls \([\d.]+ ms\)$/.test(e.detail))).toBe(true);
  });

  // A pool whose worker never starts: every batch waits for the proving thread, so each one of
  // several jobs is filled with layer steps whatever the timing.
  itShared(DIGITS_CNN, "digits_cnn: its layers proved beside the lookups' batches give the one-thread proof", () => {
    const { key, inputs } = digitsCnnKeys();
    const alone = createPool(2, () => ({ postMessage() {}, terminate() {} }));
    const events: ProgressEvent[] = [];
    const proof = proveWithKey(key, inputs, { workers: alone, onProgress: (e) => events.push(e) }).proof;
    expect(hex(proof)).toBe(hex(proveWithKey(key, inputs).proof));
    const beside = events.map((e) => /\((\d+) of (\d+) ops proved beside the lookups\)/.exec(e.detail)).find((m) => m);
    expect(Number(beside?.[1])).toBeGreaterThan(0);
    // Each of them reported as it ran, marked as beside the lookups (the current stage stays theirs).
    const alongside = events.filter((e) => e.alongside === "lookups" && e.detail !== "");
    expect(alongside).toHaveLength(Number(beside![1]));
    // Then one empty report ends the last of them, before the layers stage.
    const end = events.findIndex((e) => e.alongside && e.detail === "");
    expect(end).toBeGreaterThan(events.lastIndexOf(alongside.at(-1)!));
    expect(end).toBeLessThan(events.findIndex((e) => e.stage === "layers" && !e.alongside));
    expect(alongside.every((e) => e.stage === "layers" && e.worker === undefined)).toBe(true);
    const i = events.findIndex((e) => e.alongside);
    expect(events.slice(0, i).at(-1)?.stage).toBe("lookups");
    // All of them beside the lookups: the layers ran on the proving thread alone.
    if (beside![1] === beside![2]) expect(events.find((e) => e.stage === "layers" && !e.alongside)?.backend).toBe("wasm");
    alone.close();
  }, 120_000);

  it("setup: the same vk.bin and pk.bin with 1, 2 and 4 workers, and its in-memory key proves as the one read back from pk.bin", async () => {
    const { graph, input } = mlpFixture(7);
    const runs: SetupKeys[] = [];
    for (const workers of [1, 2, 4]) {
      if (workers > 1) await nodePool(workers).ready;
      runs.push(setupKeys(graph, { workers }));
      // A proof on the same pool reuses the memory the setup gave back: pk.bin must not have pointed into it.
      proveWithKey(runs[runs.length - 1]!.key, input, { workers });
    }
    const pk = (k: SetupKeys) => hex(joinParts(k.pk));
    expect(runs.map((k) => hex(k.vk))).toEqual(runs.map(() => hex(runs[0]!.vk)));
    expect(runs.map(pk)).toEqual(runs.map(() => pk(runs[0]!)));
    const fromFile = proveWithKey(loadProvingKey(joinParts(runs[1]!.pk)), input).proof;
    expect(hex(proveWithKey(runs[1]!.key, input).proof)).toBe(hex(fromFile));

    // Kept in the pool's memory (the IDE's way): the same files; the key proves on that pool while
    // other proofs allocate around it, until it is released.
    const kept = setupKeys(graph, { workers: 2, keepInPool: true });
    expect(kept.release).toBeTypeOf("function");
    expect(kept.pk.at(-1)!.buffer).toBeInstanceOf(SharedArrayBuffer);
    proveWithKey(runs[1]!.key, input, { workers: 2 });
    expect(pk(kept)).toBe(pk(runs[0]!));
    expect(hex(proveWithKey(kept.key, input, { workers: 2 }).proof)).toBe(hex(fromFile));
    kept.release!();
    expect(setupKeys(graph, { workers: 1, keepInPool: true }).release).toBeUndefined();
  });

  itShared(DIGITS_CNN, "digits_cnn: the same proof with 1, 2 and 4 workers, verified", async () => {
    const { keys, key, inputBytes, inputs } = digitsCnnKeys();
    const { proofs, pooled, fieldOps } = await proveAcross(key, inputs);
    expect(fieldOps).toEqual([fieldOps[0], fieldOps[0], fieldOps[0]]);
    expect(hex(proofs[1]!)).toBe(hex(proofs[0]!));
    expect(hex(proofs[2]!)).toBe(hex(proofs[0]!));
    const output = buildOutput(key.plan.graph, proveWithKey(key, inputs).outputs, keys.digest);
    expect(verifyFiles(keys.vk, inputBytes, output, proofs[2]!).ok).toBe(true);
    expect(new Set(pooled.map((e) => e.worker)).size).toBeGreaterThan(1);
  }, 120_000);

  itShared(DIGITS_CNN, "digits_cnn: a streamed witness commitment (the code not kept) gives the same proof on 1 and 2 threads", async () => {
    const { key, inputs } = digitsCnnKeys();
    await nodePool(2).ready;
    const kept = proveWithKey(key, inputs).proof;
    const details: string[] = [];
    for (const workers of [1, 2]) {
      const streamed = proveWithKey(key, inputs, { workers, streamWitness: true, onProgress: (e) => details.push(e.detail) }).proof;
      expect(hex(streamed)).toBe(hex(kept));
    }
    expect(details.filter((d) => /streamed in blocks of rows/.test(d))).toHaveLength(2);
  }, 120_000);

  itShared(DIGITS_CNN, "digits_cnn: a streamed model commitment gives the same vk.bin, a pk.bin without code, and the same proofs", async () => {
    const { keys, key, inputs } = digitsCnnKeys();
    const proof = hex(proveWithKey(key, inputs).proof);
    await nodePool(2).ready;
    for (const workers of [1, 2]) {
      const streamed = setupKeys(key.qgraph, { streamModel: true, workers });
      expect(hex(streamed.vk)).toBe(hex(keys.vk));
      const pk = joinParts(streamed.pk);
      expect(readPk(pk).commitment.columns).toBeUndefined();
      expect(pk.length).toBeLessThan(joinParts(keys.pk).length / 2);
      // From pk.bin (the weights encoded again at the opening) and from the in-memory key.
      expect(hex(proveWithKey(loadProvingKey(pk), inputs, { workers }).proof)).toBe(proof);
      expect(hex(proveWithKey(streamed.key, inputs, { workers }).proof)).toBe(proof);
    }
  }, 120_000);
});
