// Op families: the colour of a node on the canvas (UI.md: linear blue, lookups orange,
// normalization purple, pooling green, shape ops grey and small).
export type OpFamily = "linear" | "lookup" | "norm" | "pool" | "shape" | "arith" | "io" | "other";

const FAMILIES: Record<string, OpFamily> = {};
const add = (f: OpFamily, ops: string) => ops.split(" ").forEach((o) => (FAMILIES[o] = f));
add("linear", "Conv ConvTranspose Gemm MatMul");
add("lookup", "Relu LeakyRelu PRelu Elu Selu Sigmoid HardSigmoid HardSwish Tanh Erf Gelu Exp Log Reciprocal Sqrt Clip Softplus Softsign Sign Round Floor Ceil Sin Cos Shrink");
add("norm", "LayerNormalization Softmax LogSoftmax BatchNormalization LRN InstanceNormalization");
add("pool", "MaxPool AveragePool GlobalAveragePool GlobalMaxPool ReduceMean ReduceSum ReduceMax ReduceMin ReduceL1 ReduceL2 ReduceSumSquare ArgMax ArgMin");
add("shape", "Reshape Transpose Flatten Concat Squeeze Unsqueeze Split Slice Gather GatherND GatherElements Shape Constant ConstantOfShape Identity Expand Tile Pad Cast CastLike Range Dropout Where DepthToSpace SpaceToDepth Resize Upsample");
add("arith", "Add Sub Mul Div Pow Neg Abs Sum Mean Max Min Equal Less Greater");

export function opFamily(op: string): OpFamily {
  return FAMILIES[op] ?? "other";
}

/** Shape ops and graph inputs/outputs are drawn small. */
export const isSmallFamily = (f: OpFamily): boolean => f === "shape" || f === "io";
