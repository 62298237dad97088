// The proving key (pk.bin, PROTOCOL.md §6): the VK digest it belongs to, the SHA-256 of the
// ONNX file it was made from, the quantized graph with its integer weights, and the model
// commitment as setup encoded it (params, root, leaf digests, and the encoded matrix column-major)
// so that no proof re-encodes the weights; a model whose code is too large to keep has none (the
// last section empty), and its proofs encode the weights again. The encoded columns come last, 4-byte aligned in the
// file, so a reader can view them without a copy.
import type { GraphSpec } from "../circuit/index.ts";
import { ByteWriter, LITTLE_ENDIAN } from "../bytes/index.ts";
import { codeLength, readParams, writeParams, type ColumnStore, type PcsParams } from "../pcs/index.ts";
import { ArtifactError } from "./errors.ts";
import { decodeGraphSpec, encodeGraphSpec, GRAPH_LIMITS } from "./graph-spec.ts";
import { SectionReader, SectionWriter } from "./sections.ts";

export const PK_MAGIC = "zkml-pk\n";
/** 2: as VK_VERSION (its graph compiles to another plan than a version 1 key's proofs were made for). */
export const PK_VERSION = 2;

/** C: the encoded model in memory, or a store that reads its columns from the file (readPkAt). */
export interface ProvingKey<C extends Uint32Array | ColumnStore = Uint32Array> {
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
    columns?: C;
  };
}

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

/** Every section before the encoded model. */
function readHead(r: SectionReader): ProvingKey<never> {
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
  return { vkDigest, modelHash, graph, consts, commitment: { params, root, leaves } };
}

/** Words of the encoded model in a last section of `length` bytes with `pad` alignment bytes: none, or the whole code. */
function encodedWords(length: number, pad: number, params: PcsParams): number {
  const n = (length - 1 - pad) / 4;
  if (pad > 3 || (n !== 0 && n !== codeLength(params) * 2 ** params.logRows)) throw new ArtifactError("proving key: the encoded model does not match its parameters; re-run setup");
  return n;
}

/** Little-endian words at a byte offset (a view when aligned on a little-endian host). */
function wordsAt(bytes: Uint8Array, start: number, n: number): Uint32Array {
  const at = bytes.byteOffset + start;
  return at % 4 === 0 && LITTLE_ENDIAN ? new Uint32Array(bytes.buffer, at, n) : new Uint32Array(n).map((_, i) => new DataView(bytes.buffer, at + 4 * i, 4).getUint32(0, true));
}

export function readPk(bytes: Uint8Array): ProvingKey {
  const r = new SectionReader(bytes, PK_MAGIC, PK_VERSION, "proving key");
  const head = readHead(r);
  const { bytes: col } = r.viewSection("encoded model", 2 ** 32 - 1);
  r.end();
  const pad = col[0] ?? 0, n = encodedWords(col.length, pad, head.commitment.params);
  // Not scanned here (134M words for vgg16): a proof opens ~150 columns, and open() checks each
  // against its leaf, whose tree the loader checks against the root.
  return { ...head, commitment: { ...head.commitment, ...(n === 0 ? {} : { columns: wordsAt(col, 1 + pad, n) }) } };
}

/**
 * pk.bin from a source read at offsets (the CLI's open file): every section but the last now,
 * the encoded model's columns only when a proof opens them (~150 of vgg16's 600 MB). `readAt`
 * returns exactly `length` bytes or throws.
 */
export function readPkAt(size: number, readAt: (offset: number, length: number) => Uint8Array): ProvingKey<ColumnStore> {
  const truncated = () => new ArtifactError("proving key: the file is truncated (run zkml setup again)");
  const u32At = (at: number) => {
    if (at + 4 > size) throw truncated();
    const b = readAt(at, 4);
    return b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 2 ** 24);
  };
  // Magic and version, then five sections of a u32 length each.
  let at = PK_MAGIC.length + 4;
  for (let k = 0; k < 5; k++) {
    at += 4 + u32At(at);
    if (at > size) throw truncated();
  }
  const r = new SectionReader(readAt(0, at), PK_MAGIC, PK_VERSION, "proving key");
  const head = readHead(r);
  r.end();
  const length = u32At(at);
  if (at + 4 + length !== size || length < 1) throw new ArtifactError(`proving key: its encoded model section says ${length} bytes where the file has ${size - at - 4} (run zkml setup again)`);
  const pad = readAt(at + 4, 1)[0]!, n = encodedWords(length, pad, head.commitment.params);
  if (n === 0) return head;
  const rows = 2 ** head.commitment.params.logRows, cols = codeLength(head.commitment.params), base = at + 5 + pad;
  const columns: ColumnStore = {
    column(j) {
      if (!Number.isInteger(j) || j < 0 || j >= cols) throw new ArtifactError(`proving key: no encoded column ${j} (it has ${cols})`);
      return wordsAt(readAt(base + 4 * rows * j, 4 * rows), 0, rows);
    },
  };
  return { ...head, commitment: { ...head.commitment, columns } };
}
