// Writes the standalone verifier (`zkml export-verifier`'s files) into public/verifier/, which
// the app ships in every proof bundle. Generated from the current verifier code on every
// start, build and test, never committed: a stale copy would reject the prover's proofs.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportVerifier } from "../src/cli/export/bundle.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../public/verifier");
const { files } = await exportVerifier();
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
