// What every prover gadget works with: the transcript, the proof body, the claim book and the
// witness (padded integer values, converted to field elements on demand).
import { type ProofPlan, ClaimBook, StreamWriter, toField } from "../circuit/index.ts";
import type { Ext } from "../field/index.ts";
import { evaluateMle } from "../poly/index.ts";
import { Transcript } from "../transcript/index.ts";
import type { SegmentMap } from "../pcs/index.ts";
import type { Values } from "./witness.ts";

export class ProverCtx {
  readonly tr = new Transcript();
  readonly w = new StreamWriter();
  readonly book = new ClaimBook();
  private readonly fieldCache = new Map<string, Uint32Array>();
  /** `model`: the model commitment, whose matrix already holds every model tensor in the field. */
  constructor(readonly plan: ProofPlan, readonly values: Values, private readonly model?: { map: SegmentMap; data: { matrix: Uint32Array } }) {}

  field(name: string): Uint32Array {
    let f = this.fieldCache.get(name);
    if (!f && this.model && this.plan.tensors[name]?.kind === "model") {
      const seg = this.model.map.segments.find((s) => s.name === name);
      if (seg) this.fieldCache.set(name, (f = this.model.data.matrix.subarray(seg.offset, seg.offset + seg.length)));
    }
    if (!f) {
      const v = this.values.get(name);
      if (!v) throw new Error(`prover: no values for ${name}`);
      f = toField(v);
      this.fieldCache.set(name, f);
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
