// The verifying key (PROTOCOL.md §7): graph spec (canonical JSON, tables as integers), the model
// commitment's segment map, PCS parameters and root, and the setup proof. Its digest,
// SHA256("zkml-vk/v1" ‖ bytes), is what every proof binds first; the setup proof binds the
// statement SHA256("zkml-vk/v1/setup" ‖ bytes before the setup section).
import type { GraphSpec } from "../circuit/index.ts";
import { sha256 } from "../hash/index.ts";
import { MIN_SECURITY_BITS, readParams, securityBits, validateSegmentMap, writeParams, type PcsParams, type SegmentMap } from "../pcs/index.ts";
import type { ByteReader, ByteWriter } from "../bytes/index.ts";
import { ArtifactError } from "./errors.ts";
import { decodeGraphSpec, encodeGraphSpec, GRAPH_LIMITS } from "./graph-spec.ts";
import { SectionReader, SectionWriter } from "./sections.ts";

export const VK_MAGIC = "zkml-vk\n";
/** 2: the plan a VK's graph compiles to changed (a split quotient's low part is as narrow as its output). */
export const VK_VERSION = 2;
const DIGEST_LABEL = "zkml-vk/v1";
const STATEMENT_LABEL = "zkml-vk/v1/setup";
/** Setup proofs are a few hundred KiB even for large models; this only bounds allocation. */
const MAX_SETUP_BYTES = 256 * 2 ** 20;
const MAX_SEGMENTS = 100_000;

/** The model commitment as the verifier holds it. */
export interface ModelKey {
  root: Uint8Array;
  map: SegmentMap;
  params: PcsParams;
}

export interface VerifyingKey {
  graph: GraphSpec;
  model: ModelKey;
  setupProof: Uint8Array;
}

export interface ParsedVk {
  vk: VerifyingKey;
  /** SHA256("zkml-vk/v1" ‖ bytes). */
  digest: Uint8Array;
  /** What the setup proof binds. */
  statement: Uint8Array;
}

function labeled(label: string, bytes: Uint8Array): Uint8Array {
  const l = new TextEncoder().encode(label);
  const out = new Uint8Array(l.length + bytes.length);
  out.set(l);
  out.set(bytes, l.length);
  return sha256(out);
}

function writeMap(w: ByteWriter, map: SegmentMap): void {
  w.u8(map.logN).u32(map.segments.length);
  for (const s of map.segments) w.bytesVec(new TextEncoder().encode(s.name)).u64(s.length).u8(s.logSize).u64(s.offset);
}

function readMap(r: ByteReader): SegmentMap {
  const logN = r.u8("model logN");
  const count = r.length("model segments", MAX_SEGMENTS, 18);
  const segments = Array.from({ length: count }, () => {
    const at = r.offset;
    const nameBytes = r.bytesVec("segment name", GRAPH_LIMITS.nameLength * 4);
    let name: string;
    try {
      name = new TextDecoder("utf-8", { fatal: true }).decode(nameBytes);
    } catch {
      throw r.error("segment name", "not valid UTF-8", at);
    }
    return { name, length: r.u64("segment length"), logSize: r.u8("segment logSize"), offset: r.u64("segment offset") };
  });
  const map = { logN, segments };
  try {
    validateSegmentMap(map);
  } catch (e) {
    throw new ArtifactError(`VK model segment map: ${e instanceof Error ? e.message : String(e)}`);
  }
  return map;
}

/** Everything before the setup section: what the setup proof is about. */
function bodyWriter(graph: GraphSpec, model: ModelKey): SectionWriter {
  if (model.root.length !== 32) throw new ArtifactError("VK: the model root must be 32 bytes");
  return new SectionWriter(VK_MAGIC, VK_VERSION)
    .section((w) => w.raw(encodeGraphSpec(graph)))
    .section((w) => writeMap(w, model.map))
    .section((w) => writeParams(w, model.params))
    .section((w) => w.raw(model.root));
}

/** The statement a setup proof for this graph and model commitment must bind. */
export function setupStatement(graph: GraphSpec, model: ModelKey): Uint8Array {
  return labeled(STATEMENT_LABEL, bodyWriter(graph, model).finish());
}

export function writeVk(vk: VerifyingKey): Uint8Array {
  return bodyWriter(vk.graph, vk.model).section((w) => w.raw(vk.setupProof)).finish();
}

export function vkDigest(bytes: Uint8Array): Uint8Array {
  return labeled(DIGEST_LABEL, bytes);
}

/** Parses a VK; every malformed part is an ArtifactError naming it. Does not check the setup proof. */
export function readVk(bytes: Uint8Array): ParsedVk {
  const r = new SectionReader(bytes, VK_MAGIC, VK_VERSION, "verifying key");
  const graph = r.section("graph", GRAPH_LIMITS.bytes, (x, b) => decodeGraphSpec(x.raw(b.length, "graph")));
  const map = r.section("model segment map", 64 * 2 ** 20, readMap);
  const params = r.section("pcs parameters", 64, readParams);
  if (params.logN !== map.logN) throw new ArtifactError(`verifying key: the commitment has 2^${params.logN} entries but its segment map 2^${map.logN}`);
  if (securityBits(params) < MIN_SECURITY_BITS) {
    throw new ArtifactError(`verifying key: its commitment parameters give ${securityBits(params).toFixed(1)} bits of security, under the ${MIN_SECURITY_BITS} this verifier requires`);
  }
  const root = r.section("model root", 32, (x) => x.raw(32, "model root"));
  const bodyEnd = r.offset;
  const setupProof = r.section("setup proof", MAX_SETUP_BYTES, (x, b) => x.raw(b.length, "setup proof"));
  r.end();
  return { vk: { graph, model: { root, map, params }, setupProof }, digest: vkDigest(bytes), statement: labeled(STATEMENT_LABEL, bytes.subarray(0, bodyEnd)) };
}
