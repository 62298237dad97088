import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { INTEGRITY_NOTE } from "../../core/artifacts/index.ts";
import { exportVerifier, CLI_FILE, MODULE_FILE, PAGE_FILE } from "../export/bundle.ts";
import { CliError, type Output } from "../io.ts";
import { USAGE } from "../usage.ts";

export const usage = USAGE["export-verifier"];

export async function run(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { output: { type: "string", short: "o" }, json: { type: "boolean" } }, allowPositionals: true });
  if (positionals.length > 0 || !values.output) throw new CliError(`usage: ${usage}`, 2);
  const { files } = await exportVerifier();
  mkdirSync(values.output, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(values.output, name), text);
  const sizes = Object.fromEntries(Object.entries(files).map(([n, t]) => [n, Buffer.byteLength(t)]));
  if (values.json) {
    io.out(JSON.stringify({ proof: INTEGRITY_NOTE, dir: values.output, files: sizes }));
    return 0;
  }
  io.out(`exported the verifier to ${values.output} (${INTEGRITY_NOTE}):`);
  io.out(`  ${MODULE_FILE}  ${sizes[MODULE_FILE]} bytes: import { verify } and call verify(vk, input, output, proof)`);
  io.out(`  ${CLI_FILE}  node ${CLI_FILE} --vk vk.bin --input x.pb --output output.json --proof proof.bin`);
  io.out(`  ${PAGE_FILE}  ${sizes[PAGE_FILE]} bytes: open it in a browser (works from disk) and pick the four files`);
  return 0;
}
