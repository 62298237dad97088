// Generic sumcheck (PROTOCOL.md §3) for Σ_{x ∈ {0,1}^n} g(f_1(x), …, f_k(x)) of degree d.
// Round i (variable i bound, variable 0 first) sends s_i(0), s_i(2), …, s_i(d) (s_i(1) is
// claim − s_i(0)); the prover absorbs them (label "sumcheck/round") before squeezing the
// challenge ("sumcheck/challenge"). Base-field tables move to the extension after round 1.

import { P, add, sub, mul } from "../field/koalabear.ts";
import { type Ext, EXT_ONE, extAdd, extMul, extSub } from "../field/ext.ts";
import { interpolateAt } from "../poly/univariate.ts";
import { type Buf, type FieldBackend, type Table, fieldBackend, MAX_PRODUCT } from "../kernels/index.ts";
import { inKernels } from "../kernels/resident.ts";

/** What the sumcheck needs of a Fiat–Shamir transcript (src/core/transcript implements it). */
export interface TranscriptLike {
  absorb(label: string, bytes: Uint8Array): void;
  /** Canonical u32le words. */
  absorbFields(label: string, xs: Uint32Array): void;
  /** One F_p^4 element. */
  squeezeExt(label: string): Uint32Array;
}

export const ROUND_LABEL = "sumcheck/round";
export const CHALLENGE_LABEL = "sumcheck/challenge";

/** Verifier-side limits (bounded work whatever the proof says). */
export const MAX_SUMCHECK_VARS = 64;
export const MAX_SUMCHECK_DEGREE = 32;

export interface SumcheckProof {
  /** rounds[i]: s_i(0), s_i(2), …, s_i(d) as 4d words (extension elements). */
  rounds: Uint32Array[];
}

/** A prover input table: values on the hypercube (base: 2^n words; extension: 4·2^n words). */
export type SumcheckTable = { data: Uint32Array; ext: boolean } | Table;

export interface SumcheckProverResult {
  proof: SumcheckProof;
  /** The challenges r_0..r_{n−1} (4n words). */
  point: Uint32Array;
  /** f_j(point) for every table. */
  evals: Ext[];
  /** The final claim g(evals) (= what the verifier ends with, for an honest prover). */
  claim: Ext;
}

export interface SumcheckOptions {
  backend?: FieldBackend;
}

interface Work {
  buf: Buf;
  ext: boolean;
  owned: boolean;
}

/**
 * Shared prover loop; `roundEvals(tables, m)` returns s(0), s(2..d) as 4d words. With `fused`,
 * folding at r and the next round's evaluation are one backend pass (products of 2 or 3).
 */
function runProver(
  t: TranscriptLike,
  inputs: readonly SumcheckTable[],
  degree: number,
  roundEvals: (K: FieldBackend, tables: Work[], m: number) => Uint32Array,
  final: (evals: Ext[]) => Ext,
  opts: SumcheckOptions,
  fused = false,
): SumcheckProverResult {
  const K = opts.backend ?? fieldBackend();
  if (inputs.length === 0) throw new Error("sumcheck: no tables");
  // Plain loops, no per-call closures, here and on every path a proof takes: V8 holds a closure's
  // optimized code weakly, so one made anew in each proof is compiled again after each major GC,
  // on threads that compete with the pool's (README, Threads).
  const sizes: number[] = [];
  for (const x of inputs) sizes.push(("data" in x ? x.data.length : x.buf.len) / (x.ext ? 4 : 1));
  const size = sizes[0]!;
  for (const s of sizes) if (s !== size) throw new Error(`sumcheck: tables of different sizes ${sizes.join(", ")}`);
  const n = Math.log2(size);
  if (!Number.isInteger(n)) throw new Error(`sumcheck: table size ${size} is not a power of two`);

  let work: Work[] = [];
  for (const x of inputs) work.push("data" in x ? { ...inKernels(K, x.data), ext: x.ext } : { buf: x.buf, ext: x.ext, owned: false });
  const rounds: Uint32Array[] = [];
  const point = new Uint32Array(4 * n);
  try {
    let m = size / 2;
    let msg = n > 0 ? roundEvals(K, work, m) : new Uint32Array(0);
    for (let i = 0; i < n; i++, m /= 2) {
      if (msg.length !== 4 * degree) throw new Error("sumcheck: round evaluation of the wrong degree");
      t.absorbFields(ROUND_LABEL, msg);
      const r = t.squeezeExt(CHALLENGE_LABEL);
      rounds.push(msg);
      point.set(r, 4 * i);
      // Fold into fresh tables (not in place): a pool's kernels split folds across threads.
      const outs: Buf[] = [];
      for (let j = 0; j < work.length; j++) outs.push(K.allocFor(4 * m));
      if (fused) {
        msg = K.foldRoundProduct(work, m, r, outs);
      } else {
        for (let j = 0; j < work.length; j++) {
          const w = work[j]!;
          if (w.ext) K.foldExt(w.buf, m, r, outs[j]!);
          else K.foldBase(w.buf, m, r, outs[j]!);
        }
      }
      const next: Work[] = [];
      for (let j = 0; j < work.length; j++) {
        if (work[j]!.owned) K.free(work[j]!.buf);
        next.push({ buf: outs[j]!, ext: true, owned: true });
      }
      work = next;
      if (!fused && i + 1 < n) msg = roundEvals(K, work, m / 2);
    }
    const evals: Ext[] = [];
    for (const w of work) {
      const v = K.read(K.slice(w.buf, 0, w.ext ? 4 : 1));
      evals.push(w.ext ? v : Uint32Array.of(v[0]!, 0, 0, 0));
    }
    return { proof: { rounds }, point, evals, claim: final(evals) };
  } finally {
    for (const w of work) if (w.owned) K.free(w.buf);
  }
}

/**
 * Sumcheck of Σ_x g(f_1(x), …, f_k(x)) for any g of total degree ≤ `degree` in its arguments,
 * given as a function over extension values. Round evaluation runs in TypeScript (g is
 * arbitrary); folding runs on the backend. Use proveProduct for products of 2 or 3 tables.
 * g is called with scratch arrays that are overwritten after it returns: it must not keep them.
 */
export function proveSumcheck(
  t: TranscriptLike,
  tables: readonly SumcheckTable[],
  g: (values: Ext[]) => Ext,
  degree: number,
  opts: SumcheckOptions = {},
): SumcheckProverResult {
  if (!Number.isInteger(degree) || degree < 1) throw new Error(`sumcheck: degree ${degree}`);
  const ts = [0];
  for (let x = 2; x <= degree; x++) ts.push(x);
  return runProver(t, tables, degree, (K, work, m) => {
    const k = work.length;
    const views = work.map((w) => K.view(w.buf));
    const exts = work.map((w) => w.ext);
    // Reused scratch (g gets fresh values each call; its result is consumed at once).
    const lo = Array.from({ length: k }, () => new Uint32Array(4));
    const df = Array.from({ length: k }, () => new Uint32Array(4));
    const vals: Ext[] = Array.from({ length: k }, () => new Uint32Array(4));
    const sums = new Uint32Array(4 * degree);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) {
        const v = views[j]!, l = lo[j]!, d = df[j]!;
        if (exts[j]) {
          for (let c = 0; c < 4; c++) { l[c] = v[8 * i + c]!; d[c] = sub(v[8 * i + 4 + c]!, l[c]!); }
        } else {
          l[0] = v[2 * i]!; d[0] = sub(v[2 * i + 1]!, l[0]!);
          l[1] = l[2] = l[3] = 0; d[1] = d[2] = d[3] = 0;
        }
      }
      for (let q = 0; q < ts.length; q++) {
        const x = ts[q]!;
        for (let j = 0; j < k; j++) {
          const l = lo[j]!, d = df[j]!, o = vals[j]!;
          for (let c = 0; c < 4; c++) o[c] = x === 0 ? l[c]! : add(l[c]!, mul(d[c]!, x));
        }
        const y = g(vals);
        for (let c = 0; c < 4; c++) sums[4 * q + c] = add(sums[4 * q + c]!, y[c]!);
      }
    }
    return sums;
  }, g, opts);
}

const roundProductOf = (K: FieldBackend, work: Work[], m: number) => K.roundProduct(work, m);

function product(vals: Ext[]): Ext {
  let acc: Ext = EXT_ONE.slice();
  for (const v of vals) acc = extMul(acc, v);
  return acc;
}

/**
 * Sumcheck of Σ_x Π_j f_j(x) (degree = number of tables), on the backend: 2 or 3 tables by the
 * fused product kernels; more as a sum of one product (proveSumOfProducts).
 */
export function proveProduct(t: TranscriptLike, tables: readonly SumcheckTable[], opts: SumcheckOptions = {}): SumcheckProverResult {
  if (tables.length === 1) return proveSumcheck(t, tables, product, 1, opts);
  if (tables.length <= 3) {
    return runProver(t, tables, tables.length,
      roundProductOf, product, opts, true);
  }
  return proveSumOfProducts(t, tables, [{ coeff: EXT_ONE, tables: tables.map((_, j) => j) }], opts);
}

/** One term of a sum of products: coeff·Π_{j ∈ tables} f_j. */
export interface ProductTerm {
  coeff: Ext;
  /** Indices into the table list (a table may appear in several terms). */
  tables: number[];
}

/**
 * Sumcheck of Σ_x Σ_l c_l·Π_{j ∈ S_l} f_j(x) (degree = the largest term), on the backend: every
 * table is folded once per round whatever the number of terms that use it; a term of 2 or 3
 * tables at full degree runs on the fused product kernel, any other is evaluated at each node t
 * by folding its tables at t (a fold at t is each pair's line at t), multiplying and summing
 * vectors. Same messages and transcript as proveSumcheck with that g.
 */
export function proveSumOfProducts(t: TranscriptLike, tables: readonly SumcheckTable[], terms: readonly ProductTerm[], opts: SumcheckOptions = {}): SumcheckProverResult {
  if (terms.length === 0) throw new Error("sumcheck: no terms");
  for (const term of terms) {
    if (term.tables.length === 0 || term.tables.some((j) => !Number.isInteger(j) || j < 0 || j >= tables.length)) throw new Error("sumcheck: a term names no table or a missing one");
  }
  const degree = Math.max(...terms.map((term) => term.tables.length));
  const nodes = [0, ...Array.from({ length: degree - 1 }, (_, i) => i + 2)];
  const g = (vals: Ext[]): Ext => terms.reduce<Ext>((acc, term) => extAdd(acc, extMul(term.coeff, term.tables.reduce<Ext>((a, j) => extMul(a, vals[j]!), EXT_ONE.slice()))), new Uint32Array(4));
  return runProver(t, tables, degree, (K, work, m) => sumOfProductsRound(K, work, m, terms, degree, nodes), g, opts);
}

/** A round of proveSumOfProducts: s(0), s(2..d) as 4d words. */
function sumOfProductsRound(K: FieldBackend, work: Work[], m: number, terms: readonly ProductTerm[], degree: number, nodes: readonly number[]): Uint32Array {
  const out = new Uint32Array(4 * degree);
  const acc = K.alloc(4 * m), tmp = K.alloc(4 * m);
  try {
    for (const term of terms) {
      const ws: Work[] = [];
      for (const j of term.tables) ws.push(work[j]!);
      let evals: Uint32Array;
      if (ws.length === degree && degree >= 2 && degree <= MAX_PRODUCT) {
        evals = K.roundProduct(ws, m);
      } else {
        evals = new Uint32Array(4 * degree);
        for (let q = 0; q < nodes.length; q++) {
          const r = Uint32Array.of(nodes[q]!, 0, 0, 0);
          for (let i = 0; i < ws.length; i++) {
            const w = ws[i]!, dst = i === 0 ? acc : tmp;
            if (w.ext) K.foldExt(w.buf, m, r, dst);
            else K.foldBase(w.buf, m, r, dst);
            if (i > 0) K.extMul(acc, tmp, acc, m);
          }
          evals.set(K.extSum(acc, m), 4 * q);
        }
      }
      for (let q = 0; q < degree; q++) out.set(extAdd(out.subarray(4 * q, 4 * q + 4), extMul(term.coeff, evals.subarray(4 * q, 4 * q + 4))), 4 * q);
    }
    return out;
  } finally {
    K.free(acc); K.free(tmp);
  }
}

// ------------------------------------------------------------------ verifier

export type SumcheckVerdict =
  | { ok: true; point: Uint32Array; claim: Ext }
  | {
      ok: false;
      /** 0-based round at fault; numVars for the final check (or parameters). */
      round: number;
      reason: string;
    };

const reject = (round: number, reason: string): SumcheckVerdict => ({ ok: false, round, reason });

/**
 * Replays the sumcheck: for each round checks the message's shape and canonical encoding,
 * absorbs it, squeezes r, and reduces the claim to s(r). Returns the point and the final claim,
 * which the caller checks against g(f_1(point), …) — or pass `oracle` to have it checked here
 * (a mismatch is a rejection naming round numVars). Never throws; work is O(numVars · degree).
 */
export function verifySumcheck(
  t: TranscriptLike,
  claim: Ext,
  proof: SumcheckProof,
  numVars: number,
  degree: number,
  oracle?: (point: Uint32Array) => Ext,
): SumcheckVerdict {
  let round = 0;
  try {
    if (!Number.isInteger(numVars) || numVars < 0 || numVars > MAX_SUMCHECK_VARS) return reject(0, `bad number of variables ${numVars}`);
    if (!Number.isInteger(degree) || degree < 1 || degree > MAX_SUMCHECK_DEGREE) return reject(0, `bad degree ${degree}`);
    if (!isExt(claim)) return reject(0, "initial claim is not a canonical extension element");
    const rounds = proof?.rounds;
    if (!Array.isArray(rounds)) return reject(0, "no round list");
    let c: Ext = claim.slice(0, 4);
    const point = new Uint32Array(4 * numVars);
    for (round = 0; round < numVars; round++) {
      if (round >= rounds.length) return reject(round, `missing round ${round} (proof has ${rounds.length} of ${numVars})`);
      const msg = rounds[round];
      if (!(msg instanceof Uint32Array)) return reject(round, `round ${round} is not a word array`);
      if (msg.length !== 4 * degree) return reject(round, `round ${round} has ${msg.length / 4} values, expected ${degree} (degree ${degree})`);
      for (let w = 0; w < msg.length; w++) {
        if (msg[w]! >= P) return reject(round, `round ${round}: word ${w} is not canonical`);
      }
      t.absorbFields(ROUND_LABEL, msg);
      const r = t.squeezeExt(CHALLENGE_LABEL);
      point.set(r, 4 * round);
      const s0 = msg.slice(0, 4);
      const evals: Ext[] = [s0, extSub(c, s0)];
      for (let k = 1; k < degree; k++) evals.push(msg.slice(4 * k, 4 * k + 4));
      c = interpolateAt(evals, r);
    }
    if (rounds.length !== numVars) return reject(numVars, `proof has ${rounds.length} rounds, expected ${numVars}`);
    if (oracle) {
      const want = oracle(point);
      if (!isExt(want) || want[0] !== c[0] || want[1] !== c[1] || want[2] !== c[2] || want[3] !== c[3]) {
        return reject(numVars, "final claim does not match the oracle evaluation");
      }
    }
    return { ok: true, point, claim: c };
  } catch (e) {
    return reject(round, `error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function isExt(x: unknown): x is Ext {
  return x instanceof Uint32Array && x.length >= 4 && x[0]! < P && x[1]! < P && x[2]! < P && x[3]! < P;
}
