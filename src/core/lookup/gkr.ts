// GKR over a binary tree of fractions (LogUp-GKR, Papini–Haböck): the prover shows
// Σ_i p_i/q_i = P/Q without committing any inverse. Layer k has 2^k fractions; layer k is
// built from layer k+1 by pairing entry x with entry x + 2^k (the new variable is the top one):
//   p_k(x) = p0·q1 + p1·q0,  q_k(x) = q0·q1.
// Each layer's claim (p̃_k(r), q̃_k(r)) is reduced to layer k+1 by a degree-3 sumcheck over
// Σ_x eq(r,x)·[p0 q1 + p1 q0 + λ·q0 q1], then a line through the two halves at μ.

import { type Ext, EXT_ONE, extAdd, extEquals, extMul, extSub } from "../field/index.ts";
import { fieldBackend, type Buf, type FieldBackend } from "../kernels/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { interpolateAt } from "../poly/index.ts";
import { LookupRejection } from "./errors.ts";

export interface GkrLayerProof {
  /** Per sumcheck round: s(0), s(2), s(3). */
  rounds: Ext[][];
  /** p0, p1, q0, q1 of the next layer at the sumcheck's final point. */
  ends: [Ext, Ext, Ext, Ext];
}

export interface GkrProof {
  rootP: Ext;
  rootQ: Ext;
  /** layers[k] reduces layer k to layer k+1 (k = 0 has no sumcheck rounds). */
  layers: GkrLayerProof[];
}

export interface GkrClaim {
  /** Point on the leaf layer: n coordinates, variable 0 first. */
  point: Ext[];
  p: Ext;
  q: Ext;
}

const lerp = (a: Ext, b: Ext, t: Ext): Ext => extAdd(a, extMul(t, extSub(b, a)));

function absorbExts(tr: Transcript, label: string, xs: Ext[]): void {
  const buf = new Uint32Array(4 * xs.length);
  xs.forEach((x, i) => buf.set(x, 4 * i));
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

const pointWords = (r: Ext[]): Uint32Array => {
  const out = new Uint32Array(4 * r.length);
  r.forEach((x, i) => out.set(x.subarray(0, 4), 4 * i));
  return out;
};

/**
 * Proves the fraction sum of leaves (p, q) (2^n entries, n ≥ 1; q interleaved extension, p
 * extension or, with `pBase`, one base word per entry). Every layer and every sumcheck round
 * runs on the field kernels: a round of Σ eq·(p0 q1 + p1 q0 + λ q0 q1) is one gkrRound call. Layers are freed as soon as the walk down no longer needs them.
 */
export function gkrProve(p: Uint32Array, q: Uint32Array, n: number, tr: Transcript, K: FieldBackend = fieldBackend(), pBase = false): { proof: GkrProof; claim: GkrClaim } {
  return gkrProveLeaves(K.from(p), K.from(q), n, tr, K, pBase);
}

/** gkrProve on leaves already in kernel memory; it takes them over (frees them). */
export function gkrProveLeaves(pLeaves: Buf, qLeaves: Buf, n: number, tr: Transcript, K: FieldBackend = fieldBackend(), pBase = false): { proof: GkrProof; claim: GkrClaim } {
  const live = new Set<Buf>([pLeaves, qLeaves]);
  // Every table is written in full before it is read: no zero-fill.
  const alloc = (words: number) => {
    const b = K.allocFor(words);
    live.add(b);
    return b;
  };
  const free = (b: Buf) => {
    if (live.delete(b)) K.free(b);
  };
  const read = (b: Buf, i: number, ext = true): Ext => (ext ? K.read(K.slice(b, 4 * i, 4)) : Uint32Array.of(K.read(K.slice(b, i, 1))[0]!, 0, 0, 0));
  try {
    // layers[k] holds (p, q) with 2^k entries; layers[n] are the leaves (p possibly base).
    const layers = new Array<Layer>(n + 1);
    layers[n] = { p: pLeaves, q: qLeaves, pExt: !pBase };
    for (let k = n - 1; k >= 0; k--) {
      const up = layers[k + 1]!, h = 2 ** k;
      const [p0, p1, q0, q1] = halves(K, up, h);
      const np = alloc(4 * h), nq = alloc(4 * h);
      K.gkrLayer(p0, p1, q0, q1, up.pExt, h, np, nq);
      layers[k] = { p: np, q: nq, pExt: true };
    }
    const rootP = read(layers[0]!.p, 0), rootQ = read(layers[0]!.q, 0);
    absorbExts(tr, "logup/root", [rootP, rootQ]);
    const proofLayers: GkrLayerProof[] = [];
    let r: Ext[] = [];
    let pc: Ext = rootP, qc: Ext = rootQ;
    for (let k = 0; k < n; k++) {
      free(layers[k]!.p);
      free(layers[k]!.q);
      const next = layers[k + 1]!, h = 2 ** k;
      const rounds: Ext[][] = [];
      const point: Ext[] = [];
      let ends: [Ext, Ext, Ext, Ext];
      if (k === 0) {
        ends = [read(next.p, 0, next.pExt), read(next.p, 1, next.pExt), read(next.q, 0), read(next.q, 1)];
      } else {
        const lambda = tr.squeezeExt("logup/lambda");
        let eq = alloc(4 * h);
        K.eqTable(pointWords(r), eq);
        // The layer's halves (views of the layer until the first fold copies them out).
        let [p0, p1, q0, q1] = halves(K, next, h);
        let pExt = next.pExt;
        // Σ eq·(p0·q1 + p1·q0 + λ·q0·q1) at 0, 2, 3; after the first round each call folds the five
        // tables at the challenge and sums the next round in the same pass.
        let sums = K.gkrRound(eq, p0, p1, q0, q1, pExt, h / 2, lambda);
        // Two sets of five tables, folded into each other in turn (round r writes m = h/2^(r+1)
        // elements; a fold never writes the tables it reads): no allocation per round.
        const sets = [h / 2, Math.max(1, h / 4)].map((size) => Array.from({ length: 5 }, () => alloc(4 * size)));
        const first = eq;
        for (let round = 0, m = h / 2; round < k; round++, m /= 2) {
          const s = [0, 1, 2].map((i) => sums.slice(4 * i, 4 * i + 4));
          rounds.push(s);
          absorbExts(tr, "logup/round", s);
          const c = tr.squeezeExt("logup/challenge");
          point.push(c);
          const outs = sets[round & 1]!;
          sums = K.gkrFoldRound([eq, p0, p1, q0, q1], pExt, m, c, lambda, outs);
          [eq, p0, p1, q0, q1] = outs as [Buf, Buf, Buf, Buf, Buf];
          pExt = true;
          if (round === 0) {
            free(first);
            free(next.p);
            free(next.q);
          }
        }
        ends = [read(p0, 0, pExt), read(p1, 0, pExt), read(q0, 0), read(q1, 0)];
        for (const b of sets.flat()) free(b);
      }
      absorbExts(tr, "logup/ends", ends);
      const mu = tr.squeezeExt("logup/mu");
      pc = lerp(ends[0], ends[1], mu);
      qc = lerp(ends[2], ends[3], mu);
      r = [...point, mu];
      proofLayers.push({ rounds, ends });
    }
    return { proof: { rootP, rootQ, layers: proofLayers }, claim: { point: r, p: pc, q: qc } };
  } finally {
    for (const b of live) K.free(b);
  }
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
 * Verifies a fraction-tree proof over 2^n leaves; returns the root and the leaf-layer claim
 * for the caller to check against the leaves' definition. Throws LookupRejection.
 */
export function gkrVerify(proof: GkrProof, n: number, tr: Transcript): { rootP: Ext; rootQ: Ext; claim: GkrClaim } {
  if (proof.layers.length !== n) throw new LookupRejection(`expected ${n} GKR layers, got ${proof.layers.length}`);
  absorbExts(tr, "logup/root", [proof.rootP, proof.rootQ]);
  let r: Ext[] = [];
  let pc: Ext = proof.rootP, qc: Ext = proof.rootQ;
  for (let k = 0; k < n; k++) {
    const layer = proof.layers[k]!;
    if (layer.rounds.length !== k) throw new LookupRejection(`GKR layer ${k}: expected ${k} sumcheck rounds, got ${layer.rounds.length}`);
    const [p0, p1, q0, q1] = layer.ends;
    if (k === 0) {
      if (!extEquals(extAdd(extMul(p0, q1), extMul(p1, q0)), pc) || !extEquals(extMul(q0, q1), qc)) {
        throw new LookupRejection("GKR layer 0: the first layer does not combine to the root");
      }
    } else {
      const lambda = tr.squeezeExt("logup/lambda");
      let claim: Ext = extAdd(pc, extMul(lambda, qc));
      const point: Ext[] = [];
      for (let round = 0; round < k; round++) {
        const s = layer.rounds[round]!;
        if (s.length !== 3) throw new LookupRejection(`GKR layer ${k} round ${round}: expected 3 evaluations, got ${s.length}`);
        absorbExts(tr, "logup/round", s);
        const c = tr.squeezeExt("logup/challenge");
        claim = interpolateAt([s[0]!, extSub(claim, s[0]!), s[1]!, s[2]!], c);
        point.push(c);
      }
      const expected = extMul(eqEval(r, point), extAdd(extAdd(extMul(p0, q1), extMul(p1, q0)), extMul(lambda, extMul(q0, q1))));
      if (!extEquals(expected, claim)) throw new LookupRejection(`GKR layer ${k}: the sumcheck's final claim does not match the layer below`);
      r = point;
    }
    absorbExts(tr, "logup/ends", [p0, p1, q0, q1]);
    const mu = tr.squeezeExt("logup/mu");
    pc = lerp(p0, p1, mu);
    qc = lerp(q0, q1, mu);
    r = [...r, mu];
  }
  return { rootP: proof.rootP, rootQ: proof.rootQ, claim: { point: r, p: pc, q: qc } };
}

