#!/usr/bin/env node
// zkml-studio exported verifier, command line (integrity proof — weights and input are not hidden).
//   node verify.mjs --vk vk.bin --input x.pb --output output.json --proof proof.bin
//   node verify.mjs --vk vk.bin --prompt "text" --text "continuation" --proof proof.bin
// Exit 0 and "accepted", or exit 1 and "rejected: reason" (2: bad usage).
import { readFileSync } from "node:fs";
import { verify, verifyGeneration } from "./zkml-verifier.mjs";

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf("--" + name); return i >= 0 ? args[i + 1] : undefined; };
const generation = opt("prompt") !== undefined || opt("text") !== undefined;
const paths = generation ? { vk: opt("vk"), proof: opt("proof") } : { vk: opt("vk"), input: opt("input"), output: opt("output"), proof: opt("proof") };
if (Object.values(paths).some((p) => !p) || (generation && (opt("prompt") === undefined || opt("text") === undefined))) {
  console.error("usage: node verify.mjs --vk vk.bin --input x.pb --output output.json --proof proof.bin\n   or: node verify.mjs --vk vk.bin --prompt text --text continuation --proof proof.bin");
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
