// Checks and converts caller-supplied inputs at the boundary, so kernels see only valid tensors.
import { allocValues, sizeOf, type DType, type Tensor, type TensorInfo } from "../graph/index.ts";
import { EvalError } from "./errors.ts";

/** What callers may pass: a Tensor, or data as a plain or BigInt array with dtype and shape. */
export interface InputTensor {
  dtype?: DType;
  shape: readonly number[];
  data: ArrayLike<number> | ArrayLike<bigint> | readonly string[] | BigInt64Array;
}

/** Converts `given` to the storage `info` asks for, checking dtype, shape and length. */
export function coerceInput(info: TensorInfo, given: InputTensor): Tensor {
  const name = info.name;
  if (given.dtype !== undefined && given.dtype !== info.dtype) {
    throw new EvalError(`input ${name} should be ${info.dtype} but is ${given.dtype}; convert it first`, { tensor: name });
  }
  const shape = [...given.shape];
  if (shape.length !== info.shape.length || shape.some((d, i) => d !== info.shape[i])) {
    throw new EvalError(
      `input ${name} has shape [${shape.join(",")}] but the graph was loaded for [${info.shape.join(",")}]; ` +
        "reshape the input or load the graph with matching dims",
      { tensor: name },
    );
  }
  const n = sizeOf(info.shape);
  if (given.data.length !== n) {
    throw new EvalError(`input ${name} holds ${given.data.length} values for shape [${shape.join(",")}] (${n})`, { tensor: name });
  }
  const want = allocValues(info.dtype, 0);
  if (Object.getPrototypeOf(want) === Object.getPrototypeOf(given.data)) return { dtype: info.dtype, shape, data: given.data as Tensor["data"] };
  if (info.dtype === "string") return { dtype: "string", shape, data: Array.from(given.data as ArrayLike<unknown>, String) };
  const out = allocValues(info.dtype, n) as Float64Array;
  for (let i = 0; i < n; i++) {
    const v = Number((given.data as ArrayLike<number | bigint | string>)[i]);
    if (Number.isNaN(v) && info.dtype !== "float32" && info.dtype !== "float64") {
      throw new EvalError(`input ${name}[${i}] is not a number`, { tensor: name });
    }
    out[i] = v;
  }
  return { dtype: info.dtype, shape, data: out };
}
