// The proof commands end to end on digits_mlp (setup → prove → verify → show), their exit codes
// and messages; and the exported verifier run from its files alone, in a directory with nothing
// else, on the hand-built MLP's files.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { INTEGRITY_NOTE } from "../../src/core/artifacts/index.ts";
import { main } from "../../src/cli/main.ts";
import type { Output } from "../../src/cli/io.ts";
import { exportVerifier, CLI_FILE, MODULE_FILE, PAGE_FILE } from "../../src/cli/export/bundle.ts";
import { loadGraph } from "../../src/core/graph/index.ts";
import { decodeModel, decodeTensorFile } from "../../src/core/onnx/index.ts";
import { fromTensorData } from "../../src/core/graph/index.ts";
import { parsePlan, quantizeWithPlan, runQuantized } from "../../src/core/quant/index.ts";
import { fixtureFiles } from "../proof/keys-fixture.ts";
import { itShared, readShared, sharedPath } from "../shared-data.ts";
import { nodeGpuDevice } from "../../src/core/kernels/gpu-node.ts";

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [], stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function zkml(...args: string[]) {
  const io = capture();
  const code = await main(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const MODEL = "models/digits_mlp/model.onnx";
const INPUT = "models/digits_mlp/test_data_set_0/input_0.pb";

describe("zkml setup / prove / verify / show", () => {
  const dir = mkdtempSync(join(tmpdir(), "zkml-proof-"));
  const keys = join(dir, "nested", "keys"), out = join(dir, "out");

  itShared(MODEL, "setup without --plan calibrates with the defaults and says so; prove and verify accept", async () => {
    const s = await zkml("setup", sharedPath(MODEL), "-o", keys);
    expect(s.code).toBe(0);
    expect(s.err).toMatch(/no --plan: calibrated with the default settings on generated: 16 samples, seed 1.*deterministic/);
    expect(s.out).toContain(INTEGRITY_NOTE);
    for (const f of ["vk.bin", "pk.bin", "plan.json"]) expect(existsSync(join(keys, f))).toBe(true);

    const p = await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", out);
    expect(p.code).toBe(0);
    expect(p.out).toContain(INTEGRITY_NOTE);
    const doc = JSON.parse(readFileSync(join(out, "output.json"), "utf8"));
    expect(doc.proof).toBe(INTEGRITY_NOTE);
    expect(doc.outputs[0].shape).toEqual([1, 10]);

    const v = await zkml("verify", "--vk", join(keys, "vk.bin"), "--input", sharedPath(INPUT), "--output", join(out, "output.json"), "--proof", join(out, "proof.bin"));
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^accepted: .*integrity proof — weights and input are not hidden/);
  }, 120_000);

  itShared(MODEL, "setup --compact-pk: the same vk.bin, a pk.bin without the encoded weights that proves the same proof.bin", async () => {
    const compact = join(dir, "compact"), c = await zkml("setup", sharedPath(MODEL), "--plan", join(keys, "plan.json"), "-o", compact, "--compact-pk");
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/each proof encodes them again/);
    expect(readFileSync(join(compact, "vk.bin")).equals(readFileSync(join(keys, "vk.bin")))).toBe(true);
    expect(readFileSync(join(compact, "pk.bin")).length).toBeLessThan(readFileSync(join(keys, "pk.bin")).length / 2);
    const shown = JSON.parse((await zkml("show", join(compact, "pk.bin"), "--json")).out);
    expect(shown).toMatchObject({ encodedWords: 0, encodedModel: "not kept (each proof encodes the weights again)" });
    const o = join(dir, "compact-out");
    expect((await zkml("prove", sharedPath(MODEL), "--keys", compact, "--input", sharedPath(INPUT), "-o", o)).code).toBe(0);
    expect(readFileSync(join(o, "proof.bin")).equals(readFileSync(join(out, "proof.bin")))).toBe(true);
  }, 120_000);

  itShared(MODEL, "prove reads pk.bin's encoded weights from the file as it opens them; a truncated, damaged or missing pk.bin is named", async () => {
    const bad = join(dir, "bad-keys"), o = join(dir, "bad-out");
    const prove = () => zkml("prove", sharedPath(MODEL), "--keys", bad, "--input", sharedPath(INPUT), "-o", o);
    const pk = readFileSync(join(keys, "pk.bin"));
    mkdirSync(bad, { recursive: true });
    copyFileSync(join(keys, "vk.bin"), join(bad, "vk.bin"));
    writeFileSync(join(bad, "pk.bin"), pk.subarray(0, pk.length - 100));
    const truncated = await prove();
    expect(truncated.code).toBe(1);
    expect(truncated.err).toMatch(/proving key: its encoded model section says \d+ bytes where the file has \d+ \(run zkml setup again\)/);
    // Every encoded word damaged: the first column the proof opens does not match its leaf.
    const { encodedWords } = JSON.parse((await zkml("show", join(keys, "pk.bin"), "--json")).out);
    const damaged = Buffer.from(pk);
    for (let i = damaged.length - 4 * encodedWords; i < damaged.length; i += 4) damaged.writeUInt32LE(7, i);
    writeFileSync(join(bad, "pk.bin"), damaged);
    const opened = await prove();
    expect(opened.code).toBe(1);
    expect(opened.err).toMatch(/does not match its Merkle leaf; the data is damaged \(a proving key: re-run zkml setup\)/);
    rmSync(join(bad, "pk.bin"));
    expect((await prove()).err).toMatch(/cannot read proving key .*pk\.bin: no such file/);
  }, 120_000);

  itShared(MODEL, "prove --workers N writes the same proof.bin for 1 and 3 threads; a bad count is refused", async () => {
    const one = join(dir, "w1"), three = join(dir, "w3");
    expect((await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", one, "--workers", "1")).code).toBe(0);
    const p = await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", three, "--workers", "3", "--json");
    expect(p.code).toBe(0);
    expect(JSON.parse(p.out).workers).toBe(3);
    expect(readFileSync(join(three, "proof.bin"))).toEqual(readFileSync(join(one, "proof.bin")));
    const bad = await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", three, "--workers", "0");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--workers 0: give a whole number of threads from 1 to 64/);
  }, 120_000);

  itShared(MODEL, "prove --gpu force commits the witness on WebGPU where Node has an adapter (else says why): the same proof.bin", async () => {
    const one = join(dir, "w1"), gpu = join(dir, "gpu");
    if (!existsSync(join(one, "proof.bin"))) expect((await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", one, "--workers", "1")).code).toBe(0);
    const p = await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", gpu, "--workers", "2", "--gpu", "force", "--json");
    expect(p.code).toBe(0);
    const j = JSON.parse(p.out);
    const status = await nodeGpuDevice();
    expect(j.backends.commit).toBe(status.ok ? "webgpu" : "wasm × 2 threads");
    expect(j.gpu).toMatch(status.ok ? /^WebGPU on / : /falling back to wasm/);
    expect(j.backends.lookups).toBe("wasm × 2 threads");
    expect(readFileSync(join(gpu, "proof.bin"))).toEqual(readFileSync(join(one, "proof.bin")));
    const bad = await zkml("prove", sharedPath(MODEL), "--keys", keys, "--input", sharedPath(INPUT), "-o", gpu, "--gpu", "maybe");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--gpu maybe: give auto/);
  }, 120_000);

  itShared(MODEL, "the same model gives the same VK digest twice; the proved output is the integer evaluator's", async () => {
    const again = join(dir, "again");
    expect((await zkml("setup", sharedPath(MODEL), "-o", again)).code).toBe(0);
    expect(readFileSync(join(again, "vk.bin"))).toEqual(readFileSync(join(keys, "vk.bin")));
    const graph = loadGraph(decodeModel(readShared(MODEL)));
    const q = quantizeWithPlan(graph, parsePlan(readFileSync(join(keys, "plan.json"), "utf8")));
    const ref = runQuantized(q, { [q.inputs[0]!]: fromTensorData(decodeTensorFile(readShared(INPUT))) });
    const doc = JSON.parse(readFileSync(join(out, "output.json"), "utf8"));
    expect(doc.outputs[0].values).toEqual(Array.from(ref.get(q.outputs[0]!)!));
  }, 120_000);

  itShared(MODEL, "verify rejects a changed output with exit 1 and a reason; --json says so", async () => {
    const doc = JSON.parse(readFileSync(join(out, "output.json"), "utf8"));
    doc.outputs[0].values[0] += doc.outputs[0].values[0] < 0 ? 1 : -1;
    doc.outputs[0].dequantized[0] = doc.outputs[0].values[0] * 2 ** -doc.outputs[0].k;
    const bad = join(dir, "bad-output.json");
    writeFileSync(bad, JSON.stringify(doc));
    const args = ["verify", "--vk", join(keys, "vk.bin"), "--input", sharedPath(INPUT), "--output", bad, "--proof", join(out, "proof.bin")];
    const v = await zkml(...args);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/^rejected: /);
    const j = await zkml(...args, "--json");
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ accepted: false, proof: INTEGRITY_NOTE });
  }, 120_000);

  itShared(MODEL, "show describes a VK and a proof (digest, root, sizes, version)", async () => {
    const vk = JSON.parse((await zkml("show", join(keys, "vk.bin"), "--json")).out);
    expect(vk).toMatchObject({ kind: "verifying key", version: 2, proof: INTEGRITY_NOTE, inputs: [{ shape: [1, 64] }] });
    expect(vk.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(vk.model.root).toMatch(/^[0-9a-f]{64}$/);
    const pf = JSON.parse((await zkml("show", join(out, "proof.bin"), "--json")).out);
    expect(pf).toMatchObject({ kind: "proof", version: 3, vkDigest: vk.digest, sizeBytes: readFileSync(join(out, "proof.bin")).length });
    const text = await zkml("show", join(keys, "vk.bin"));
    expect(text.out).toContain(`digest: ${vk.digest}`);
    const pk = JSON.parse((await zkml("show", join(keys, "pk.bin"), "--json")).out);
    expect(pk).toMatchObject({ kind: "proving key", vkDigest: vk.digest, modelRoot: vk.model.root, encodedModel: "kept (proofs never re-encode the weights)" });
    expect(pk.encodedWords).toBeGreaterThan(0);
    const notKey = await zkml("show", sharedPath(MODEL));
    expect(notKey.code).toBe(1);
    expect(notKey.err).toMatch(/not a zkml verifying key, proof or proving key/);
  }, 60_000);

  itShared("models/digits_cnn/model.onnx", "prove refuses keys made for another model", async () => {
    const p = await zkml("prove", sharedPath("models/digits_cnn/model.onnx"), "--keys", keys, "--input", sharedPath(INPUT), "-o", join(dir, "x"));
    expect(p.code).toBe(1);
    expect(p.err).toMatch(/made for another model/);
  }, 60_000);
});

describe("exported verifier", () => {
  const f = fixtureFiles();

  it("bundles only the verifier's folders (nothing from the IDE, the prover or the ONNX decoder)", async () => {
    const { inputs } = await exportVerifier();
    const allowed = /^src\/(core\/(field|kernels|poly|transcript|sumcheck|pcs|lookup|relation|circuit|bytes|hash|artifacts|verifier)\/|core\/quant\/(fixed|bounds|indexmap|errors|qgraph)\.ts$|core\/graph\/(tensor|errors)\.ts$|core\/generation\/check\.ts$|cli\/export\/entry\.ts$)|^node_modules\/@noble\/hashes\//;
    const outside = inputs.map((p) => relative(process.cwd(), p).replace(/\\/g, "/")).filter((p) => !allowed.test(p));
    expect(outside).toEqual([]);
  });

  it("runs from its files alone in Node: accepts, and rejects after a byte flip", async () => {
    const exported = mkdtempSync(join(tmpdir(), "zkml-export-"));
    expect((await zkml("export-verifier", "-o", exported)).code).toBe(0);
    expect(readdirSync(exported).sort()).toEqual(["README.txt", CLI_FILE, PAGE_FILE, MODULE_FILE].sort());
    const alone = mkdtempSync(join(tmpdir(), "zkml-alone-"));
    for (const n of readdirSync(exported)) copyFileSync(join(exported, n), join(alone, n));
    writeFileSync(join(alone, "vk.bin"), f.vk);
    writeFileSync(join(alone, "x.pb"), f.input);
    writeFileSync(join(alone, "output.json"), JSON.stringify(f.output));
    writeFileSync(join(alone, "proof.bin"), f.proof);
    const bad = f.proof.slice();
    bad[Math.floor(bad.length / 3)]! ^= 0x40;
    writeFileSync(join(alone, "bad.bin"), bad);
    const cli = (proof: string) => spawnSync(process.execPath, [CLI_FILE, "--vk", "vk.bin", "--input", "x.pb", "--output", "output.json", "--proof", proof], { cwd: alone, encoding: "utf8" });
    const ok = cli("proof.bin");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^accepted: .*integrity proof — weights and input are not hidden/);
    const rejected = cli("bad.bin");
    expect(rejected.status).toBe(1);
    expect(rejected.stdout).toMatch(/^rejected: /);
    // The module itself, imported from that directory.
    const mod = (await import(pathToFileURL(join(alone, MODULE_FILE)).href)) as { verify: (...a: unknown[]) => { ok: boolean; proves: string } };
    expect(mod.verify(f.vk, f.input, JSON.stringify(f.output), f.proof)).toMatchObject({ ok: true, proves: INTEGRITY_NOTE });
    expect(mod.verify(f.vk, f.input, f.output, bad).ok).toBe(false);
    expect(mod.verify(new Uint8Array(3), f.input, f.output, f.proof).ok).toBe(false);
  }, 120_000);
});
