import { describe, expect, it } from "vitest";
import { availableBackends, chooseBackend, sha256, sha256Batch, wasmBackend, nobleBackend, nodeCryptoBackend } from "./index.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// FIPS 180-2 appendix B and the NIST example vectors.
const KNOWN: [Uint8Array, string][] = [
  [ascii(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  [ascii("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  [ascii("a".repeat(1_000_000)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
}

describe("sha256", () => {
  const backends = availableBackends();

  it("runs node:crypto under Node", () => {
    expect(backends.map((b) => b.name)).toEqual(["node", "wasm", "noble"]);
  });

  for (const b of backends) {
    it(`${b.name}: known answers`, () => {
      for (const [msg, want] of KNOWN) expect(hex(b.one(msg))).toBe(want);
    });
  }

  it("the selecting front end gives the known answers", () => {
    for (const [msg, want] of KNOWN) expect(hex(sha256(msg))).toBe(want);
  });

  it("all backends agree on every length 0..300 (block and padding boundaries), with and without a prefix", () => {
    const r = rng(7);
    for (let len = 0; len <= 300; len++) {
      const data = Uint8Array.from({ length: 5 * len }, r); // one SIMD group of four, one single
      for (const prefix of [undefined, 0x00, 0x01]) {
        const want = nobleBackend.batch(data, len, prefix);
        expect(want.length).toBe(len === 0 ? 0 : 160);
        for (const b of backends) expect(hex(b.batch(data, len, prefix)), `${b.name} len ${len} prefix ${prefix}`).toBe(hex(want));
        expect(hex(sha256Batch(data, len, prefix))).toBe(hex(want));
      }
      const one = data.subarray(0, len);
      for (const b of backends) expect(hex(b.one(one))).toBe(hex(nobleBackend.one(one)));
    }
  });

  it("a prefixed batch equals hashing prefix ‖ message", () => {
    const msg = ascii("bc");
    expect(hex(sha256Batch(msg, 2, 0x61))).toBe(KNOWN[1]![1]);
    expect(hex(wasmBackend.batch(msg, 2, 0x61))).toBe(KNOWN[1]![1]);
  });

  it("wasm batches larger than its memory chunk match per-message hashing", () => {
    const r = rng(11);
    const len = 4099, count = 700; // ~2.9 MB: several chunks, last one partial
    const data = Uint8Array.from({ length: len * count }, r);
    const got = wasmBackend.batch(data, len, 0);
    for (const i of [0, 1, 255, 256, 511, 699]) {
      const want = nobleBackend.batch(data.subarray(i * len, (i + 1) * len), len, 0);
      expect(hex(got.subarray(32 * i, 32 * i + 32))).toBe(hex(want));
    }
  });

  it("chooses wasm without node:crypto (browsers) and for short messages", () => {
    expect(chooseBackend(1 << 20, true, null).name).toBe("wasm");
    expect(chooseBackend(65, true).name).toBe("wasm");
    expect(chooseBackend(4096, true, nodeCryptoBackend ?? null).name).toBe("node");
    expect(chooseBackend(32, false).name).toBe("wasm");
  });

  it("rejects a batch that is not a whole number of messages", () => {
    for (const b of availableBackends()) expect(() => b.batch(new Uint8Array(10), 3)).toThrow(/^hash: .*multiple/);
  });
});
