// Builds the exported verifier (PROTOCOL.md §7): the verifier code bundled alone by esbuild into
// a dependency-free ES module, a Node CLI script that imports it, and a static HTML page with
// the code (and its wasm, already base64 inside) inline, so it verifies from file:// with no
// network, no headers and no SharedArrayBuffer.
import { fileURLToPath } from "node:url";
import { INTEGRITY_NOTE } from "../../core/artifacts/index.ts";

export const MODULE_FILE = "zkml-verifier.mjs";
export const CLI_FILE = "verify.mjs";
export const PAGE_FILE = "verifier.html";
export const README_FILE = "README.txt";

const ENTRY = fileURLToPath(new URL("./entry.ts", import.meta.url));

export interface ExportedVerifier {
  files: Record<string, string>;
  /** Project source files in the bundle (for the test that keeps the verifier alone). */
  inputs: string[];
}

async function bundle(format: "esm" | "iife"): Promise<{ code: string; inputs: string[] }> {
  const { build } = await import("esbuild");
  const r = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format,
    ...(format === "iife" ? { globalName: "zkmlVerifier" } : {}),
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const out = r.outputFiles[0]!;
  return { code: out.text, inputs: Object.keys(r.metafile.inputs) };
}

const HEADER = `// zkml-studio exported verifier (${INTEGRITY_NOTE}).
// No dependencies. Usage:
//   import { verify } from "./${MODULE_FILE}";
//   verify(vkBytes, inputTensorProtoBytes, outputJson, proofBytes) → { ok, reason?, proves, vkDigest? }
//   verifyGeneration(vkBytes, prompt, text, proofBytes) → the same, for zkml prove-generation's proofs
`;

const CLI = `#!/usr/bin/env node
// zkml-studio exported verifier, command line (${INTEGRITY_NOTE}).
//   node ${CLI_FILE} --vk vk.bin --input x.pb --output output.json --proof proof.bin
//   node ${CLI_FILE} --vk vk.bin --prompt "text" --text "continuation" --proof proof.bin
// Exit 0 and "accepted", or exit 1 and "rejected: reason" (2: bad usage).
import { readFileSync } from "node:fs";
import { verify, verifyGeneration } from "./${MODULE_FILE}";

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf("--" + name); return i >= 0 ? args[i + 1] : undefined; };
const generation = opt("prompt") !== undefined || opt("text") !== undefined;
const paths = generation ? { vk: opt("vk"), proof: opt("proof") } : { vk: opt("vk"), input: opt("input"), output: opt("output"), proof: opt("proof") };
if (Object.values(paths).some((p) => !p) || (generation && (opt("prompt") === undefined || opt("text") === undefined))) {
  console.error("usage: node ${CLI_FILE} --vk vk.bin --input x.pb --output output.json --proof proof.bin\\n   or: node ${CLI_FILE} --vk vk.bin --prompt text --text continuation --proof proof.bin");
  process.exit(2);
}
const read = (what, p) => {
  try { return new Uint8Array(readFileSync(p)); }
  catch (e) { console.log("rejected: cannot read " + what + " " + p + ": " + e.message); process.exit(1); }
};
const r = generation
  ? verifyGeneration(read("verifying key", paths.vk), opt("prompt"), opt("text"), read("proof", paths.proof))
  : verify(read("verifying key", paths.vk), read("input", paths.input), read("output", paths.output), read("proof", paths.proof));
if (r.ok) console.log("accepted: the model of verifying key " + r.vkDigest.slice(0, 16) + "…, " + (generation ? "continues this prompt with this text" : "run on this input, gives this output") + " (" + r.proves + ")");
else console.log("rejected: " + r.reason);
process.exit(r.ok ? 0 : 1);
`;

/** Inline-safe script text: "</script" becomes "<\/script" (the same JS in strings and regexes). */
function escapeScript(code: string): string {
  if (code.includes("<!--")) throw new Error("export: the bundle contains '<!--', which an inline script cannot hold; report this");
  return code.replace(/<\/script/gi, "<\\/script");
}

function page(iife: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zkml verifier</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1d2230; }
  h1 { font-size: 1.3rem; margin-bottom: 0.2rem; }
  .note { color: #5a6272; margin-top: 0; }
  label { display: grid; grid-template-columns: 11rem 1fr; align-items: center; margin: 0.5rem 0; }
  button { margin-top: 0.8rem; padding: 0.45rem 1.2rem; font: inherit; cursor: pointer; }
  #result { margin-top: 1rem; padding: 0.7rem 0.9rem; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
  #result.accepted { background: #e3f6e8; color: #0f5323; }
  #result.rejected { background: #fbe5e5; color: #7a1111; }
</style>
</head>
<body>
<h1>zkml verifier</h1>
<p class="note">Checks that an output came from the model of a verifying key run on a public input. This is an ${INTEGRITY_NOTE}. Everything runs in this page; nothing is uploaded.</p>
<form id="form">
  <label>Verifying key <input type="file" id="vk" accept=".bin"></label>
  <label>Input (TensorProto) <input type="file" id="input" accept=".pb"></label>
  <label>Output (output.json) <input type="file" id="output" accept=".json,application/json"></label>
  <label>Proof <input type="file" id="proof" accept=".bin"></label>
  <button type="submit" id="verify">Verify</button>
</form>
<div id="result" role="status" aria-live="polite"></div>
<script>${escapeScript(iife)}</script>
<script>
(function () {
  var ids = ["vk", "input", "output", "proof"];
  var result = document.getElementById("result");
  function show(text, cls) { result.textContent = text; result.className = cls; }
  document.getElementById("form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var files = ids.map(function (id) { return document.getElementById(id).files[0]; });
    var missing = ids.filter(function (id, i) { return !files[i]; });
    if (missing.length) { show("Pick the " + missing.join(", ") + " file" + (missing.length > 1 ? "s" : "") + " first.", ""); return; }
    show("Verifying…", "");
    Promise.all(files.map(function (f) { return f.arrayBuffer(); })).then(function (b) {
      var t0 = performance.now();
      var r = zkmlVerifier.verify(new Uint8Array(b[0]), new Uint8Array(b[1]), new Uint8Array(b[2]), new Uint8Array(b[3]));
      var ms = Math.round(performance.now() - t0);
      if (r.ok) show("accepted: the model of verifying key " + r.vkDigest.slice(0, 16) + "…, run on this input, gives this output (" + r.proves + "; " + ms + " ms)", "accepted");
      else show("rejected: " + r.reason, "rejected");
    }, function (e) { show("rejected: cannot read the files: " + e, "rejected"); });
  });
})();
</script>
</body>
</html>
`;
}

const README = `zkml-studio exported verifier (${INTEGRITY_NOTE})

${MODULE_FILE}  one ES module, no dependencies: verify(vk, input, output, proof)
${CLI_FILE}          node ${CLI_FILE} --vk vk.bin --input x.pb --output output.json --proof proof.bin
${PAGE_FILE}     open it in a browser (works from disk), pick the four files, press Verify

An accepted proof shows that the quantized model bound by the verifying key, run on the public
input, gives the output in output.json. v1 does not hide the weights or the input.
`;

export async function exportVerifier(): Promise<ExportedVerifier> {
  const [esm, iife] = await Promise.all([bundle("esm"), bundle("iife")]);
  return {
    files: { [MODULE_FILE]: HEADER + esm.code, [CLI_FILE]: CLI, [PAGE_FILE]: page(iife.code), [README_FILE]: README },
    inputs: esm.inputs,
  };
}
