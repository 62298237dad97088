// What the lowering asks for each tensor whose fixed-point type is a choice, and for each
// table. Calibration answers from observed ranges; a loaded plan answers from its entries.
import type { QTable, QType, TensorRole } from "./qgraph.ts";
import type { TableSpec } from "./tables.ts";

export interface TypeRequest {
  /** The quantized tensor's name (an ONNX name, or `<node>::<part>` inside a lowered op). */
  name: string;
  role: Exclude<TensorRole, "accumulator" | "bias">;
  shape: number[];
  /** Structural sign: false where the value cannot be negative (after ReLU, exp, …). */
  signed: boolean;
  /** The observed-statistics key for activations and inputs. */
  stat?: string;
  /** Float data of weights and constants (their scale comes from it). */
  values?: ArrayLike<number>;
  /** A width the op needs (e.g. a table's input); otherwise the role's default. */
  bits?: number;
  /** The widest type the consumers can take within the field bound. */
  maxBits?: number;
  /** A type fixed by the op's semantics (e.g. exp over a domain ≤ 0 yields [0, 1]). */
  fixed?: QType;
  /** Calibrate by the full observed range whatever the method (clipping here costs more). */
  fullRange?: boolean;
}

export interface ScaleSource {
  /** Weight width the lowering assumes when it caps activation widths for the field bound. */
  readonly weightBits: number;
  /** Linear ops' weights take one real scale per output channel (then `channelScales` answers). */
  readonly perChannel: boolean;
  type(req: TypeRequest): QType;
  /**
   * The scale of each output channel of a linear op's weight (`req.values` laid out as
   * [channels, …]), asked after `type(req)`: w_q = clamp(round(w / scale_c)).
   */
  channelScales(req: TypeRequest, channels: number): number[];
  table(id: string, spec: TableSpec, where: string): QTable;
}
