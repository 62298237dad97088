// Fuzz (PROTOCOL §9): seeded random byte flips, overwrites and truncations of a valid proof and a
// valid VK. No case may be accepted, no exception may escape verifyFiles, and no case may hang
// (each is bounded far above its normal time). Counts rise under ZKML_FULL.
import { describe, expect, it } from "vitest";
import { xorshift32 } from "../../src/core/graph/test-models.ts";
import { verifyFiles } from "../../src/core/verifier/files.ts";
import { fixtureFiles } from "./keys-fixture.ts";

const FULL = process.env.ZKML_FULL !== undefined;
const PROOF_CASES = FULL ? 20_000 : 1_500;
const VK_CASES = FULL ? 4_000 : 500;
/** A hang guard, not a performance figure: one verification of this fixture takes ~10–50 ms. */
const CASE_LIMIT_MS = 5_000;

const f = fixtureFiles();
const output = JSON.stringify(f.output);

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** One mutation that changes the bytes: 1–4 bit flips, a random byte overwrite, or a truncation. */
function mutate(bytes: Uint8Array, rng: () => number): Uint8Array {
  for (;;) {
    const b = mutateOnce(bytes, rng);
    // Two flips of one bit, or an overwrite with the same byte, leave the file valid.
    if (!same(b, bytes)) return b;
  }
}

function mutateOnce(bytes: Uint8Array, rng: () => number): Uint8Array {
  const kind = rng();
  if (kind < 0.08) return bytes.slice(0, Math.floor(rng() * bytes.length));
  const b = bytes.slice();
  if (kind < 0.2) {
    b[Math.floor(rng() * b.length)] = Math.floor(rng() * 256);
    return b;
  }
  const flips = 1 + Math.floor(rng() * 4);
  for (let i = 0; i < flips; i++) b[Math.floor(rng() * b.length)]! ^= 1 << Math.floor(rng() * 8);
  return b;
}

function run(count: number, seed: number, which: "proof" | "vk") {
  const rng = xorshift32(seed);
  let accepted = 0, worst = 0;
  const escaped: string[] = [];
  for (let i = 0; i < count; i++) {
    const vk = which === "vk" ? mutate(f.vk, rng) : f.vk;
    const proof = which === "proof" ? mutate(f.proof, rng) : f.proof;
    const t0 = performance.now();
    try {
      if (verifyFiles(vk, f.input, output, proof).ok) accepted++;
    } catch (e) {
      escaped.push(String(e));
    }
    worst = Math.max(worst, performance.now() - t0);
  }
  return { accepted, escaped, worst };
}

describe("fuzz: mutated proofs and VKs", () => {
  it("the unmutated files verify", () => {
    expect(verifyFiles(f.vk, f.input, output, f.proof).ok).toBe(true);
  });

  it(`${PROOF_CASES} mutated proofs: none accepted, nothing thrown, none hangs`, () => {
    const r = run(PROOF_CASES, 0xc0ffee, "proof");
    expect(r.escaped).toEqual([]);
    expect(r.accepted).toBe(0);
    expect(r.worst).toBeLessThan(CASE_LIMIT_MS);
  }, 600_000);

  it(`${VK_CASES} mutated VKs: none accepted, nothing thrown, none hangs`, () => {
    const r = run(VK_CASES, 0xbadc0de, "vk");
    expect(r.escaped).toEqual([]);
    expect(r.accepted).toBe(0);
    expect(r.worst).toBeLessThan(CASE_LIMIT_MS);
  }, 600_000);
});
