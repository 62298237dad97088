/**
 * verifier/: `verify(input)` → `{ ok: true }` or `{ ok: false, reason }`; never throws. It
 * re-derives every challenge, evaluates public inputs/outputs, selectors and tables itself,
 * and checks both commitment openings (the model's without a proximity row: the VK's setup
 * proof tested it once).
 * - `verifySetup(plan, modelKey, statement, bytes)`: a VK's setup proof (weights in range, zero
 *   padding, proximity of the model commitment).
 * - `checkVk(vkBytes)`: parse, compile the plan and check the setup proof, once per VK digest.
 * - `verifyFiles(vk, inputTensorProto, outputJson, proof)`: what the CLI and the exported
 *   verifier run; every failure is a rejection with a reason.
 */
export { verify, type VerifyInput, type Verdict } from "./verify.ts";
export { verifySetup } from "./setup-proof.ts";
export { checkVk, verifyFiles, type CheckedVk, type VkVerdict, type FilesVerdict } from "./files.ts";
