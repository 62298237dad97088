// The op table: every ONNX op (default domain) this front end infers and evaluates.
import { convOps } from "./conv.ts";
import { binaryOps, otherElementwise, unaryOps } from "./elementwise.ts";
import { layoutOps } from "./layout.ts";
import { linalgOps } from "./linalg.ts";
import { normOps } from "./norm.ts";
import type { OpDef } from "./op.ts";
import { poolOps } from "./pool.ts";
import { reduceOps } from "./reduce.ts";
import { resizeOps } from "./resize.ts";
import { shapeOps } from "./shape.ts";

const OPS: Readonly<Record<string, OpDef>> = {
  ...unaryOps, ...binaryOps, ...otherElementwise, ...linalgOps, ...convOps, ...poolOps,
  ...normOps, ...reduceOps, ...shapeOps, ...layoutOps, ...resizeOps,
};

/** The definition of an op of the default ONNX domain, if supported. */
export function opDef(domain: string, opType: string): OpDef | undefined {
  if (domain !== "" && domain !== "ai.onnx") return undefined;
  return Object.hasOwn(OPS, opType) ? OPS[opType] : undefined;
}

/** Names of all supported ops, sorted. */
export function supportedOps(): string[] {
  return Object.keys(OPS).sort();
}

export type { OpCtx, OpDef, OutMeta, ValueMeta } from "./op.ts";
