#!/usr/bin/env node
// The `zkml` command. The CLI is TypeScript run through tsx, so it needs no build step
// beyond the wasm kernels, which `npm ci` builds in the prepare script.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
