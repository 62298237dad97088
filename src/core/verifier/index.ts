/**
 * verifier/: `verify(input)` → `{ ok: true }` or `{ ok: false, reason }`; never throws. It
 * re-derives every challenge, evaluates public inputs/outputs, selectors and tables itself,
 * and checks both commitment openings.
 */
export { verify, type VerifyInput, type Verdict } from "./verify.ts";
