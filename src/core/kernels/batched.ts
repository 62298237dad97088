// The batched calls (several trees or tables in one call) for a backend with no faster way than
// one call each: a pool's backend overrides them to fill its threads with one batch.
import { extAdd, extMul } from "../field/ext.ts";
import type { FieldBackend, GkrTables } from "./types.ts";

type Batched = Pick<FieldBackend, "gkrRounds" | "gkrFoldRounds" | "gkrLayers" | "eqTables" | "combineRowsMany" | "extDotBaseMany" | "lookupDenominatorsMany">;

export function oneByOne(K: () => FieldBackend): Batched {
  return {
    gkrRounds: (trees, m, lambda, withOne) => weighted(trees, trees.map(({ tables: [e, a, b, c, d], pExt }) => K().gkrRound(e!, a!, b!, c!, d!, pExt, m, lambda, withOne))),
    gkrFoldRounds: (trees, m, r, lambda, withOne) => weighted(trees, trees.map((t) => K().gkrFoldRound(t.tables, t.pExt, m, r, lambda, t.outs!, withOne))),
    gkrLayers(layers, h) {
      for (const x of layers) K().gkrLayer(x.p0, x.p1, x.q0, x.q1, x.pExt, h, x.np, x.nq);
    },
    eqTables(tables) {
      for (const t of tables) K().eqTable(t.r, t.out, t.scale);
    },
    combineRowsMany(items, cols) {
      for (const x of items) K().combineRows(x.m, x.rows, cols, x.w, x.out);
    },
    lookupDenominatorsMany(items, alpha, coeffs) {
      for (const x of items) K().lookupDenominators(x.columns, alpha, coeffs.slice(0, x.columns.length), x.n, x.out);
    },
    extDotBaseMany(items) {
      const out = new Uint32Array(4 * items.length);
      for (let i = 0; i < items.length; i++) out.set(K().extDotBase(items[i]!.a, items[i]!.b, items[i]!.n), 4 * i);
      return out;
    },
  };
}

/** Σ_t weight_t·sums_t over per-tree round sums (a fold's last round has none: zeros). */
export function weighted(trees: readonly GkrTables[], sums: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(12);
  sums.forEach((s, t) => {
    for (let i = 0; i < s.length; i += 4) out.set(extAdd(out.subarray(i, i + 4), extMul(trees[t]!.weight, s.subarray(i, i + 4))), i);
  });
  return out;
}
