// Multilinear and univariate polynomial helpers (PROTOCOL.md §3).
//
// - eqTable(r): eq(r, ·) over {0,1}^n in O(2^n) (wasm by default); eqEval(r, x), eqAtIndex(r, i): O(n).
// - evaluateMle(table, ext, r): a multilinear given by its hypercube values, at an extension
//   point, by folding (variable 0 = lowest index bit first).
// - liveSelector(n, r): the MLE of [i < n] at r in O(bits).
// - interpolateAt(evals, r): the polynomial with values evals[k] at k = 0..d, at r (verifier side
//   of the sumcheck); extendEvals to more nodes.
// Every function takes an optional FieldBackend (../kernels) where it does bulk work.

export { eqTable, eqEval, eqAtIndex } from "./eq.ts";
export { evaluateMle } from "./mle.ts";
export { liveSelector } from "./selector.ts";
export { interpolateAt, extendEvals } from "./univariate.ts";
