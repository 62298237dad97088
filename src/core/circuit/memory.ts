// Floors under the kernel memory that setup and proving take, so that a model too large for a
// wasm32 module (4 GiB) is refused before minutes and gigabytes are spent on it. Each floor
// counts only the buffers that must coexist at the peak; the real peak is higher.
import { canStream, chooseParams, type PcsParams } from "../pcs/index.ts";
import { CircuitError } from "./errors.ts";
import type { ProofPlan } from "./plan.ts";
import { witnessLayout } from "./protocol.ts";
import { auxParams, modelLayout, setupLayout } from "./setup-layout.ts";

/** What a wasm32 kernel memory can hold: 65536 pages of 64 KiB. */
export const KERNEL_MEMORY_BYTES = 2 ** 32;

/** Committing 2^logN values holds their code twice (row-major from the encoder, column-major for the leaves). */
const encoding = (logN: number, logBlowup: number) => 8 * 2 ** (logN + logBlowup);

/** Above this, a commitment is streamed (pcs/stream.ts) instead of keeping its code. */
const KEEP_CODE_BYTES = 2 ** 31;

/**
 * Whether a commitment keeps its code (fast openings) rather than streaming it (the code never
 * held; openings encode the rows again): unless the code, beside `besides` bytes, would crowd
 * the 4 GiB.
 */
function keepsCode(params: PcsParams, besides = 0): boolean {
  return !canStream(params) || encoding(params.logN, params.logBlowup) + besides <= KEEP_CODE_BYTES;
}

const modelBytes = (plan: ProofPlan) => 4 * 2 ** modelLayout(plan).logN;
const modelParams = (plan: ProofPlan) => chooseParams(modelLayout(plan).logN, { openingRows: 1 });

/** Whether a proof commits its witness streamed (beside the resident model matrix). */
export function streamsWitness(plan: ProofPlan): boolean {
  return !keepsCode(witnessLayout(plan).params, modelBytes(plan));
}

/**
 * Whether a proof may hold the witness vector itself in kernel memory too (beside the model and
 * the witness's code), to encode its rows while it is computed (pcs/pipeline.ts).
 */
export function pipelinesWitness(plan: ProofPlan): boolean {
  const { params } = witnessLayout(plan);
  return keepsCode(params, modelBytes(plan) + 4 * 2 ** params.logN);
}

/** Whether setup commits the model streamed (beside the model vector); pk.bin then holds no code. */
export function streamsModel(plan: ProofPlan): boolean {
  return !keepsCode(modelParams(plan), modelBytes(plan));
}

/**
 * Whether the setup proof's auxiliary commitment keeps its code, beside the model vector and,
 * when the model's code is kept, that code.
 */
export function auxKeepsCode(aux: PcsParams, model: PcsParams, modelKept: boolean): boolean {
  return keepsCode(aux, 4 * 2 ** model.logN + (modelKept ? 4 * 2 ** (model.logN + model.logBlowup) : 0));
}

/**
 * A proof: the resident model matrix beside, kept, the witness's encoding, or, streamed, the
 * witness once (what a large op's sumcheck tables and a block of code take).
 */
export function proverMemoryFloor(plan: ProofPlan): number {
  const { logN, logBlowup } = witnessLayout(plan).params;
  return modelBytes(plan) + (streamsWitness(plan) ? 4 * 2 ** logN : encoding(logN, logBlowup));
}

/**
 * Setup: the model vector beside its encoding (unless streamed); then, with the model's code
 * kept for the setup proof's openings, the encoding of that proof's auxiliary commitment (limbs,
 * multiplicities), unless that is streamed too.
 */
export function setupMemoryFloor(plan: ProofPlan): number {
  const model = modelParams(plan);
  const aux = auxParams(setupLayout(plan), model);
  const vector = modelBytes(plan), code = 4 * 2 ** (model.logN + model.logBlowup);
  const kept = !streamsModel(plan);
  const auxCode = auxKeepsCode(aux, model, kept) ? encoding(aux.logN, aux.logBlowup) : 0;
  return vector + (kept ? Math.max(encoding(model.logN, model.logBlowup), code + auxCode) : auxCode);
}

/** Refuses, before any work, a plan whose setup or proofs cannot fit in kernel memory. */
export function checkKernelMemory(plan: ProofPlan, stage: "setup" | "proof"): void {
  const floor = stage === "setup" ? Math.max(setupMemoryFloor(plan), proverMemoryFloor(plan)) : proverMemoryFloor(plan);
  if (floor < KERNEL_MEMORY_BYTES) return;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  // The weights' own size first: no input size makes their proofs fit.
  const weights = (stage === "setup" && setupMemoryFloor(plan) >= KERNEL_MEMORY_BYTES) || 4 * 2 ** modelLayout(plan).logN >= KERNEL_MEMORY_BYTES / 2;
  const what = weights
    ? `${stage === "setup" ? "setting this model up" : "a proof of this model"} needs at least ${gib(floor)} GiB of WebAssembly memory (its ${plan.model.length} weight tensors fill 2^${modelLayout(plan).logN} entries, each dimension padded to a power of two)`
    : `a proof of this model needs at least ${gib(proverMemoryFloor(plan))} GiB of WebAssembly memory (its witness has 2^${witnessLayout(plan).params.logN} entries)`;
  const todo = weights ? "use a model with fewer weights" : "prove a smaller model or smaller inputs (e.g. re-export it for a lower image resolution)";
  throw new CircuitError(`${what}, more than the ${gib(KERNEL_MEMORY_BYTES)} GiB a wasm32 module can address; ${todo}`);
}
