/**
 * artifacts/: the files a proof travels in (PROTOCOL.md §7). Every reader treats its bytes as
 * hostile (bounded lengths before allocation, canonical elements, no trailing bytes, known
 * versions only) and throws `ArtifactError` naming the part.
 * - VK: `writeVk(vk)`, `readVk(bytes)` → { vk, digest = SHA256("zkml-vk/v1" ‖ bytes), statement
 *   (what the setup proof binds) }, `setupStatement(graph, model)` for setup, `vkDigest(bytes)`.
 *   The graph is canonical JSON (`encodeGraphSpec` / `decodeGraphSpec`, tables as integers).
 * - Proof: `writeProofFile`, `readProofFile(bytes, proofBounds(plan, modelParams))`,
 *   `readProofDigest(bytes)`.
 * - Proving key: `writePk(pk)` → parts to write in order, `readPk(bytes)` (encoded model viewed in place),
 *   `readPkAt(size, readAt)` (a file read at offsets: the encoded model's columns as proofs open them).
 * - Public values: `decodeTensorProto(bytes)` (the input file, no protobuf library),
 *   `publicInputs(graph, tensors)` (floats quantized exactly as the plan says),
 *   `buildOutput` / `parseOutput` (output.json, integers plus exactly-checked dequantized values).
 * - JSON views `vkJson`, `proofJson`; `INTEGRITY_NOTE` (what v1 proves); `hex`.
 */
export { ArtifactError } from "./errors.ts";
export { canonicalJson } from "./canonical-json.ts";
export { encodeGraphSpec, decodeGraphSpec, GRAPH_LIMITS } from "./graph-spec.ts";
export { writeVk, readVk, vkDigest, setupStatement, VK_MAGIC, VK_VERSION, type VerifyingKey, type ParsedVk, type ModelKey } from "./vk.ts";
export { writeProofFile, readProofFile, readProofDigest, proofBounds, PROOF_MAGIC, PROOF_VERSION, type ProofFile, type ProofBounds } from "./proof-file.ts";
export { writePk, readPk, readPkAt, PK_MAGIC, PK_VERSION, type ProvingKey } from "./pk.ts";
export { decodeTensorProto, MAX_INPUT_ELEMENTS, type PublicTensor, type TensorDType } from "./tensor-proto.ts";
export { publicInputs } from "./input.ts";
export { buildOutput, parseOutput, INTEGRITY_NOTE, type OutputDoc, type OutputTensor } from "./output.ts";
export { vkJson, proofJson } from "./json-view.ts";
export { hex } from "./hex.ts";
export { writeGenerationFile, readGenerationFile, GENERATION_MAGIC, GENERATION_VERSION, type GenerationFile } from "./generation-file.ts";
