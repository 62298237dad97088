import { parseArgs } from "node:util";
import { decodeModel, summarize, type Dim } from "../../core/onnx/index.ts";
import { CliError, readInput, type Output } from "../io.ts";

export const usage = "zkml inspect <model.onnx> [--json]   show a model's inputs, outputs, parameters and ops";

export function run(argv: string[], io: Output): number {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: "boolean" } }, allowPositionals: true });
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new CliError(`usage: ${usage}`, 2);
  const model = decodeModel(readInput(path, "model"));
  const s = summarize(model);
  if (values.json) {
    io.out(JSON.stringify(s));
    return 0;
  }
  const shape = (d: Dim[] | undefined) => (d ? `[${d.join(",")}]` : "[?]");
  io.out(`model      ${s.name || "(unnamed)"}  (${s.producer || "unknown producer"}, IR v${s.irVersion}, opset ${s.opset})`);
  for (const v of s.inputs) io.out(`input      ${v.name}  ${v.dtype ?? "?"} ${shape(v.shape)}`);
  for (const v of s.outputs) io.out(`output     ${v.name}  ${v.dtype ?? "?"} ${shape(v.shape)}`);
  io.out(`parameters ${s.parameters.toLocaleString("en-US")}`);
  io.out(`nodes      ${s.nodeCount}`);
  io.out("ops");
  for (const [op, n] of Object.entries(s.opHistogram)) io.out(`  ${op.padEnd(24)} ${n}`);
  return 0;
}
