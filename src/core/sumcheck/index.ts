// Generic sumcheck prover and verifier (PROTOCOL.md §3).
//
// Prover:
//   proveProduct(transcript, [{ data, ext }, …])           Σ_x Π_j f_j(x); 2 or 3 tables in wasm
//   proveSumcheck(transcript, tables, g, degree)             Σ_x g(f_1(x), …, f_k(x)), any g
//   proveSumOfProducts(transcript, tables, terms)            Σ_x Σ_l c_l·Π_{j∈S_l} f_j(x), on the backend
//   → { proof: { rounds }, point, evals (f_j(point)), claim (g(evals)) }
//   Tables are { data: Uint32Array, ext } (copied into the backend) or resident { buf, ext }
//   (kernels Table; never modified). Base tables move to the extension after round 1.
// Verifier:
//   verifySumcheck(transcript, claim, proof, numVars, degree, oracle?)
//   → { ok: true, point, claim } | { ok: false, round, reason }; never throws.
// Transcript: each round absorbs s(0), s(2..d) under "sumcheck/round", then squeezes r under
// "sumcheck/challenge". The caller absorbs the claim itself (if it is a prover message) first.

export {
  type TranscriptLike, type SumcheckProof, type SumcheckTable, type SumcheckProverResult,
  type SumcheckOptions, type SumcheckVerdict, type ProductTerm,
  ROUND_LABEL, CHALLENGE_LABEL, MAX_SUMCHECK_VARS, MAX_SUMCHECK_DEGREE,
  proveSumcheck, proveProduct, proveSumOfProducts, verifySumcheck,
} from "./sumcheck.ts";
