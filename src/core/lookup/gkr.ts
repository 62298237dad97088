// GKR over a binary tree of fractions (LogUp-GKR, Papini–Haböck): the prover shows
// Σ_i p_i/q_i = P/Q without committing any inverse. Layer k has 2^k fractions; layer k is
// built from layer k+1 by pairing entry x with entry x + 2^k (the new variable is the top one):
//   p_k(x) = p0·q1 + p1·q0,  q_k(x) = q0·q1.
// Each layer's claim (p̃_k(r), q̃_k(r)) is reduced to layer k+1 by a degree-3 sumcheck over
// Σ_x eq(r,x)·[p0 q1 + p1 q0 + λ·q0 q1], then a line through the two halves at μ.

import { type Ext, EXT_ONE, extAdd, extEquals, extMul, extSub } from "../field/index.ts";
import type { Transcript } from "../transcript/index.ts";
import { interpolateAt } from "./univariate.ts";
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

const at = (v: Uint32Array, i: number): Ext => v.subarray(4 * i, 4 * i + 4);
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

function eqTable(r: Ext[]): Uint32Array {
  let t = EXT_ONE.slice();
  for (let i = 0; i < r.length; i++) {
    const size = 1 << i;
    const next = new Uint32Array(8 * size);
    const ri = r[i]!, one = extSub(EXT_ONE, ri);
    for (let x = 0; x < size; x++) {
      next.set(extMul(at(t, x), one), 4 * x);
      next.set(extMul(at(t, x), ri), 4 * (x + size));
    }
    t = next;
  }
  return t;
}

/** Builds every layer: layers[k] holds (p, q) with 2^k entries; layers[n] are the leaves. */
function buildLayers(p: Uint32Array, q: Uint32Array, n: number): { p: Uint32Array; q: Uint32Array }[] {
  const layers = new Array<{ p: Uint32Array; q: Uint32Array }>(n + 1);
  layers[n] = { p, q };
  for (let k = n - 1; k >= 0; k--) {
    const up = layers[k + 1]!, half = 1 << k;
    const np = new Uint32Array(4 * half), nq = new Uint32Array(4 * half);
    for (let x = 0; x < half; x++) {
      const p0 = at(up.p, x), p1 = at(up.p, x + half), q0 = at(up.q, x), q1 = at(up.q, x + half);
      np.set(extAdd(extMul(p0, q1), extMul(p1, q0)), 4 * x);
      nq.set(extMul(q0, q1), 4 * x);
    }
    layers[k] = { p: np, q: nq };
  }
  return layers;
}

function fold(t: Uint32Array, r: Ext): Uint32Array {
  const half = t.length / 8;
  const out = new Uint32Array(4 * half);
  for (let i = 0; i < half; i++) out.set(lerp(at(t, 2 * i), at(t, 2 * i + 1), r), 4 * i);
  return out;
}

/** Proves the fraction sum of leaves (p, q) (interleaved ext vectors of 2^n entries, n ≥ 1). */
export function gkrProve(p: Uint32Array, q: Uint32Array, n: number, tr: Transcript): { proof: GkrProof; claim: GkrClaim } {
  const layers = buildLayers(p, q, n);
  const rootP = at(layers[0]!.p, 0).slice(), rootQ = at(layers[0]!.q, 0).slice();
  absorbExts(tr, "logup/root", [rootP, rootQ]);
  const proofLayers: GkrLayerProof[] = [];
  let r: Ext[] = [];
  let pc: Ext = rootP, qc: Ext = rootQ;
  for (let k = 0; k < n; k++) {
    const next = layers[k + 1]!, half = 1 << k;
    const rounds: Ext[][] = [];
    let point: Ext[] = [];
    let ends: [Ext, Ext, Ext, Ext];
    if (k === 0) {
      ends = [at(next.p, 0).slice(), at(next.p, 1).slice(), at(next.q, 0).slice(), at(next.q, 1).slice()];
    } else {
      const lambda = tr.squeezeExt("logup/lambda");
      let eq: Uint32Array = eqTable(r);
      let p0: Uint32Array = next.p.slice(0, 4 * half), p1: Uint32Array = next.p.slice(4 * half);
      let q0: Uint32Array = next.q.slice(0, 4 * half), q1: Uint32Array = next.q.slice(4 * half);
      let claim: Ext = extAdd(pc, extMul(lambda, qc));
      for (let round = 0; round < k; round++) {
        const size = eq.length / 8;
        // s(t) = Σ_i g(tables at 2i + t·(2i+1 − 2i)) for t = 0, 2, 3.
        const s = [0, 2, 3].map((tv) => {
          let acc: Ext = new Uint32Array(4);
          const tt = Uint32Array.of(tv, 0, 0, 0);
          for (let i = 0; i < size; i++) {
            const e = lerp(at(eq, 2 * i), at(eq, 2 * i + 1), tt);
            const a0 = lerp(at(p0, 2 * i), at(p0, 2 * i + 1), tt), a1 = lerp(at(p1, 2 * i), at(p1, 2 * i + 1), tt);
            const b0 = lerp(at(q0, 2 * i), at(q0, 2 * i + 1), tt), b1 = lerp(at(q1, 2 * i), at(q1, 2 * i + 1), tt);
            const b01 = extMul(b0, b1);
            acc = extAdd(acc, extMul(e, extAdd(extAdd(extMul(a0, b1), extMul(a1, b0)), extMul(lambda, b01))));
          }
          return acc;
        });
        rounds.push(s);
        absorbExts(tr, "logup/round", s);
        const c = tr.squeezeExt("logup/challenge");
        claim = interpolateAt([s[0]!, extSub(claim, s[0]!), s[1]!, s[2]!], c);
        point.push(c);
        eq = fold(eq, c); p0 = fold(p0, c); p1 = fold(p1, c); q0 = fold(q0, c); q1 = fold(q1, c);
      }
      ends = [at(p0, 0).slice(), at(p1, 0).slice(), at(q0, 0).slice(), at(q1, 0).slice()];
    }
    absorbExts(tr, "logup/ends", ends);
    const mu = tr.squeezeExt("logup/mu");
    pc = lerp(ends[0], ends[1], mu);
    qc = lerp(ends[2], ends[3], mu);
    r = [...point, mu];
    proofLayers.push({ rounds, ends });
  }
  return { proof: { rootP, rootQ, layers: proofLayers }, claim: { point: r, p: pc, q: qc } };
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

