// Floors under the kernel memory that setup and proving take, so that a model too large for a
// wasm32 module (4 GiB) is refused before minutes and gigabytes are spent on it. Each floor
// counts only the buffers that must coexist at the peak; the real peak is higher.
import { canStream, chooseParams } from "../pcs/index.ts";
import { CircuitError } from "./errors.ts";
import type { ProofPlan } from "./plan.ts";
import { witnessLayout } from "./protocol.ts";
import { auxParams, modelLayout, setupLayout } from "./setup-layout.ts";

/** What a wasm32 kernel memory can hold: 65536 pages of 64 KiB. */
export const KERNEL_MEMORY_BYTES = 2 ** 32;

/** Committing 2^logN values holds their code twice (row-major from the encoder, column-major for the leaves). */
const encoding = (logN: number, logBlowup: number) => 8 * 2 ** (logN + logBlowup);

/** Above this, a proof streams its witness commitment (pcs/stream.ts) instead of keeping the code. */
const KEEP_CODE_BYTES = 2 ** 31;

/** The kept commitment's floor: the witness's encoding (twice) beside the resident model matrix. */
const keptFloor = (plan: ProofPlan) => {
  const { logN, logBlowup } = witnessLayout(plan).params;
  return encoding(logN, logBlowup) + 4 * 2 ** modelLayout(plan).logN;
};

/**
 * Whether a proof commits its witness streamed: the code is never held (its columns are encoded
 * again for the opening), for witnesses whose code would crowd the 4 GiB.
 */
export function streamsWitness(plan: ProofPlan): boolean {
  return canStream(witnessLayout(plan).params) && keptFloor(plan) > KEEP_CODE_BYTES;
}

/**
 * A proof: the resident model matrix beside, kept, the witness's encoding, or, streamed, the
 * witness once (what a large op's sumcheck tables and a block of code take).
 */
export function proverMemoryFloor(plan: ProofPlan): number {
  if (!streamsWitness(plan)) return keptFloor(plan);
  return 4 * 2 ** witnessLayout(plan).params.logN + 4 * 2 ** modelLayout(plan).logN;
}

/**
 * Setup: the model vector beside its encoding; then, with the model's code kept for the setup
 * proof's openings, the encoding of that proof's auxiliary commitment (limbs, multiplicities).
 */
export function setupMemoryFloor(plan: ProofPlan): number {
  const model = chooseParams(modelLayout(plan).logN, { openingRows: 1 });
  const aux = auxParams(setupLayout(plan), model);
  const vector = 4 * 2 ** model.logN, code = 4 * 2 ** (model.logN + model.logBlowup);
  return vector + Math.max(encoding(model.logN, model.logBlowup), code + encoding(aux.logN, aux.logBlowup));
}

/** Refuses, before any work, a plan whose setup or proofs cannot fit in kernel memory. */
export function checkKernelMemory(plan: ProofPlan, stage: "setup" | "proof"): void {
  const floor = stage === "setup" ? Math.max(setupMemoryFloor(plan), proverMemoryFloor(plan)) : proverMemoryFloor(plan);
  if (floor <= KERNEL_MEMORY_BYTES) return;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  const proof = proverMemoryFloor(plan) > KERNEL_MEMORY_BYTES;
  const what = proof
    ? `a proof of this model needs at least ${gib(proverMemoryFloor(plan))} GiB of WebAssembly memory (its witness has 2^${witnessLayout(plan).params.logN} entries)`
    : `setting this model up needs at least ${gib(floor)} GiB of WebAssembly memory (its ${plan.model.length} weight tensors fill 2^${modelLayout(plan).logN} entries, each dimension padded to a power of two, held twice in encoded form while they are committed)`;
  const todo = proof ? "prove a smaller model or smaller inputs (e.g. re-export it for a lower image resolution)" : "use a model with fewer weights";
  throw new CircuitError(`${what}, more than the ${gib(KERNEL_MEMORY_BYTES)} GiB a wasm32 module can address; ${todo}`);
}
