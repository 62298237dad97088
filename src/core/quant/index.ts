/**
 * quant/: calibration, the QuantPlan, lookup tables, the exact integer evaluator and the
 * accuracy report. The proof (circuit/, prover/) proves exactly what `runInteger` computes:
 * these semantics are the contract between calibration and the circuit.
 *
 * API
 * - `calibrate(graph, samples, options)` → `{ plan, qgraph }`: float evaluation over the data,
 *   per-tensor statistics, a type per tensor by `method` ("minmax" | "percentile" | "mse"),
 *   per-channel weight scales with `perChannel`, lowering, plan. `observeSample` + `planFromObservations` do the same in steps.
 * - `serializePlan` / `parsePlan` / `validatePlan` (plan.schema.json, version 1) and
 *   `quantizeWithPlan(graph, plan)` → the quantized graph (checks the plan against the model:
 *   missing/extra tensors and tables, requants, table rows, the static bound).
 * - `runInteger(qgraph, intInputs)`, `runQuantized(qgraph, floatInputs)`, `dequantize`.
 * - `checkBounds(qgraph)`: PROTOCOL §1 from bit widths and shapes only.
 * - `measureAccuracy(graph, qgraph, samples, labels?)`; `samplesFromBatch`, `generatedSamples`.
 * Errors are `QuantError` (and `QuantBoundError`) naming the tensor, node or JSON path.
 *
 * Integer semantics (the quantized graph, `qgraph.ts`)
 * - Every tensor holds integers v worth v·2^−k (k = its fractional bits), in [−2^(b−1),
 *   2^(b−1)−1], or [0, 2^b−1] when unsigned. Zero point 0. Defaults: 8-bit weights, 8-bit
 *   activations (12 for graphs with Softmax/LayerNormalization); widths ≤ 16 for activations.
 * - round(v) = floor(v + ½) everywhere (half up, negatives included). Weights and constants:
 *   w_q = clamp(round(w·2^k)) with k the largest exponent that fits max|w| (per tensor).
 *   Bias: scale 2^−(k_in+k_w), as wide as its values need. Float inputs: clamp(round(x·2^k)).
 * - requant: y = clamp(floor((acc·M + 2^(s−1)) / 2^s), lo, hi) (s = 0: clamp(acc·M)); M = 1
 *   unless a non-power-of-two factor (average pool, Div/Mul by a constant, mean) is folded in;
 *   a ReLU right after is its clamp (lo = 0, unsigned output); so is a Mul/Div by a positive
 *   scalar. Where M alone would be coarser than 2^−12, a 16-bit requant goes first. Bound:
 *   max|acc|·M + 2^(s−1) < 2^29; a larger factor under which every nonzero acc saturates is
 *   M = max(−lo, hi), s = 0 (exact).
 * - linear: acc = Σ x·w + bias (Gemm/MatMul by a weight as [N, K]; Conv with pads, strides,
 *   groups, dilations, zero padding; a following BatchNormalization or bias Add is folded;
 *   ConvTranspose: an upsample index map (zeros between) then a stride-1 conv by the flipped kernel).
 *   matmul2: acc = a @ b of two activations (MatMul; Gemm with transposes as index maps, alpha
 *   in the requant, C added). Max/Min of two activations: b + relu(a − b) / a − relu(a − b).
 *   Of more than two, pairwise, each partial exact at a type holding both its inputs.
 *   add: acc = Σ c_i·x_i with c_i = ±2^(K−k_i), K = max k_i (broadcast). Add/Sub are one add; Sum of n ≥ 2 inputs is a chain of n−1
 *   two-input adds at that K in input order (one input: the identity). mul: acc = a ⊙ b (broadcast).
 * - lookup: y = T[x − min(x's type)], T over the input type's whole range (≤ 2^16 rows unless
 *   the plan sets maxRows), T[j] = clamp(round(f(x_j·2^−k_in)·2^k_out)) computed in float64
 *   when the plan is made and stored in the plan as integers (never recomputed: engines differ
 *   in the last ulp of exp/tanh; the VK takes them verbatim). ReLU that cannot fuse, LeakyRelu,
 *   Sigmoid, Tanh, Erf, GELU (the exported Div/Erf/Add/Mul/Mul subgraph is one table), Exp,
 *   Reciprocal, Sqrt, Softplus, Clip, HardSigmoid, HardSwish, Elu, Selu, Softsign, Abs, Neg,
 *   Log (log of x ≤ 0 saturates to the minimum), Pow by a constant scalar (a fractional power
 *   of x < 0 is 0), Max/Min with a constant scalar (a table), PRelu with one slope (per-channel slopes:
 *   relu(x) + a ⊙ min(x, 0), two tables, a mul and an add), Sign, Round (half to even),
 *   Floor, Ceil, Sin, Cos, Shrink. Cast between float types is the identity; Mean is a Sum
 *   requantized by 1/n; Expand is a gather of index 0 along each axis that grows. A value outside the table's domain is an error naming
 *   the node and value, unless the table says saturate.
 * - maxpool: integer max over the window, padding excluded (a 2-D window of more than 16
 *   elements is one pool per axis in turn; GlobalMaxPool is a reducemax
 *   over the merged spatial axes, any size); sumpool: sum, padding as 0, then a
 *   requant by 1/count; an AveragePool that leaves padding out of its divisor multiplies the
 *   sum by a constant 1/count per output position (12 bits) first. reducemax / rowsum along
 *   one axis (kept as size 1); several adjacent axes are merged by a reshape first. ReduceMin
 *   is −max(−x) (neg tables, one bit wider); ReduceL1 sums |x|; ReduceSumSquare and ReduceL2
 *   sum requant(x ⊙ x), L2 then a sqrt table from the sum at 16 bits over its whole range.
 * - indexmap: Reshape/Flatten/Squeeze/Unsqueeze/Transpose/Slice/Split/Concat/Pad(0)/Gather by
 *   constant indices as an explicit map out[i] = in[map[i]] (−1 → 0) (a Pad by a constant v ≠ 0
 *   then adds v where the padding is; negative pads are a slice first); upsample: o = f·i + start
 *   per axis, zeros elsewhere; nearest Resize/Upsample (graph/ops/resize.ts picks the sources;
 *   linear: per resized axis a dense op by the constant blend matrix, 10-bit weights),
 *   Pad in reflect, edge or
 *   wrap mode and Tile are a gather per padded or repeated axis; DepthToSpace/SpaceToDepth a
 *   reshape, a transpose and a reshape; type unchanged (Concat
 *   inputs requantized to the output's type first). select: y = mask ? fill : x for a
 *   constant mask (Where; a fill below the type's range is the type's minimum and stands for
 *   −∞); embed: rows of a weight table by public integer ids (Gather).
 * - Scales are per tensor, unless the plan is per-channel (`perChannel` option, `zkml
 *   calibrate --per-channel`): then each linear op's (Gemm, MatMul by a weight, Conv) weight
 *   has a real scale per output channel, scale_c = max|w_c| / (2^(b−1) − 1), w_q =
 *   clamp(round(w / scale_c)), bias b_q = round(b / (s_x·scale_c)); its k is the per-tensor
 *   exponent, nominal. The requant is lowered without a new op: acc' = acc ⊙ M (M a [C] or
 *   [C, 1, …] unsigned model constant, M_c = round(s_x·scale_c/s_y·2^s)), then a requant
 *   with M = 1 and the common shift s: the smallest (≤ 29) that puts every M_c within 2^−10
 *   of its factor (a shorter remainder to prove). |acc·M_c| < 2^28 for every value of M's
 *   type (one bit of headroom for the circuit's quotient-range check); when no shift under
 *   that bound reaches 2^−10, acc is first requantized to 16 bits (M = 1, shift). The plan records channelScales per weight and
 *   channelM per such requant.
 * - Div by another constant: a mul by the constant 1/C; by an activation b: a ⊙ r, r = 1/b by a
 *   reciprocal table over b's type, r's type from the observed 1/b (full range).
 * - LogSoftmax: as Softmax up to S, then d − log S (log table, 14-bit).
 * - Softmax (any axis; opset < 13 when the flattened dimensions have one above 1): m = reducemax; d = x − m; requant d to 13-bit k=8 (clamped ≤ 0); e =
 *   exp table (14-bit unsigned, k=13); masked (−∞ Where) entries set to 0; S = rowsum e;
 *   requant S to 14 bits; r = reciprocal table (k=13); p = e ⊙ r; requant.
 * - LayerNormalization (input ≤ 13 bits; over the axes from `axis` on, flattened into one by a
 *   reshape when there are several): mean = requant(rowsum x, 1/n); c = x −
 *   mean; sq = requant(c ⊙ c) (16-bit); var = requant(rowsum sq, 1/n) (12-bit); r = rsqrt
 *   table with ε inside; norm = requant(c ⊙ r); requant(norm ⊙ γ + β).
 * - InstanceNormalization: x viewed as [N, C, H·W…] (a reshape), normalized along the last axis
 *   as LayerNorm is, γ and β per channel, viewed back.
 * - LRN: sq = requant(x ⊙ x) (12-bit); S = sq summed over the channel window (a 1×1 conv by a
 *   0/1 band of channels), requant to 14 bits; f = lrn table (bias + α/size·S)^−β (14-bit);
 *   requant(x ⊙ f). The squares, sums and f are calibrated by their observed full ranges.
 * - Static bound (PROTOCOL §1): interval analysis from bit widths and shapes proves
 *   |v| < 2^29 for every value, |acc·M| < 2^29 and (width of q's range)·2^s ≤ p for every
 *   requant; otherwise QuantBoundError names the node and the widths to lower. Calibration
 *   caps activation widths so linear ops fit: b_x ≤ 29 − b_w − ⌈log2 K⌉.
 * - Convs and pools take 1-D to 3-D windows (3-D through the generic window index).
 * - The evaluator computes linear/conv on the f32 SIMD GEMM in K-chunks whose partial sums
 *   stay below 2^24 (exact), summed in float64: every result is the exact integer.
 *
 * The plan (plan.ts) holds the chosen type of every tensor that is a choice, every requant
 * (M, s, lo, hi, half-up; checked against the scales), every table (spec + integers as
 * int32le-base64) and the calibration report (min, max, zeros, 64-bin histogram per value).
 */
export { QuantError } from "./errors.ts";
export { QuantBoundError, checkBounds, intervals, type Interval } from "./bounds.ts";
export { FIELD_P, VALUE_BOUND, multiplierFor, quantizeValue, requantize, roundHalfUp, typeMax, typeMin } from "./fixed.ts";
export type * from "./qgraph.ts";
export { indexMapOf } from "./indexmap.ts";
export { runInteger, type IntRunOptions } from "./int-eval.ts";
export { dequantize, quantizeInput, realOutputs, runOutputsAsFloat, runQuantized } from "./run.ts";
export { buildTable, tableId, TABLE_FUNCTIONS, DEFAULT_MAX_TABLE_ROWS, type TableSpec } from "./tables.ts";
export { lower, lowerForPlan, quantizableOps, widthLimits, type Lowered } from "./lower.ts";
export type { ScaleSource, TypeRequest } from "./scale-source.ts";
export { CALIBRATION_METHODS, RangeObserver, chooseExponent, exponentFor, type CalibrationMethod, type TensorReport } from "./stats.ts";
export { calibrate, defaultActivationBits, observeChunks, observeSample, Observations, planFromObservations, type CalibrationOptions, type ObservationsData } from "./calibrate.ts";
export { PLAN_VERSION, parsePlan, quantizeWithPlan, serializePlan, validatePlan, type ChosenType, type QuantPlan, type PlanTable, type PlanTensor, type PlanRequant } from "./plan.ts";
export { CHUNK_SAMPLES, MAX_CALIBRATION_THREADS, calibrationThreads, generatedNote, generatedSampleCount, generatedSamples, macsPerSample, sampleChunks, samplesFromBatch, seededRandom, splitBatch, type Sample } from "./data.ts";
export { accuracyParts, checkLabels, combineAccuracy, measureAccuracy, type AccuracyPart, type AccuracyReport, type NodeError } from "./accuracy.ts";
