// GKR over a binary tree of fractions (LogUp-GKR, Papini–Haböck): the prover shows
// Σ_i p_i/q_i = P/Q without committing any inverse. Layer k has 2^k fractions; layer k is
// built from layer k+1 by pairing entry x with entry x + 2^k (the new variable is the top one):
//   p_k(x) = p0·q1 + p1·q0,  q_k(x) = q0·q1.
// Each layer's claim (p̃_k(r), q̃_k(r)) is reduced to layer k+1 by a degree-3 sumcheck over
// Σ_x eq(r,x)·[p0 q1 + p1 q0 + λ·q0 q1], then a line through the two halves at μ. Several trees
// (every LogUp instance's witness and table trees) are proved together: their layers k all have
// 2^k entries, so one sumcheck per layer takes their random combination (gkrProve).

import { type Ext, EXT_ONE, extAdd, extEquals, extFromBase, extInv, extIsZero, extMul, extSub } from "../field/index.ts";
import { fieldBackend, type Buf, type FieldBackend, type GkrLayerArgs, type GkrTables } from "../kernels/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { interpolateAt } from "../poly/index.ts";
import { LookupRejection } from "./errors.ts";

export interface GkrLayerProof {
  /** Per sumcheck round: s(0), s(2), s(3) of the layer's combined sum. */
  rounds: Ext[][];
  /** Per tree still active at this layer, in tree order: p0, p1, q0, q1 of its next layer at the final point. */
  ends: [Ext, Ext, Ext, Ext][];
}

/** Several fraction trees proved together: one sumcheck per layer for every tree deep enough. */
export interface GkrProof {
  /** Per tree: the root fraction (P, Q). */
  roots: [Ext, Ext][];
  /** layers[k] reduces layer k to layer k+1 of every tree with more than k variables (k = 0 has no sumcheck rounds). */
  layers: GkrLayerProof[];
}

export interface GkrClaim {
  /** Point on the leaf layer: n coordinates, variable 0 first. */
  point: Ext[];
  p: Ext;
  q: Ext;
}

/** A tree's leaves in kernel memory (2^n entries, n ≥ 1): q extension, p extension or, with `pBase`, one base word per entry. */
export interface GkrLeaves {
  p: Buf;
  q: Buf;
  n: number;
  pBase?: boolean;
}

const lerp = (a: Ext, b: Ext, t: Ext): Ext => extAdd(a, extMul(t, extSub(b, a)));
const TWO = extFromBase(2), THREE = extFromBase(3);
/** eq(r, x) for one variable: r·x + (1 − r)(1 − x). */
const eqAt = (r: Ext, x: Ext): Ext => extAdd(extMul(r, x), extMul(extSub(EXT_ONE, r), extSub(EXT_ONE, x)));

export function absorbExts(tr: Transcript, label: string, xs: Ext[]): void {
  const buf = new Uint32Array(4 * xs.length);
  for (let i = 0; i < xs.length; i++) buf.set(xs[i]!, 4 * i);
  tr.absorbFields(label, buf);
}

/** eq(r, x) for one point pair. */
export function eqEval(r: Ext[], x: Ext[]): Ext {
  let acc: Ext = EXT_ONE.slice();
  for (let i = 0; i < r.length; i++) {
    const ri = r[i]!, xi = x[i]!;
    // r·x + (1−r)(1−x) = 1 − r − x + 2rx
    const rx = extMul(ri, xi);
    acc = extMul(acc, extAdd(extSub(extSub(EXT_ONE, ri), xi), extAdd(rx, rx)));
  }
  return acc;
}

export const pointWords = (r: Ext[]): Uint32Array => {
  const out = new Uint32Array(4 * r.length);
  for (let i = 0; i < r.length; i++) out.set(r[i]!.subarray(0, 4), 4 * i);
  return out;
};

/** Powers 1, λ², λ⁴, …: tree a's weight in a layer's combined claim (its q-claim gets one more λ). */
function treeWeights(lambda: Ext, count: number): Ext[] {
  const sq = extMul(lambda, lambda);
  const out: Ext[] = [EXT_ONE.slice()];
  for (let a = 1; a < count; a++) out.push(extMul(out[a - 1]!, sq));
  return out;
}

/**
 * Proves the fraction sums of several trees at once (LogUp-GKR, batched): all trees walk down
 * from their roots in step, so at layer k every tree with more than k variables has 2^k
 * fractions and the same point; one degree-3 sumcheck proves the random combination
 * Σ_a λ^{2a}·[p0 q1 + p1 q0 + λ·q0 q1]_a, so the transcript sees one message per round, not one
 * per tree. Every layer and round runs on the field kernels; the leaves are taken over (freed).
 * A tree with n variables leaves the walk after layer n − 1 with its leaf claim.
 */
export function gkrProve(trees: GkrLeaves[], tr: Transcript, K: FieldBackend = fieldBackend()): { proof: GkrProof; claims: GkrClaim[] } {
  const live: Live = { K, bufs: new Set<Buf>() };
  for (const t of trees) {
    live.bufs.add(t.p);
    live.bufs.add(t.q);
  }
  try {
    let depth = 0;
    for (const t of trees) {
      if (!Number.isInteger(t.n) || t.n < 1) throw new Error("gkr: every tree needs at least one variable");
      depth = Math.max(depth, t.n);
    }
    if (trees.length === 0) throw new Error("gkr: every tree needs at least one variable");
    // stacks[j][k] holds tree j's layer k (2^k entries); stacks[j][n] are its leaves. Layer k of
    // every tree deep enough is built in one kernel batch.
    const stacks: Layer[][] = [];
    for (const t of trees) {
      const layers = new Array<Layer>(t.n + 1);
      layers[t.n] = { p: t.p, q: t.q, pExt: !t.pBase };
      stacks.push(layers);
    }
    for (let k = depth - 1; k >= 0; k--) buildLayers(live, stacks, k);
    const roots: [Ext, Ext][] = [];
    const pc: Ext[] = [], qc: Ext[] = [];
    for (const layers of stacks) {
      const root: [Ext, Ext] = [readAt(K, layers[0]!.p, 0, true), readAt(K, layers[0]!.q, 0, true)];
      roots.push(root);
      pc.push(root[0]);
      qc.push(root[1]);
    }
    absorbExts(tr, "logup/root", roots.flat());
    const claims = new Array<GkrClaim>(trees.length);
    const proofLayers: GkrLayerProof[] = [];
    let r: Ext[] = [];
    for (let k = 0; k < depth; k++) {
      const active: number[] = [];
      for (let j = 0; j < trees.length; j++) {
        if (trees[j]!.n <= k) continue;
        active.push(j);
        freeLive(live, stacks[j]![k]!.p);
        freeLive(live, stacks[j]![k]!.q);
      }
      const point: Ext[] = [];
      const rounds: Ext[][] = [];
      const ends = k === 0 ? firstEnds(K, stacks, active) : layerRounds(live, tr, stacks, active, k, r, pc, qc, point, rounds);
      absorbExts(tr, "logup/ends", ends.flat());
      const mu = tr.squeezeExt("logup/mu");
      point.push(mu);
      r = point;
      for (let a = 0; a < active.length; a++) {
        const j = active[a]!, [p0, p1, q0, q1] = ends[a]!;
        pc[j] = lerp(p0, p1, mu);
        qc[j] = lerp(q0, q1, mu);
        if (trees[j]!.n === k + 1) claims[j] = { point: r, p: pc[j]!, q: qc[j]! };
      }
      proofLayers.push({ rounds, ends });
    }
    return { proof: { roots, layers: proofLayers }, claims };
  } finally {
    for (const b of live.bufs) K.free(b);
  }
}

// gkrProve's steps are module-level functions with plain loops, no closures made per layer: V8
// compiled such closures again in every proof, on a background thread that competes with a pool's
// worker for the second core.

/** Layer k of every tree deeper than k, from layer k + 1, in one kernel batch. */
function buildLayers(live: Live, stacks: Layer[][], k: number): void {
  const h = 2 ** k;
  const args: GkrLayerArgs[] = [];
  for (const layers of stacks) {
    if (layers.length <= k + 1) continue;
    const up = layers[k + 1]!;
    const [p0, p1, q0, q1] = halves(live.K, up, h);
    const np = allocLive(live, 4 * h), nq = allocLive(live, 4 * h);
    layers[k] = { p: np, q: nq, pExt: true };
    args.push({ p0, p1, q0, q1, pExt: up.pExt, np, nq });
  }
  live.K.gkrLayers(args, h);
}

/** Layer 0 has no rounds: the ends are the two entries of each tree's layer 1. */
function firstEnds(K: FieldBackend, stacks: Layer[][], active: number[]): [Ext, Ext, Ext, Ext][] {
  const ends: [Ext, Ext, Ext, Ext][] = [];
  for (const j of active) {
    const next = stacks[j]![1]!;
    ends.push([readAt(K, next.p, 0, next.pExt), readAt(K, next.p, 1, next.pExt), readAt(K, next.q, 0, true), readAt(K, next.q, 1, true)]);
  }
  return ends;
}

interface RoundState extends GkrTables {
  tables: Buf[];
  outs: readonly Buf[] | undefined;
  sets: Buf[][];
  next: Layer;
}

/**
 * The sumcheck that reduces layer k (k ≥ 1) of the active trees to layer k + 1: its messages go
 * to `rounds`, its challenges to `point`; returns each active tree's ends at that point.
 */
function layerRounds(live: Live, tr: Transcript, stacks: Layer[][], active: number[], k: number, r: Ext[], pc: Ext[], qc: Ext[], point: Ext[], rounds: Ext[][]): [Ext, Ext, Ext, Ext][] {
  const K = live.K, h = 2 ** k;
  const lambda = tr.squeezeExt("logup/lambda");
  const weights = treeWeights(lambda, active.length);
  // Gruen's split of eq(r, x): round j's message is eq(r_j, X)·C_j·T(X) with C_j the eq
  // factors of the rounds before and T(X) = Σ_a w_a Σ_i S_j[i]·F_a(X, i), S_j = eq(r_{>j}, ·).
  // The kernels sum T at 0 and 2; T(1) follows from the claim. Same messages as the sum
  // over a folded eq table, with no eq table to fold and one evaluation point less.
  const suffix: Buf[] = [];
  const eqArgs: { r: Uint32Array; out: Buf }[] = [];
  for (let j = 0; j < k; j++) {
    const out = allocLive(live, 4 * 2 ** (k - 1 - j));
    suffix.push(out);
    eqArgs.push({ r: pointWords(r.slice(j + 1)), out });
  }
  K.eqTables(eqArgs);
  let claim: Ext = new Uint32Array(4);
  for (let a = 0; a < active.length; a++) {
    const j = active[a]!;
    claim = extAdd(claim, extMul(weights[a]!, extAdd(pc[j]!, extMul(lambda, qc[j]!))));
  }
  let C: Ext = EXT_ONE.slice();
  // Per active tree: its tables (views of the layer below until the first fold), and two sets
  // of four buffers folded into each other in turn (round j writes h/2^(j+1) elements).
  const state: RoundState[] = [];
  for (let a = 0; a < active.length; a++) {
    const next = stacks[active[a]!]![k + 1]!;
    const [p0, p1, q0, q1] = halves(K, next, h);
    const sets: Buf[][] = [[], []];
    for (let i = 0; i < 4; i++) {
      sets[0]!.push(allocLive(live, 4 * (h / 2)));
      sets[1]!.push(allocLive(live, 4 * Math.max(1, h / 4)));
    }
    state.push({ tables: [suffix[0]!, p0, p1, q0, q1], pExt: next.pExt, weight: weights[a]!, outs: undefined, sets, next });
  }
  // T(1) from the claim needs C_j·r_j ≠ 0; in the (negligible) other case the kernels sum it too.
  // One kernel batch per round for all trees (many are small: together they fill the threads),
  // weighted into one message by the kernels.
  let one = extIsZero(extMul(C, r[0]!));
  let sums = K.gkrRounds(state, h / 2, lambda, one);
  for (let round = 0, m = h / 2; round < k; round++, m /= 2) {
    const t0 = sums.subarray(0, 4), t2 = sums.subarray(4, 8), t1Sum = sums.subarray(8, 12);
    const rj = r[round]!;
    const s0 = extMul(C, extMul(extSub(EXT_ONE, rj), t0));
    const s1 = extSub(claim, s0);
    const t1 = one ? t1Sum : extMul(s1, extInv(extMul(C, rj)));
    const t3 = extAdd(extSub(t0, extMul(THREE, t1)), extMul(THREE, t2));
    const s = [s0, extMul(C, extMul(eqAt(rj, TWO), t2)), extMul(C, extMul(eqAt(rj, THREE), t3))];
    rounds.push(s);
    absorbExts(tr, "logup/round", s);
    const c = tr.squeezeExt("logup/challenge");
    point.push(c);
    claim = interpolateAt([s0, s1, s[1]!, s[2]!], c);
    C = extMul(C, eqAt(rj, c));
    one = round + 1 < k && extIsZero(extMul(C, r[round + 1]!));
    for (const x of state) {
      x.outs = x.sets[round & 1]!;
      x.tables[0] = suffix[Math.min(round + 1, k - 1)]!;
    }
    sums = K.gkrFoldRounds(state, m, c, lambda, one);
    for (const x of state) {
      for (let i = 0; i < 4; i++) x.tables[1 + i] = x.outs![i]!;
      x.pExt = true;
    }
    if (round === 0) {
      for (const x of state) {
        freeLive(live, x.next.p);
        freeLive(live, x.next.q);
      }
    }
  }
  for (const b of suffix) freeLive(live, b);
  const ends: [Ext, Ext, Ext, Ext][] = [];
  for (const x of state) {
    const [, p0, p1, q0, q1] = x.tables as [Buf, Buf, Buf, Buf, Buf];
    ends.push([readAt(K, p0, 0, x.pExt), readAt(K, p1, 0, x.pExt), readAt(K, q0, 0, true), readAt(K, q1, 0, true)]);
    for (const set of x.sets) for (const b of set) freeLive(live, b);
  }
  return ends;
}

// The prover's buffer helpers at module level: V8 drops the optimized code of closures made per
// call at each major GC and recompiles it off-thread, on the core a pool's worker needs.
interface Live {
  K: FieldBackend;
  bufs: Set<Buf>;
}

/** A buffer the GKR prover frees when it is done (every table is written in full before it is read: no zero-fill). */
function allocLive(live: Live, words: number): Buf {
  const b = live.K.allocFor(words);
  live.bufs.add(b);
  return b;
}

function freeLive(live: Live, b: Buf): void {
  if (live.bufs.delete(b)) live.K.free(b);
}

/** Entry i of a table: an extension element, or a base word lifted. */
function readAt(K: FieldBackend, b: Buf, i: number, ext: boolean): Ext {
  return ext ? K.read(K.slice(b, 4 * i, 4)) : Uint32Array.of(K.read(K.slice(b, i, 1))[0]!, 0, 0, 0);
}

interface Layer {
  p: Buf;
  q: Buf;
  /** false only for leaves given as base numerators. */
  pExt: boolean;
}

/** The lower and upper halves (by the top variable) of a layer's p and q. */
function halves(K: FieldBackend, layer: Layer, h: number): [Buf, Buf, Buf, Buf] {
  const w = layer.pExt ? 4 : 1;
  return [K.slice(layer.p, 0, w * h), K.slice(layer.p, w * h, w * h), K.slice(layer.q, 0, 4 * h), K.slice(layer.q, 4 * h, 4 * h)];
}

/**
 * Verifies a batched fraction-tree proof over trees of `ns[j]` leaf variables (from the plan,
 * never from the proof); returns each tree's root and leaf claim for the caller to check against
 * the leaves' definition. Throws LookupRejection.
 */
export function gkrVerify(proof: GkrProof, ns: number[], tr: Transcript): { roots: [Ext, Ext][]; claims: GkrClaim[] } {
  if (ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 1)) throw new LookupRejection("every fraction tree needs at least one variable");
  if (proof.roots.length !== ns.length) throw new LookupRejection(`expected ${ns.length} fraction-tree roots, got ${proof.roots.length}`);
  const depth = Math.max(...ns);
  if (proof.layers.length !== depth) throw new LookupRejection(`expected ${depth} GKR layers, got ${proof.layers.length}`);
  absorbExts(tr, "logup/root", proof.roots.flat());
  const pc = proof.roots.map((x) => x[0]), qc = proof.roots.map((x) => x[1]);
  const claims = new Array<GkrClaim>(ns.length);
  let r: Ext[] = [];
  for (let k = 0; k < depth; k++) {
    const layer = proof.layers[k]!;
    const active = ns.flatMap((n, j) => (n > k ? [j] : []));
    if (layer.rounds.length !== k) throw new LookupRejection(`GKR layer ${k}: expected ${k} sumcheck rounds, got ${layer.rounds.length}`);
    if (layer.ends.length !== active.length) throw new LookupRejection(`GKR layer ${k}: expected the ends of ${active.length} trees, got ${layer.ends.length}`);
    let point: Ext[] = [];
    if (k === 0) {
      active.forEach((j, a) => {
        const [p0, p1, q0, q1] = layer.ends[a]!;
        if (!extEquals(extAdd(extMul(p0, q1), extMul(p1, q0)), pc[j]!) || !extEquals(extMul(q0, q1), qc[j]!)) {
          throw new LookupRejection(`GKR layer 0: tree ${j}'s first layer does not combine to its root`);
        }
      });
    } else {
      const lambda = tr.squeezeExt("logup/lambda");
      const weights = treeWeights(lambda, active.length);
      let claim: Ext = new Uint32Array(4);
      active.forEach((j, a) => (claim = extAdd(claim, extMul(weights[a]!, extAdd(pc[j]!, extMul(lambda, qc[j]!))))));
      for (let round = 0; round < k; round++) {
        const s = layer.rounds[round]!;
        if (s.length !== 3) throw new LookupRejection(`GKR layer ${k} round ${round}: expected 3 evaluations, got ${s.length}`);
        absorbExts(tr, "logup/round", s);
        const c = tr.squeezeExt("logup/challenge");
        claim = interpolateAt([s[0]!, extSub(claim, s[0]!), s[1]!, s[2]!], c);
        point.push(c);
      }
      let layerSum: Ext = new Uint32Array(4);
      layer.ends.forEach(([p0, p1, q0, q1], a) => {
        const term = extAdd(extAdd(extMul(p0, q1), extMul(p1, q0)), extMul(lambda, extMul(q0, q1)));
        layerSum = extAdd(layerSum, extMul(weights[a]!, term));
      });
      if (!extEquals(extMul(eqEval(r, point), layerSum), claim)) throw new LookupRejection(`GKR layer ${k}: the sumcheck's final claim does not match the layer below`);
    }
    absorbExts(tr, "logup/ends", layer.ends.flat());
    const mu = tr.squeezeExt("logup/mu");
    r = [...point, mu];
    active.forEach((j, a) => {
      const [p0, p1, q0, q1] = layer.ends[a]!;
      pc[j] = lerp(p0, p1, mu);
      qc[j] = lerp(q0, q1, mu);
      if (ns[j] === k + 1) claims[j] = { point: r, p: pc[j]!, q: qc[j]! };
    });
  }
  return { roots: proof.roots, claims };
}
