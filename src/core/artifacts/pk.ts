// The proving key (pk.bin, PROTOCOL.md §6): the VK digest it belongs to, the SHA-256 of the
// ONNX file it was made from, the quantized graph with its integer weights, and the model
// commitment as setup encoded it (params, root, leaf digests, and the encoded matrix column-major)
// so that no proof re-encodes the weights; a model whose code is too large to keep has none (the
// last section empty), and its proofs encode the weights again. The encoded columns come last, 4-byte aligned in the
// file, so a reader can view them without a copy.
import type { GraphSpec } from "../circuit/index.ts";
import { ByteWriter } from "../bytes/index.ts";
import { codeLength, readParams, writeParams, type PcsParams } from "../pcs/index.ts";
import { ArtifactError } from "./errors.ts";
import { decodeGraphSpec, encodeGraphSpec, GRAPH_LIMITS } from "./graph-spec.ts";
import { SectionReader, SectionWriter } from "./sections.ts";

export const PK_MAGIC = "zkml-pk\n";
/** 2: as VK_VERSION (its graph compiles to another plan than a version 1 key's proofs were made for). */
export const PK_VERSION = 2;

export interface ProvingKey {
  vkDigest: Uint8Array;
  /** SHA-256 of the .onnx file setup read (so `prove` can tell a key for another model). */
  modelHash: Uint8Array;
  graph: GraphSpec;
  consts: Record<string, Int32Array>;
  commitment: {
    params: PcsParams;
    root: Uint8Array;
    /** Merkle leaf digests (32 bytes per encoded column). */
    leaves: Uint8Array;
    /**
     * The encoded matrix, column-major; absent when setup streamed the commitment (a code too
     * large to keep: each proof encodes the weights again). Written as an empty last section.
     */
    columns?: Uint32Array;
  };
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The file as parts to write in order (the big column array is not copied). */
export function writePk(pk: ProvingKey): Uint8Array[] {
  const head = new SectionWriter(PK_MAGIC, PK_VERSION)
    .section((w) => w.raw(pk.vkDigest))
    .section((w) => w.raw(pk.modelHash))
    .section((w) => w.raw(encodeGraphSpec(pk.graph)))
    .sectionParts(weightParts(pk.consts))
    .section((w) => writeParams(w, pk.commitment.params).raw(pk.commitment.root).bytesVec(pk.commitment.leaves))
    .finishParts();
  // Last section: u32 length, u8 pad, pad zero bytes, then the words at a 4-aligned file offset.
  const pad = (4 - ((head.reduce((a, p) => a + p.length, 0) + 5) % 4)) % 4;
  const words = pk.commitment.columns ?? new Uint32Array(0);
  const colHead = new ByteWriter().u32(1 + pad + 4 * words.length).u8(pad).raw(new Uint8Array(pad)).finish();
  const body = LITTLE_ENDIAN ? new Uint8Array(words.buffer, words.byteOffset, words.byteLength) : new ByteWriter().fields(words).finish();
  return [...head, colHead, body];
}

/** The weights section's contents: count, then per tensor its name, length and int32s (views, not copies, on little-endian hosts). */
function weightParts(consts: Record<string, Int32Array>): Uint8Array[] {
  const names = Object.keys(consts);
  const parts: Uint8Array[] = [new ByteWriter().u32(names.length).finish()];
  for (const n of names) {
    const c = consts[n]!;
    parts.push(new ByteWriter().bytesVec(new TextEncoder().encode(n)).u32(c.length).finish());
    if (LITTLE_ENDIAN) parts.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    else {
      const w = new ByteWriter();
      for (const x of c) w.u32(x >>> 0);
      parts.push(w.finish());
    }
  }
  return parts;
}

export function readPk(bytes: Uint8Array): ProvingKey {
  const r = new SectionReader(bytes, PK_MAGIC, PK_VERSION, "proving key");
  const vkDigest = r.section("VK digest", 32, (x) => x.raw(32, "VK digest"));
  const modelHash = r.section("model hash", 32, (x) => x.raw(32, "model hash"));
  const graph = r.section("graph", GRAPH_LIMITS.bytes, (x, b) => decodeGraphSpec(x.raw(b.length, "graph")));
  const consts = r.section("weights", 2 ** 31, (x) => {
    const out: Record<string, Int32Array> = {};
    const count = x.length("weight tensors", GRAPH_LIMITS.tensors, 8);
    for (let i = 0; i < count; i++) {
      const name = new TextDecoder().decode(x.bytesVec("weight name", 4 * GRAPH_LIMITS.nameLength));
      const n = x.length(`weights of ${name}`, GRAPH_LIMITS.elements, 4);
      const raw = x.raw(4 * n, `weights of ${name}`);
      // raw is a fresh copy (ByteReader.raw), so aligned and the tensor's own.
      out[name] = new Int32Array(raw.buffer, raw.byteOffset, n);
      if (!LITTLE_ENDIAN) {
        const v = new DataView(raw.buffer, raw.byteOffset, 4 * n);
        for (let j = 0; j < n; j++) out[name]![j] = v.getInt32(4 * j, true);
      }
    }
    return out;
  });
  const { params, root, leaves } = r.section("model commitment", 2 ** 30, (x) => {
    const params = readParams(x);
    return { params, root: x.raw(32, "model root"), leaves: x.bytesVec("leaf digests", 32 * codeLength(params)) };
  });
  if (leaves.length !== 32 * codeLength(params)) throw new ArtifactError(`proving key: ${leaves.length / 32} leaf digests for ${codeLength(params)} columns`);
  const { bytes: col } = r.viewSection("encoded model", 2 ** 32 - 1);
  r.end();
  const pad = col[0] ?? 0;
  const n = (col.length - 1 - pad) / 4;
  if (pad > 3 || (n !== 0 && n !== codeLength(params) * 2 ** params.logRows)) throw new ArtifactError("proving key: the encoded model does not match its parameters; re-run setup");
  const start = col.byteOffset + 1 + pad;
  const columns = start % 4 === 0 && LITTLE_ENDIAN ? new Uint32Array(col.buffer, start, n) : new Uint32Array(n).map((_, i) => new DataView(col.buffer, start + 4 * i, 4).getUint32(0, true));
  // Not scanned here (134M words for vgg16): a proof opens ~150 columns, and open() checks each
  // against its leaf, whose tree the loader checks against the root.
  return { vkDigest, modelHash, graph, consts, commitment: { params, root, leaves, ...(n === 0 ? {} : { columns }) } };
}
