// Issue 8 from the command line: tiny_gpt proves one forward pass and a generated sequence.
import { describe, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itShared, sharedPath } from "../shared-data.ts";

function zkml(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/zkml.js", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("tiny_gpt from the CLI", () => {
  itShared("models/tiny_gpt/model.onnx", "setup, prove and verify a forward pass; prove-generation and verify the text", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkml-gen-"));
    const model = sharedPath("models/tiny_gpt/model.onnx"), input = sharedPath("models/tiny_gpt/test_data_set_0/input_0.pb");
    const keys = join(dir, "keys"), one = join(dir, "one"), gen = join(dir, "gen");
    expect(zkml("setup", model, "-o", keys).code).toBe(0);
    expect(zkml("prove", model, "--keys", keys, "--input", input, "-o", one).code).toBe(0);
    const v1 = zkml("verify", "--vk", join(keys, "vk.bin"), "--input", input, "--output", join(one, "output.json"), "--proof", join(one, "proof.bin"));
    expect(v1.out).toMatch(/^accepted: /);
    expect(v1.code).toBe(0);

    const p = zkml("prove-generation", model, "--keys", keys, "--prompt", "the Licen", "--tokens", "6", "-o", gen);
    expect(p.code).toBe(0);
    const doc = JSON.parse(readFileSync(join(gen, "generation.json"), "utf8")) as { prompt: string; text: string; tokens: number[] };
    expect(doc.prompt).toBe("the Licen");
    expect(doc.tokens).toHaveLength(6);
    const verifyText = (prompt: string, text: string) => zkml("verify", "--vk", join(keys, "vk.bin"), "--prompt", prompt, "--text", text, "--proof", join(gen, "proof.bin"));
    const ok = verifyText(doc.prompt, doc.text);
    expect(ok.out).toMatch(/^accepted: .*continues this prompt with this text/);
    expect(ok.code).toBe(0);
    const changed = doc.text.slice(0, -1) + (doc.text.endsWith("x") ? "y" : "x");
    const bad = verifyText(doc.prompt, changed);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^rejected: /);
    expect(verifyText("the Licem", doc.text).code).toBe(1);

    // The exported verifier, alone in a directory, checks the same generation proof.
    const exported = join(dir, "verifier");
    expect(zkml("export-verifier", "-o", exported).code).toBe(0);
    const standalone = (text: string) => spawnSync(process.execPath, [join(exported, "verify.mjs"), "--vk", join(keys, "vk.bin"), "--prompt", doc.prompt, "--text", text, "--proof", join(gen, "proof.bin")], { encoding: "utf8", cwd: exported });
    const s1 = standalone(doc.text);
    expect(s1.stdout).toMatch(/^accepted: /);
    expect(s1.status).toBe(0);
    expect(standalone(changed).status).toBe(1);

    const tooMany = zkml("prove-generation", model, "--keys", keys, "--prompt", "the Licen", "--tokens", "8", "-o", gen);
    expect(tooMany.code).toBe(1);
    expect(tooMany.err).toMatch(/at most 7 tokens fit after this prompt/);
  }, 180_000);
});
