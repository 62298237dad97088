// The SHA-256 implementations we can run: node:crypto (Node only, native, SHA instructions),
// the wasm kernel, and @noble/hashes (pure JS). All give the same bytes.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { wasmSha256, wasmSha256Batch } from "../kernels/sha256.ts";

export interface Sha256Backend {
  readonly name: "node" | "wasm" | "noble";
  /** Digest of one message. */
  one(bytes: Uint8Array): Uint8Array;
  /** Digests of data.length / len messages of len bytes, each preceded by `prefix` if given. */
  batch(data: Uint8Array, len: number, prefix?: number): Uint8Array;
}

interface NodeHash { update(b: Uint8Array): NodeHash; digest(): Uint8Array }
interface NodeCrypto {
  createHash(alg: "sha256"): NodeHash;
  /** One-shot digest (Node ≥ 20.12): no Hash object per message. */
  hash?(alg: "sha256", data: Uint8Array, encoding: "buffer"): Uint8Array;
}

/** node:crypto through process.getBuiltinModule, so browser bundles never see an import of it. */
function loadNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
  return typeof mod?.createHash === "function" ? mod : undefined;
}

function batchCount(data: Uint8Array, len: number): number {
  const count = len === 0 ? 0 : data.length / len;
  if (!Number.isInteger(count)) throw new Error(`hash: batch of ${data.length} bytes is not a multiple of the message length ${len}`);
  return count;
}

/** Runs `digest` on every message of a batch (for backends with no batch entry of their own). */
function perMessage(digest: (msg: Uint8Array, prefix?: number) => Uint8Array): Sha256Backend["batch"] {
  return (data, len, prefix) => {
    const count = batchCount(data, len);
    const out = new Uint8Array(32 * count);
    for (let i = 0; i < count; i++) out.set(digest(data.subarray(i * len, (i + 1) * len), prefix), 32 * i);
    return out;
  };
}

function nodeBackend(c: NodeCrypto): Sha256Backend {
  const pre = [Uint8Array.of(0), Uint8Array.of(1)];
  const digest = (msg: Uint8Array, prefix?: number): Uint8Array => {
    const h = c.createHash("sha256");
    if (prefix !== undefined) h.update(pre[prefix] ?? Uint8Array.of(prefix));
    return h.update(msg).digest();
  };
  return { name: "node", one: (b) => new Uint8Array(digest(b)), batch: oneShot(c) ?? perMessage(digest) };
}

/**
 * Batches through node's one-shot crypto.hash: each message (after its prefix byte) is copied
 * into one scratch buffer and hashed in a single call, ~25 % faster on Merkle columns than a Hash
 * object per message. Undefined where crypto.hash is missing or answers otherwise.
 */
function oneShot(c: NodeCrypto): Sha256Backend["batch"] | undefined {
  const hash = c.hash;
  if (typeof hash !== "function") return undefined;
  try {
    const d = hash("sha256", new Uint8Array(0), "buffer");
    if (!(d instanceof Uint8Array) || d.length !== 32 || d[0] !== 0xe3 || d[31] !== 0x55) return undefined;
  } catch {
    return undefined;
  }
  let scratch = new Uint8Array(0);
  return (data, len, prefix) => {
    const count = batchCount(data, len);
    const out = new Uint8Array(32 * count);
    const at = prefix === undefined ? 0 : 1;
    if (scratch.length < len + at) scratch = new Uint8Array(len + at);
    const msg = scratch.subarray(0, len + at);
    if (prefix !== undefined) msg[0] = prefix;
    for (let i = 0; i < count; i++) {
      msg.set(data.subarray(i * len, (i + 1) * len), at);
      out.set(hash("sha256", msg, "buffer"), 32 * i);
    }
    return out;
  };
}

export const wasmBackend: Sha256Backend = {
  name: "wasm",
  one: wasmSha256,
  batch: (data, len, prefix) => {
    batchCount(data, len);
    return len === 0 ? new Uint8Array(0) : wasmSha256Batch(data, len, prefix);
  },
};

export const nobleBackend: Sha256Backend = {
  name: "noble",
  one: (b) => nobleSha256(b),
  batch: perMessage((msg, prefix) => {
    if (prefix === undefined) return nobleSha256(msg);
    return nobleSha256.create().update(Uint8Array.of(prefix)).update(msg).digest();
  }),
};

const nodeCrypto = loadNodeCrypto();
/** node:crypto when running in Node, otherwise undefined. */
export const nodeCryptoBackend: Sha256Backend | undefined = nodeCrypto && nodeBackend(nodeCrypto);

/** Every backend available in this environment. */
export function availableBackends(): Sha256Backend[] {
  return nodeCryptoBackend ? [nodeCryptoBackend, wasmBackend, nobleBackend] : [wasmBackend, nobleBackend];
}
