// What every prover gadget works with: the transcript, the proof body, the claim book and the
// witness (padded integer values, converted to field elements on demand).
import { type ProofPlan, ClaimBook, StreamWriter, toField } from "../circuit/index.ts";
import type { Ext } from "../field/index.ts";
import { evaluateMle } from "../poly/index.ts";
import { Transcript } from "../transcript/index.ts";
import { segmentByName, type PcsParams, type SegmentMap } from "../pcs/index.ts";
import { rowKey } from "../pcs/rows.ts";
import { foldHigh, foldHighExt } from "./gadgets/fold.ts";
import type { Values } from "./witness.ts";

/** What forks of one proof share: the witness in the field, and the rows made for the model opening. */
interface Shared {
  readonly fieldCache: Map<string, Uint32Array>;
  readonly modelRows: Map<string, Uint32Array>;
}

export class ProverCtx {
  readonly w = new StreamWriter();
  readonly book = new ClaimBook();
  private readonly shared: Shared;
  /** Combinations of the model matrix's rows made while proving (by rowKey): the model opening reuses them. */
  readonly modelRows: Map<string, Uint32Array>;
  /**
   * `model`: the model commitment, whose matrix already holds every model tensor in the field.
   * `witness`: the witness vector to commit; a witness tensor is made a field element straight
   * into its segment there, and read from it (no copy per tensor, none to pack); `written` is
   * told each segment's offset once it is there.
   */
  constructor(readonly plan: ProofPlan, readonly values: Values, private readonly model?: { map: SegmentMap; data: { matrix: Uint32Array; params: PcsParams } }, private readonly witness?: { map: SegmentMap; packed: Uint32Array; written?: (offset: number) => void }, readonly tr = new Transcript(), shared?: Shared) {
    this.shared = shared ?? { fieldCache: new Map(), modelRows: new Map() };
    this.modelRows = this.shared.modelRows;
  }

  /** A context on transcript `tr` with a body and claims of its own, over the same witness. */
  fork(tr: Transcript): ProverCtx {
    return new ProverCtx(this.plan, this.values, this.model, this.witness, tr, this.shared);
  }

  /**
   * A tensor with its variables above the lowest `low` fixed at `high` (foldHigh). A model tensor
   * taller than a row of the model matrix is folded rows first: that combination is the one the
   * model opening needs for a claim on the tensor at these high variables (a conv's weights at
   * its output-channel point), so it is kept for the opening instead of being made twice.
   */
  foldHigh(name: string, low: number, high: Uint32Array): Uint32Array {
    const values = this.field(name);
    const c = this.model?.data.params.logCols ?? 0;
    const seg = this.model && this.plan.tensors[name]?.kind === "model" ? segmentByName(this.model.map, name) : undefined;
    if (!seg || seg.logSize <= c || low > c || values.length !== 2 ** seg.logSize) return foldHigh(values, low, high);
    const rowPoint = high.subarray(4 * (c - low));
    const rows = foldHigh(values, c, rowPoint);
    this.modelRows.set(rowKey(seg.offset / 2 ** c, rowPoint), rows);
    return foldHighExt(rows, low, high.subarray(0, 4 * (c - low)));
  }

  field(name: string): Uint32Array {
    const { fieldCache } = this.shared;
    let f = fieldCache.get(name);
    if (!f && this.model && this.plan.tensors[name]?.kind === "model") {
      const seg = segmentByName(this.model.map, name);
      if (seg) fieldCache.set(name, (f = this.model.data.matrix.subarray(seg.offset, seg.offset + seg.length)));
    }
    if (!f) {
      const v = this.values.get(name);
      if (!v) throw new Error(`prover: no values for ${name}`);
      const seg = this.witness && segmentByName(this.witness.map, name);
      f = toField(v, seg && this.witness!.packed.subarray(seg.offset, seg.offset + seg.length));
      fieldCache.set(name, f);
      if (seg) this.witness!.written?.(seg.offset);
    }
    return f;
  }

  eval(name: string, point: Uint32Array): Ext {
    return evaluateMle(this.field(name), false, point);
  }

  /** Sends T̃(point), absorbed under `label`, and records the claim. */
  sendEval(label: string, name: string, point: Uint32Array): Ext {
    const v = this.eval(name, point);
    this.w.send(this.tr, label, [v]);
    this.book.add(name, point, v);
    return v;
  }
}
