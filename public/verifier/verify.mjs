#!/usr/bin/env node
// zkml-studio exported verifier, command line (integrity proof — weights and input are not hidden).
//   node verify.mjs --vk vk.bin --input x.pb --output output.json --proof proof.bin
// Exit 0 and "accepted", or exit 1 and "rejected: reason" (2: bad usage).
import { readFileSync } from "node:fs";
import { verify } from "./zkml-verifier.mjs";

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf("--" + name); return i >= 0 ? args[i + 1] : undefined; };
const paths = { vk: opt("vk"), input: opt("input"), output: opt("output"), proof: opt("proof") };
if (Object.values(paths).some((p) => !p)) {
  console.error("usage: node verify.mjs --vk vk.bin --input x.pb --output output.json --proof proof.bin");
  process.exit(2);
}
const read = (what, p) => {
  try { return new Uint8Array(readFileSync(p)); }
  catch (e) { console.log("rejected: cannot read " + what + " " + p + ": " + e.message); process.exit(1); }
};
const r = verify(read("verifying key", paths.vk), read("input", paths.input), read("output", paths.output), read("proof", paths.proof));
if (r.ok) console.log("accepted: the model of verifying key " + r.vkDigest.slice(0, 16) + "…, run on this input, gives this output (" + r.proves + ")");
else console.log("rejected: " + r.reason);
process.exit(r.ok ? 0 : 1);
